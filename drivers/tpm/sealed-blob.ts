import { ByteReader, ByteWriter, bytesEqual } from '#core/bytes.js';
import { AegisError, fail } from '#core/errors.js';
import {
  getPcrSelection,
  getTpm2b,
  putPcrSelection,
  putTpm2b,
  type PcrSelection,
} from '#attestation/tpm/marshal.js';
import { parsePublic } from '#attestation/tpm/public.js';

/**
 * The keys/*.sealed file format, version 1. Everything a TPM needs to reload and unseal the object, and
 * nothing secret: the private area is encrypted by the TPM under the SRK (TCG Part 1 §23, "Protected
 * Storage"), so the file is useless without the same TPM and the same PCR values. All integers big-endian,
 * TPM2B = UINT16 length ‖ bytes, TPML_PCR_SELECTION as in TCG Part 2 §10.9.7:
 *
 *   magic        8 bytes  "AEGISTPM"
 *   version      UINT16   1
 *   hierarchy    UINT32   TPM_RH_OWNER (0x40000001): the SRK is re-created there from srkTemplate()
 *   parentName   TPM2B    Name of that SRK; a different name means the owner seed changed (TPM cleared)
 *   pcrs         TPML_PCR_SELECTION   the PCRs of the PolicyPCR policy
 *   policyDigest TPM2B    the sealed object's authPolicy (also inside outPublic; kept for inspection)
 *   outPublic    TPM2B    TPMT_PUBLIC of the sealed-data object (TPM2B_PUBLIC)
 *   outPrivate   TPM2B    TPM2B_PRIVATE contents from TPM2_Create
 */
export const SEALED_MAGIC = new TextEncoder().encode('AEGISTPM');
export const SEALED_VERSION = 1;

export interface SealedBlob {
  hierarchy: number;
  parentName: Uint8Array;
  pcrs: PcrSelection[];
  policyDigest: Uint8Array;
  outPublic: Uint8Array;
  outPrivate: Uint8Array;
}

export function marshalSealedBlob(b: SealedBlob): Uint8Array {
  const w = new ByteWriter().bytes(SEALED_MAGIC).u16be(SEALED_VERSION).u32be(b.hierarchy);
  putTpm2b(w, b.parentName);
  putPcrSelection(w, b.pcrs);
  putTpm2b(w, b.policyDigest);
  putTpm2b(w, b.outPublic);
  putTpm2b(w, b.outPrivate);
  return w.finish();
}

export function parseSealedBlob(buf: Uint8Array): SealedBlob {
  try {
    const r = new ByteReader(buf, 'sealed key file');
    if (!bytesEqual(r.bytes(8, 'magic'), SEALED_MAGIC))
      fail('TPM_SEALED_BLOB_INVALID', 'not an Aegis TPM sealed key file (bad magic)');
    const version = r.u16be('version');
    if (version !== SEALED_VERSION)
      fail('TPM_SEALED_BLOB_INVALID', `sealed key file version ${version} is not supported`);
    const hierarchy = r.u32be('hierarchy');
    const parentName = getTpm2b(r, 'parentName');
    const pcrs = getPcrSelection(r, 'pcrs');
    const policyDigest = getTpm2b(r, 'policyDigest');
    const outPublic = getTpm2b(r, 'outPublic');
    const outPrivate = getTpm2b(r, 'outPrivate');
    if (r.remaining !== 0)
      fail('TPM_SEALED_BLOB_INVALID', `sealed key file has ${r.remaining} trailing bytes`);
    const pub = parsePublic(outPublic, 'sealed object public area');
    if (!bytesEqual(pub.authPolicy, policyDigest))
      fail('TPM_SEALED_BLOB_INVALID', 'sealed key file: policyDigest differs from the object authPolicy');
    return { hierarchy, parentName, pcrs, policyDigest, outPublic, outPrivate };
  } catch (e) {
    if (e instanceof AegisError && e.code !== 'TPM_SEALED_BLOB_INVALID')
      throw new AegisError('TPM_SEALED_BLOB_INVALID', `sealed key file is malformed: ${e.message}`, {
        cause: e,
      });
    throw e;
  }
}
