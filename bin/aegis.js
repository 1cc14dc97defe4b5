#!/usr/bin/env node
// Entry point for `npx aegis`: runs the compiled CLI (built by `npm run build`, which `prepare` runs on `npm ci`).
import { runProcess } from '../dist/src/cli/main.js';

await runProcess();
