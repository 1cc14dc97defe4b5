// Process entry for running the CLI from source (`node --import tsx src/cli/entry.ts`), used by tests.
import { runProcess } from './main.js';

await runProcess();
