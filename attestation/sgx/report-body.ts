import { ByteReader, ByteWriter } from '#core/bytes.js';
import { toHex } from '#core/encoding.js';
import { mbz, take } from '../abi-common/fields.js';

/**
 * `sgx_report_body_t` (384 bytes): the ISV enclave report in an SGX quote and the QE report in every
 * DCAP quote. Intel SGX ECDSA Quote Library API, Appendix A "Enclave Report Body";
 * reference/tee-evidence-layouts.md §2.3. Reserved fields must be zero.
 */
export const SGX_REPORT_BODY_SIZE = 384;

export interface SgxReportBody {
  cpuSvn: Uint8Array; // 16
  miscSelect: number;
  isvExtProdId: Uint8Array; // 16
  /** 16 bytes: flags (byte 0 bit 1 = DEBUG) then XFRM (bytes 8..15). */
  attributes: Uint8Array;
  mrEnclave: Uint8Array; // 32
  mrSigner: Uint8Array; // 32
  configId: Uint8Array; // 64
  isvProdId: number;
  isvSvn: number;
  configSvn: number;
  isvFamilyId: Uint8Array; // 16
  reportData: Uint8Array; // 64
}

const RESERVED = 'DCAP_RESERVED_NONZERO';

export function parseSgxReportBody(r: ByteReader, what = 'report'): SgxReportBody {
  const cpuSvn = take(r, 16, `${what}.cpusvn`);
  const miscSelect = r.u32le(`${what}.miscselect`);
  mbz(r, 12, `${what}.reserved1`, RESERVED);
  const isvExtProdId = take(r, 16, `${what}.isvextprodid`);
  const attributes = take(r, 16, `${what}.attributes`);
  const mrEnclave = take(r, 32, `${what}.mrenclave`);
  mbz(r, 32, `${what}.reserved2`, RESERVED);
  const mrSigner = take(r, 32, `${what}.mrsigner`);
  mbz(r, 32, `${what}.reserved3`, RESERVED);
  const configId = take(r, 64, `${what}.configid`);
  const isvProdId = r.u16le(`${what}.isvprodid`);
  const isvSvn = r.u16le(`${what}.isvsvn`);
  const configSvn = r.u16le(`${what}.configsvn`);
  mbz(r, 42, `${what}.reserved4`, RESERVED);
  const isvFamilyId = take(r, 16, `${what}.isvfamilyid`);
  const reportData = take(r, 64, `${what}.reportdata`);
  return {
    cpuSvn,
    miscSelect,
    isvExtProdId,
    attributes,
    mrEnclave,
    mrSigner,
    configId,
    isvProdId,
    isvSvn,
    configSvn,
    isvFamilyId,
    reportData,
  };
}

export function writeSgxReportBody(w: ByteWriter, b: SgxReportBody): void {
  w.bytes(b.cpuSvn)
    .u32le(b.miscSelect)
    .zeros(12)
    .bytes(b.isvExtProdId)
    .bytes(b.attributes)
    .bytes(b.mrEnclave)
    .zeros(32)
    .bytes(b.mrSigner)
    .zeros(32)
    .bytes(b.configId)
    .u16le(b.isvProdId)
    .u16le(b.isvSvn)
    .u16le(b.configSvn)
    .zeros(42)
    .bytes(b.isvFamilyId)
    .bytes(b.reportData);
}

/** DEBUG flag: ATTRIBUTES byte 0, bit 1 (SGX Developer Reference, sgx_attributes_t FLAGS). */
export function sgxIsDebug(b: SgxReportBody): boolean {
  return ((b.attributes[0] as number) & 0x02) !== 0;
}

export function sgxReportBodyJson(b: SgxReportBody): Record<string, string | number> {
  return {
    cpu_svn: toHex(b.cpuSvn),
    misc_select: b.miscSelect,
    isv_ext_prod_id: toHex(b.isvExtProdId),
    attributes: toHex(b.attributes),
    mr_enclave: toHex(b.mrEnclave),
    mr_signer: toHex(b.mrSigner),
    config_id: toHex(b.configId),
    isv_prod_id: b.isvProdId,
    isv_svn: b.isvSvn,
    config_svn: b.configSvn,
    isv_family_id: toHex(b.isvFamilyId),
    report_data: toHex(b.reportData),
  };
}
