import { fail } from '#core/errors.js';
import { content, intToNumber, readTlv, TAG } from '../abi-common/der.js';
import type { Cert } from '../abi-common/x509.js';
import type { SnpProduct } from '../trust/anchors.js';

/**
 * VCEK / VLEK X.509 extensions (AMD #57230; reference/tee-evidence-layouts.md §4.2), prefix
 * 1.3.6.1.4.1.3704.1: .2 productName, .3.1 blSPL, .3.2 teeSPL, .3.3 snpSPL, .3.8 ucodeSPL, .3.9 fmcSPL
 * (Turin), .4 hwID (VCEK), .5 cspID (VLEK).
 */
const P = '1.3.6.1.4.1.3704.1';

export interface VekExtensions {
  productName: string | undefined;
  product: SnpProduct | undefined;
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
  fmc: number | undefined;
  hwId: Uint8Array | undefined;
  cspId: string | undefined;
}

function raw(cert: Cert, oid: string): Uint8Array | undefined {
  return cert.extensions.get(oid);
}

function spl(cert: Cert, suffix: string, name: string, required: boolean): number | undefined {
  const v = raw(cert, `${P}.3.${suffix}`);
  if (v === undefined) {
    if (required) fail('SNP_VEK_EXTENSION_INVALID', `VEK lacks ${name} (${P}.3.${suffix})`);
    return undefined;
  }
  const t = readTlv(v, 0);
  if (t.tag !== TAG.INTEGER || t.end !== v.length)
    fail('SNP_VEK_EXTENSION_INVALID', `VEK ${name} is not a DER INTEGER`);
  return intToNumber(content(v, t), name);
}

function text(cert: Cert, oid: string): string | undefined {
  const v = raw(cert, oid);
  if (v === undefined) return undefined;
  const t = readTlv(v, 0);
  if (t.tag !== TAG.IA5_STRING && t.tag !== TAG.UTF8_STRING)
    fail('SNP_VEK_EXTENSION_INVALID', `VEK extension ${oid} is not a string`);
  return Buffer.from(content(v, t)).toString('latin1');
}

/** "Milan-B0" → milan; the stepping suffix is informational. */
export function productFromName(name: string | undefined): SnpProduct | undefined {
  const base = (name ?? '').split('-')[0]?.toLowerCase();
  return base === 'milan' || base === 'genoa' || base === 'turin' ? base : undefined;
}

export function vekExtensions(cert: Cert): VekExtensions {
  const productName = text(cert, `${P}.2`);
  const product = productFromName(productName);
  let hwId = raw(cert, `${P}.4`);
  // KDS-issued VCEKs carry the raw 64 (Turin: 8) bytes; an OCTET STRING wrapper also occurs: accept both.
  if (hwId !== undefined && hwId.length !== 64 && hwId.length !== 8) {
    const t = readTlv(hwId, 0);
    if (t.tag !== TAG.OCTET_STRING || t.end !== hwId.length)
      fail('SNP_VEK_EXTENSION_INVALID', 'VEK hwID has an unexpected encoding');
    hwId = content(hwId, t);
  }
  return {
    productName,
    product,
    bootloader: spl(cert, '1', 'blSPL', true) as number,
    tee: spl(cert, '2', 'teeSPL', true) as number,
    snp: spl(cert, '3', 'snpSPL', true) as number,
    microcode: spl(cert, '8', 'ucodeSPL', true) as number,
    fmc: spl(cert, '9', 'fmcSPL', product === 'turin'),
    hwId,
    cspId: text(cert, `${P}.5`),
  };
}
