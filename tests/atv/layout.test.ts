import { describe, expect, it } from 'vitest';
import {
  ATV_BYTES,
  ATV_DIM,
  ATV_SUBFIELDS,
  HW_BAND,
  HW_SUBFIELDS,
  SW_BAND,
  SW_SUBFIELDS,
  subfield,
} from '#atv/layout.js';

describe('ATV-2080-v1 layout', () => {
  it('has 30 contiguous subfields totalling 2080 dims / 8320 bytes', () => {
    expect(ATV_SUBFIELDS).toHaveLength(30);
    expect(ATV_DIM).toBe(2080);
    expect(ATV_BYTES).toBe(8320);
    let next = 0;
    for (const s of ATV_SUBFIELDS) {
      expect(s.offset).toBe(next);
      next += s.length;
    }
    expect(next).toBe(2080);
  });
  it('splits SW 0–1879 (19 subfields) and HW 1880–2079 (11 subfields)', () => {
    expect(SW_SUBFIELDS).toHaveLength(19);
    expect(HW_SUBFIELDS).toHaveLength(11);
    expect(HW_SUBFIELDS[0]?.offset).toBe(HW_BAND.offset);
    expect(SW_BAND.offset + SW_BAND.length).toBe(1880);
    expect(HW_BAND.offset + HW_BAND.length).toBe(2080);
  });
  it('matches reference ranges', () => {
    expect(subfield('tool_arg_inspection')).toMatchObject({ offset: 1748, length: 32, index: 10 });
    expect(subfield('cost_efficiency_metrics')).toMatchObject({ offset: 1864, length: 16 });
    expect(subfield('linkage_consistency_features')).toMatchObject({ offset: 2060, length: 20, index: 29 });
    expect(() => subfield('nope')).toThrow();
  });
});
