import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../helpers/fixtures.js';
import { parseDcapCollateral, type DcapCollateral } from '#attestation/dcap/index.js';
import { certsFromBlob, snpAnchorsFromCerts, type SnpTrustAnchors } from '#attestation/trust/index.js';

/** The shared TEE fixtures, read in place (never copied into the repo). */
export const teeDir = join(fixturesDir, 'tee');

export interface DcapFixture {
  name: string;
  dir: string;
  quote: Uint8Array;
  collateralText: string;
  collateral: DcapCollateral;
  expected: {
    tee: 'sgx' | 'tdx';
    quote_version: number;
    verify_at: string;
    valid_window_utc: [string, string, string];
    expected:
      { accepted: true; tcb_status: string; advisory_ids: string[] } | { accepted: false; reason: string };
  };
  at: Date;
}

export interface SnpFixture {
  name: string;
  dir: string;
  report: Uint8Array;
  vek: Uint8Array;
  expected: {
    report_version: number;
    product: string;
    signer: 'vcek' | 'vlek';
    verify_at: string;
    expected: {
      accepted: boolean;
      reported_tcb: { bootloader: number; tee: number; snp: number; microcode: number };
    };
  };
  at: Date;
}

const bytes = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

export function dcapFixtures(): DcapFixture[] {
  const base = join(teeDir, 'dcap');
  return readdirSync(base)
    .sort()
    .map((name) => {
      const dir = join(base, name);
      const expected = JSON.parse(
        readFileSync(join(dir, 'expected.json'), 'utf8'),
      ) as DcapFixture['expected'];
      const collateralText = readFileSync(join(dir, 'collateral.json'), 'utf8');
      return {
        name,
        dir,
        quote: bytes(join(dir, 'quote.bin')),
        collateralText,
        collateral: parseDcapCollateral(collateralText),
        expected,
        at: new Date(expected.verify_at),
      };
    });
}

export function snpFixtures(): SnpFixture[] {
  const base = join(teeDir, 'snp');
  return readdirSync(base)
    .sort()
    .map((name) => {
      const dir = join(base, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as SnpFixture['expected'];
      return {
        name,
        dir,
        report: bytes(join(dir, 'report.bin')),
        vek: bytes(join(dir, 'vek.der')),
        expected,
        at: new Date(expected.verify_at),
      };
    });
}

export const amdAnchorDir = join(teeDir, 'trust-anchors', 'amd');

/** AMD ARK / ASK / ASVK for every product, with AMD's pinned ARKs as roots (the defaults). */
export function amdAnchors(only?: (file: string) => boolean): SnpTrustAnchors {
  const files = readdirSync(amdAnchorDir).filter((f) => only === undefined || only(f));
  const certs = files.flatMap((f) => certsFromBlob(bytes(join(amdAnchorDir, f)), f));
  return { certs: snpAnchorsFromCerts(certs).certs };
}
