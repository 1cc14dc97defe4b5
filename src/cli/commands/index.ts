import type { CommandModule } from '../context.js';
import { fpgaCommand } from './fpga.js';
import { auditKeyCommand } from './audit-key.js';
import { auditCommand } from './audit.js';
import { verifyAuditCommand } from './verify-audit.js';
import { selftestCommand } from './selftest.js';
import { daemonCommand } from './daemon.js';
import { hookCommand } from './hook.js';
import { approveCommand } from './approve.js';
import { installCommand } from './install.js';
import { attestVerifyCommand } from './attest-verify.js';
import { attestExportTpm2Command } from './attest-export-tpm2.js';
import { teeCommand } from './tee.js';
import { evaluateCommand } from './evaluate.js';
import { initCommand } from './init.js';
import { keysCommand } from './keys.js';
import { attestBundleCommand } from './attest-bundle.js';
import { demoCommand } from './demo.js';
import { hwCommand } from './hw.js';

/**
 * Every verb module of the CLI, one file each. Add yours with one import and one list entry.
 */
export const commands: CommandModule[] = [
  fpgaCommand,
  auditKeyCommand,
  auditCommand,
  verifyAuditCommand,
  selftestCommand,
  daemonCommand,
  hookCommand,
  approveCommand,
  installCommand,
  attestVerifyCommand,
  attestExportTpm2Command,
  teeCommand,
  evaluateCommand,
  initCommand,
  keysCommand,
  attestBundleCommand,
  demoCommand,
  hwCommand,
];
