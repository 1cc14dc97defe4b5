import { describe, expect, it } from 'vitest';
import { haveFixtures, skipMissingFixture } from '../helpers/fixtures.js';
import { parseCert } from '#attestation/abi-common/x509.js';
import { verifySnpReport } from '#attestation/sev-snp/index.js';
import { amdAnchors, snpFixtures } from './tee-fixtures.js';

describe.skipIf(!haveFixtures('tee/snp'))('SEV-SNP verdicts on real reports', () => {
  const fixtures = haveFixtures('tee/snp') ? snpFixtures() : [];
  const anchors = haveFixtures('tee/snp') ? amdAnchors() : { certs: [] };

  for (const f of fixtures) {
    describe(f.name, () => {
      it('is accepted at verify_at with the expected product, signer and REPORTED_TCB', () => {
        const v = verifySnpReport(f.report, f.vek, { at: f.at, trustAnchors: anchors });
        expect(v.errors).toEqual([]);
        expect(v.ok).toBe(f.expected.expected.accepted);
        expect(v.version).toBe(f.expected.report_version);
        expect(v.product).toBe(f.expected.product);
        expect(v.signer).toBe(f.expected.signer);
        expect(v.reportedTcb).toEqual(f.expected.expected.reported_tcb);
      });

      it('is rejected one second outside the VEK validity', () => {
        const vek = parseCert(f.vek);
        for (const at of [
          new Date(vek.notBefore.getTime() - 1000),
          new Date(vek.notAfter.getTime() + 1000),
        ]) {
          const v = verifySnpReport(f.report, f.vek, { at, trustAnchors: anchors });
          expect(v.ok).toBe(false);
          expect(v.errors.map((x) => x.code)).toContain('SNP_CERT_EXPIRED');
        }
        for (const at of [vek.notBefore, vek.notAfter]) {
          expect(verifySnpReport(f.report, f.vek, { at, trustAnchors: anchors }).ok).toBe(true);
        }
      });

      it('rejects a changed REPORTED_TCB (offset 0x180)', () => {
        const r = f.report.slice();
        r[0x180] = (r[0x180] as number) ^ 1;
        const codes = verifySnpReport(r, f.vek, { at: f.at, trustAnchors: anchors }).errors.map(
          (x) => x.code,
        );
        expect(codes).toContain('SNP_TCB_MISMATCH');
        expect(codes).toContain('SNP_SIGNATURE_INVALID');
      });

      it('rejects the Milan VEK against the Genoa ASK / ARK only', () => {
        const genoaOnly = amdAnchors((file) => file.startsWith('genoa'));
        const v = verifySnpReport(f.report, f.vek, { at: f.at, trustAnchors: genoaOnly });
        expect(v.ok).toBe(false);
        expect(v.errors.map((x) => x.code)).toContain('SNP_CHAIN_INVALID');
      });

      it('rejects a genuine chain whose ARK is not pinned for the product', () => {
        const v = verifySnpReport(f.report, f.vek, {
          at: f.at,
          trustAnchors: { ...anchors, rootSha256: { milan: ['00'.repeat(32)] } },
        });
        expect(v.errors.map((x) => x.code)).toContain('SNP_ROOT_UNTRUSTED');
      });
    });
  }

  it('rejects a VCEK whose hwID is not the report CHIP_ID (another chip)', (ctx) => {
    const a = fixtures.find((x) => x.name === 'trustee-milan-v2');
    const b = fixtures.find((x) => x.name === 'virtee-milan-v2');
    if (a === undefined || b === undefined)
      return skipMissingFixture(ctx, 'tee/snp/{trustee,virtee}-milan-v2');
    // Same TCB (3/0/8/115), different chips: the VEK of one cannot vouch for the other.
    const codes = verifySnpReport(a.report, b.vek, { at: a.at, trustAnchors: anchors }).errors.map(
      (x) => x.code,
    );
    expect(codes).toContain('SNP_CHIP_ID_MISMATCH');
    expect(codes).toContain('SNP_SIGNATURE_INVALID');
  });

  it('rejects a report whose SIGNING_KEY says VLEK when a VCEK is supplied', (ctx) => {
    const f = fixtures.find((x) => x.name === 'trustee-az-milan-v3');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/snp/trustee-az-milan-v3');
    const r = f.report.slice();
    r[0x48] = ((r[0x48] as number) & ~0x1c) | (1 << 2);
    expect(
      verifySnpReport(r, f.vek, { at: f.at, trustAnchors: anchors }).errors.map((x) => x.code),
    ).toContain('SNP_SIGNER_MISMATCH');
  });

  it('needs trust anchors: no ARK / ASK supplied is a chain failure', (ctx) => {
    const f = fixtures[0];
    if (f === undefined) return skipMissingFixture(ctx, 'tee/snp/*');
    const v = verifySnpReport(f.report, f.vek, { at: f.at, trustAnchors: { certs: [] } });
    expect(v.ok).toBe(false);
    expect(v.errors.map((x) => x.code)).toEqual(['SNP_CHAIN_INVALID']);
  });
});
