import type { CommandModule } from '../context.js';
import { attestVerifyCommand } from './attest-verify.js';

/**
 * Every verb module of the CLI, one file each. Add yours with one import and one list entry.
 */
export const commands: CommandModule[] = [attestVerifyCommand];
