import { describe, expect, it } from 'vitest';
import { parseYosysStat } from '#firmware-sim/fpga/synth.js';

describe('yosys report parsing', () => {
  it('reads the cell table of the last stat', () => {
    const log = [
      '=== synth_top ===',
      '   Number of cells:                 10',
      '     SB_LUT4                         3',
      '',
      '=== synth_top ===',
      '   Number of wires:               2351',
      '   Number of cells:               5502',
      '     SB_CARRY                      646',
      '     SB_LUT4                      2919',
      '     SB_MAC16                        6',
      '     SB_RAM40_4K                    20',
      '',
      '   Chip area for module: 0',
    ].join('\n');
    expect(parseYosysStat(log)).toEqual({ SB_CARRY: 646, SB_LUT4: 2919, SB_MAC16: 6, SB_RAM40_4K: 20 });
    expect(parseYosysStat('no report')).toEqual({});
  });
});
