import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, X509Crl } from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { haveFixtures } from '../helpers/fixtures.js';
import { toHex } from '#core/encoding.js';
import { normSerial, parseCert, parseCrl, parsePemChain, type Cert } from '#attestation/abi-common/x509.js';
import { parseDcapQuote } from '#attestation/dcap/index.js';
import { dcapFixtures, snpFixtures, teeDir } from './tee-fixtures.js';

/**
 * The verifier reads certificates and CRLs with its own DER walker (fast path, see abi-common/x509.ts);
 * @peculiar/x509 is the independent reference here: every field we use must match for every certificate
 * and CRL in the fixtures (PCK chains, collateral issuer chains, VCEK / VLEK, AMD and Intel anchors).
 */
function allCerts(): Cert[] {
  const out: Cert[] = [];
  for (const f of dcapFixtures()) {
    out.push(...parsePemChain(Buffer.from(parseDcapQuote(f.quote).qe.certData).toString('latin1')));
    out.push(
      ...parsePemChain(f.collateral.tcbInfoIssuerChain),
      ...parsePemChain(f.collateral.pckCrlIssuerChain),
    );
  }
  for (const f of snpFixtures()) out.push(parseCert(f.vek));
  for (const v of ['intel', 'amd']) {
    const dir = join(teeDir, 'trust-anchors', v);
    for (const name of readdirSync(dir)) {
      const b = readFileSync(join(dir, name));
      out.push(
        ...(name.endsWith('.pem') ? parsePemChain(b.toString('latin1')) : [parseCert(new Uint8Array(b))]),
      );
    }
  }
  const seen = new Set<string>();
  return out.filter((c) => !seen.has(c.sha256) && seen.add(c.sha256) !== undefined);
}

describe.skipIf(!haveFixtures('tee'))('x509 fast path vs @peculiar/x509', () => {
  it('certificates: serial, validity, names, SPKI, extensions', () => {
    const certs = allCerts();
    expect(certs.length).toBeGreaterThan(15);
    for (const c of certs) {
      const ref = new X509Certificate(c.der);
      expect(c.serial).toBe(normSerial(ref.serialNumber));
      expect(c.notBefore.getTime()).toBe(ref.notBefore.getTime());
      expect(c.notAfter.getTime()).toBe(ref.notAfter.getTime());
      expect(toHex(c.spki)).toBe(toHex(new Uint8Array(ref.publicKey.rawData)));
      expect(c.subjectKey === c.issuerKey).toBe(ref.subject === ref.issuer);
      expect(c.subject.split(', ').sort()).toEqual(ref.subject.split(', ').sort());
      expect(new Map([...c.extensions].map(([k, v]) => [k, toHex(v)]))).toEqual(
        new Map(ref.extensions.map((e) => [e.type, toHex(new Uint8Array(e.value))])),
      );
    }
  });

  it('CRLs: issuer, thisUpdate, nextUpdate, revoked serials', () => {
    for (const f of dcapFixtures()) {
      for (const der of [f.collateral.pckCrl, f.collateral.rootCaCrl]) {
        const c = parseCrl(der);
        const ref = new X509Crl(der);
        expect(c.issuer.split(', ').sort()).toEqual(ref.issuer.split(', ').sort());
        expect(c.thisUpdate.getTime()).toBe(ref.thisUpdate.getTime());
        expect(c.nextUpdate?.getTime()).toBe(ref.nextUpdate?.getTime());
        expect([...c.revokedSerials].sort()).toEqual(
          ref.entries.map((e) => normSerial(e.serialNumber)).sort(),
        );
      }
    }
  });
});
