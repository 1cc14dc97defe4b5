import { bytesEqual } from '#core/bytes.js';
import { AegisError, fail, isAegisError } from '#core/errors.js';
import { toHex } from '#core/encoding.js';
import type { TpmtPublic } from '#attestation/tpm/public.js';
import { TPM_ALG, TPM_RH, TPM_SE } from '#attestation/tpm/constants.js';
import { normalizeSelection, type PcrSelection } from '#attestation/tpm/marshal.js';
import { sealedDataTemplate, srkTemplate } from '#attestation/tpm/templates.js';
import { marshalSealedBlob, parseSealedBlob } from './sealed-blob.js';
import type { Tpm2 } from './tpm2.js';
import { createEncrypted, startSaltedSession, unsealEncrypted } from './encrypted-session.js';

/** Ed25519 seed (32 bytes) ‖ ML-DSA-65 seed ξ (32 bytes, FIPS 204 §6.1). */
export const SEEDS_LENGTH = 64;

/**
 * Default PCRs for sealing: SHA-256 bank, PCR 0 (firmware code), 2 (option ROM code) and 7 (Secure Boot
 * policy) in the TCG PC Client Platform Firmware Profile numbering. They change with firmware or Secure Boot
 * changes but not with kernel updates; add 4 (boot loader) or 8/9 (kernel, initrd under GRUB/systemd-boot) to
 * bind the OS too, at the cost of re-sealing after each update.
 */
export const DEFAULT_SEAL_PCRS: readonly PcrSelection[] = [{ hash: TPM_ALG.SHA256, pcrs: [0, 2, 7] }];

/** What to do when PCRs changed; printed with TPM_RC_POLICY_FAIL so an operator has a path forward. */
export const POLICY_FAIL_HINT =
  'the PCR values differ from those the keys were sealed to (firmware, boot chain or kernel changed, or a PCR was extended). ' +
  'Recovery: if the change is expected, restore the seeds from the offline backup and re-seal them on the new measurements; ' +
  'otherwise rotate the audit keys and record the rotation in the log.';

async function createSrk(tpm: Tpm2): Promise<{ handle: number; name: Uint8Array; public: TpmtPublic }> {
  const srk = await tpm.createPrimary(TPM_RH.OWNER, srkTemplate());
  return { handle: srk.objectHandle, name: srk.name, public: srk.outPublic };
}

/**
 * Seals the audit keys' seeds in a TPM sealed-data object under the SRK with a PolicyPCR policy on `pcrs`
 * (current values). The policy digest is computed by the TPM itself in a trial session (TPM2_PolicyPCR +
 * TPM2_PolicyGetDigest), so it matches exactly what TPM2_Unseal will demand.
 */
export async function sealSeeds(
  tpm: Tpm2,
  seeds: Uint8Array,
  opts: { pcrs: PcrSelection[] },
): Promise<{ blob: Uint8Array }> {
  if (seeds.length !== SEEDS_LENGTH)
    fail('TPM_SEAL_INPUT_INVALID', `seeds must be ${SEEDS_LENGTH} bytes, got ${seeds.length}`);
  const pcrs = normalizeSelection(opts.pcrs);
  if (pcrs.length === 0 || pcrs.every((b) => b.pcrs.length === 0))
    fail('TPM_SEAL_INPUT_INVALID', 'sealing needs at least one PCR');
  const srk = await createSrk(tpm);
  try {
    const trial = await tpm.startAuthSession(TPM_SE.TRIAL);
    let policyDigest: Uint8Array;
    try {
      await tpm.policyPCR(trial.sessionHandle, pcrs);
      policyDigest = await tpm.policyGetDigest(trial.sessionHandle);
    } finally {
      await tpm.flushQuietly(trial.sessionHandle);
    }
    const created = await createEncrypted(tpm, srk, sealedDataTemplate(policyDigest), seeds);
    const blob = marshalSealedBlob({
      hierarchy: TPM_RH.OWNER,
      parentName: srk.name,
      pcrs,
      policyDigest,
      outPublic: created.outPublicBytes,
      outPrivate: created.outPrivate,
    });
    return { blob };
  } finally {
    await tpm.flushQuietly(srk.handle);
  }
}

/**
 * Reloads the sealed object under a re-created SRK, satisfies its PolicyPCR in a policy session salted to the
 * SRK and unseals with response encryption, so the seeds never cross the TPM interface in clear.
 * PCRs changed → TPM_RC_POLICY_FAIL with POLICY_FAIL_HINT; another TPM or a cleared owner hierarchy →
 * TPM_SEALED_PARENT_MISMATCH. Every transient handle is flushed (swtpm has no resource manager).
 */
export async function unsealSeeds(tpm: Tpm2, blobBytes: Uint8Array): Promise<Uint8Array> {
  const blob = parseSealedBlob(blobBytes);
  if (blob.hierarchy !== TPM_RH.OWNER)
    fail('TPM_SEALED_BLOB_INVALID', 'sealed key file names a hierarchy other than owner');
  const srk = await createSrk(tpm);
  let item: number | undefined;
  let session: number | undefined;
  try {
    if (!bytesEqual(srk.name, blob.parentName))
      fail(
        'TPM_SEALED_PARENT_MISMATCH',
        'the storage root key of this TPM is not the one the keys were sealed under (another TPM, or the owner hierarchy was cleared); restore the keys from the offline backup',
        { expected: toHex(blob.parentName), actual: toHex(srk.name) },
      );
    const loaded = await tpm.load(srk.handle, blob.outPrivate, blob.outPublic);
    item = loaded.objectHandle;
    const enc = await startSaltedSession(tpm, srk, TPM_SE.POLICY);
    session = enc.handle;
    await tpm.policyPCR(session, blob.pcrs);
    let seeds: Uint8Array;
    try {
      seeds = await unsealEncrypted(tpm, { handle: item, name: loaded.name }, enc);
      session = undefined; // continueSession was clear: the TPM flushed it
    } catch (e) {
      if (isAegisError(e, 'TPM_RC_POLICY_FAIL'))
        throw new AegisError('TPM_RC_POLICY_FAIL', `cannot unseal the audit keys: ${POLICY_FAIL_HINT}`, {
          cause: e,
          detail: {
            ...(e.detail ?? {}),
            pcrs: blob.pcrs.map((b) => ({ hash: b.hash, pcrs: b.pcrs })),
            recovery: POLICY_FAIL_HINT,
          },
        });
      throw e;
    }
    if (seeds.length !== SEEDS_LENGTH)
      fail('TPM_SEALED_BLOB_INVALID', `the sealed object holds ${seeds.length} bytes, not ${SEEDS_LENGTH}`);
    return seeds;
  } finally {
    await tpm.flushQuietly(session);
    await tpm.flushQuietly(item);
    await tpm.flushQuietly(srk.handle);
  }
}
