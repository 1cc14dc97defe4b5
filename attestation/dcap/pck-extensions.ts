import { fail } from '#core/errors.js';
import { toHex } from '#core/encoding.js';
import { children, content, intToNumber, oidToString, readTlv, TAG, type Tlv } from '../abi-common/der.js';
import type { Cert } from '../abi-common/x509.js';

/**
 * Intel SGX PCK certificate extensions (Intel SGX PCK Certificate and CRL Profile Specification;
 * reference/tee-evidence-layouts.md §3.4): OID 1.2.840.113741.1.13.1 = SEQUENCE of (OID, value).
 */
export const SGX_EXTENSIONS_OID = '1.2.840.113741.1.13.1';
const P = SGX_EXTENSIONS_OID;

export interface PckExtensions {
  /** SGX TCB Comp01..16 SVN. */
  compSvn: number[];
  pceSvn: number;
  cpuSvn: Uint8Array;
  /** Lower-case hex. */
  pceId: string;
  fmspc: string;
  sgxType: number | undefined;
}

function entries(buf: Uint8Array, seq: Tlv): Map<string, Tlv> {
  const out = new Map<string, Tlv>();
  for (const e of children(buf, seq)) {
    if (e.tag !== TAG.SEQUENCE) fail('DCAP_PCK_EXTENSION_INVALID', 'SGX extension entry is not a SEQUENCE');
    const [oid, val] = children(buf, e);
    if (oid === undefined || val === undefined || oid.tag !== TAG.OID) {
      fail('DCAP_PCK_EXTENSION_INVALID', 'SGX extension entry must be (OID, value)');
    }
    out.set(oidToString(content(buf, oid)), val);
  }
  return out;
}

function need(m: Map<string, Tlv>, oid: string, tag: number, name: string): Tlv {
  const t = m.get(oid);
  if (t === undefined || t.tag !== tag)
    fail('DCAP_PCK_EXTENSION_INVALID', `PCK certificate lacks ${name} (${oid})`);
  return t;
}

export function pckExtensions(cert: Cert): PckExtensions {
  const buf = cert.extensions.get(SGX_EXTENSIONS_OID);
  if (buf === undefined) fail('DCAP_PCK_EXTENSION_INVALID', 'PCK certificate has no SGX extensions');
  const root = readTlv(buf, 0);
  if (root.tag !== TAG.SEQUENCE) fail('DCAP_PCK_EXTENSION_INVALID', 'SGX extensions are not a SEQUENCE');
  const top = entries(buf, root);
  const tcb = entries(buf, need(top, `${P}.2`, TAG.SEQUENCE, 'TCB'));
  const compSvn: number[] = [];
  for (let i = 1; i <= 16; i++) {
    compSvn.push(
      intToNumber(content(buf, need(tcb, `${P}.2.${i}`, TAG.INTEGER, `TCB comp ${i}`)), `comp${i}`),
    );
  }
  const sgxTypeTlv = top.get(`${P}.5`);
  return {
    compSvn,
    pceSvn: intToNumber(content(buf, need(tcb, `${P}.2.17`, TAG.INTEGER, 'PCESVN')), 'pcesvn'),
    cpuSvn: content(buf, need(tcb, `${P}.2.18`, TAG.OCTET_STRING, 'CPUSVN')).slice(),
    pceId: toHex(content(buf, need(top, `${P}.3`, TAG.OCTET_STRING, 'PCE-ID'))),
    fmspc: toHex(content(buf, need(top, `${P}.4`, TAG.OCTET_STRING, 'FMSPC'))),
    sgxType: sgxTypeTlv === undefined ? undefined : intToNumber(content(buf, sgxTypeTlv), 'sgxType'),
  };
}
