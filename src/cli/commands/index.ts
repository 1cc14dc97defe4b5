import type { CommandModule } from '../context.js';
import { fpgaCommand } from './fpga.js';
import { attestVerifyCommand } from './attest-verify.js';
import { attestExportTpm2Command } from './attest-export-tpm2.js';
import { teeCommand } from './tee.js';

/**
 * Every verb module of the CLI, one file each. Add yours with one import and one list entry.
 */
export const commands: CommandModule[] = [fpgaCommand, attestVerifyCommand, attestExportTpm2Command, teeCommand];
