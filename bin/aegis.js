#!/usr/bin/env node
// Entry point for `npx aegis`: runs the compiled CLI (built by `npm run build`, which `prepare` runs on `npm ci`).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
