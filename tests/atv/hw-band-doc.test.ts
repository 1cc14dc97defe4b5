import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatsDocPath, withHwBandDoc } from '#atv/hw-band-doc.js';

describe('docs/formats.md "Hardware band"', () => {
  it('is the encoder table as it is (regenerate: node --import tsx src/atv/hw-band-doc.ts)', () => {
    const doc = readFileSync(formatsDocPath(), 'utf8');
    expect(doc).toBe(withHwBandDoc(doc));
  });
});
