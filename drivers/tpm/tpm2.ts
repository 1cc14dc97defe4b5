import { randomBytes } from 'node:crypto';
import { isAegisError } from '#core/errors.js';
import type { TpmTransport } from '#device/tpm.js';
import {
  type AuthCommand,
  decodeResponse,
  type TpmCommand,
  type TpmResponse,
} from '#attestation/tpm/command.js';
import { TPM_ALG, TPM_CAP, TPM_SU } from '#attestation/tpm/constants.js';
import type { PcrSelection } from '#attestation/tpm/marshal.js';
import type { PcrValue } from '#attestation/tpm/pcr-values.js';
import type { TpmtPublic } from '#attestation/tpm/public.js';
import * as basic from '#attestation/tpm/commands/basic.js';
import * as obj from '#attestation/tpm/commands/object.js';
import * as pcr from '#attestation/tpm/commands/pcr.js';
import * as q from '#attestation/tpm/commands/quote.js';
import * as sess from '#attestation/tpm/commands/session.js';

const RETRIES = 20;

/**
 * Typed TPM 2.0 commands over a transport: each method marshals with attestation/tpm, sends, and unmarshals.
 * A non-success response code arrives as an AegisError named after the TPM_RC (attestation/tpm/rc.ts).
 */
export class Tpm2 {
  constructor(readonly transport: TpmTransport) {}

  /**
   * Sends a command; TPM_RC_RETRY, TPM_RC_YIELDED and TPM_RC_TESTING are warnings that ask the caller to
   * send the same command again (Part 2 §6.6.3), which we do a bounded number of times.
   */
  async run(cmd: TpmCommand): Promise<TpmResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return decodeResponse(cmd, await this.transport.send(cmd.bytes));
      } catch (e) {
        const name = isAegisError(e) ? e.detail?.['tpm_rc_name'] : undefined;
        if (
          attempt >= RETRIES ||
          (name !== 'TPM_RC_RETRY' && name !== 'TPM_RC_YIELDED' && name !== 'TPM_RC_TESTING')
        )
          throw e;
        await new Promise((r) => setTimeout(r, Math.min(50, 2 ** attempt)));
      }
    }
  }

  /** TPM2_Startup(CLEAR); TPM_RC_INITIALIZE means it already ran since power-on, which is fine. */
  async startup(type: number = TPM_SU.CLEAR): Promise<void> {
    try {
      await this.run(basic.startup(type));
    } catch (e) {
      if (!isAegisError(e, 'TPM_RC_INITIALIZE')) throw e;
    }
  }

  async getRandom(n: number): Promise<Uint8Array> {
    const out: Uint8Array[] = [];
    let got = 0;
    while (got < n) {
      const b = basic.parseGetRandom(await this.run(basic.getRandom(Math.min(32, n - got))));
      if (b.length === 0) break;
      out.push(b);
      got += b.length;
    }
    return Buffer.concat(out).subarray(0, n);
  }

  async getCapability(
    capability: number,
    property: number,
    count: number,
  ): Promise<ReturnType<typeof basic.parseGetCapability>> {
    return basic.parseGetCapability(await this.run(basic.getCapability(capability, property, count)));
  }

  /** The PCR banks the TPM has allocated (TPM_CAP_PCRS). */
  async pcrBanks(): Promise<PcrSelection[]> {
    const r = await this.getCapability(TPM_CAP.PCRS, 0, 1);
    return r.data.capability === TPM_CAP.PCRS ? r.data.pcrs : [];
  }

  /** TPM2_PCR_Read, looping because a TPM returns at most 8 digests per call. */
  async pcrRead(selection: readonly PcrSelection[]): Promise<PcrValue[]> {
    const want = selection.flatMap((b) => b.pcrs.map((index) => ({ hash: b.hash, index })));
    const out: PcrValue[] = [];
    while (out.length < want.length) {
      const rest = want.filter((w) => !out.some((o) => o.hash === w.hash && o.index === w.index));
      const banks = [...new Set(rest.map((r) => r.hash))].map((hash) => ({
        hash,
        pcrs: rest.filter((r) => r.hash === hash).map((r) => r.index),
      }));
      const res = pcr.parsePcrRead(await this.run(pcr.pcrRead(banks)));
      let i = 0;
      for (const bank of res.pcrSelectionOut)
        for (const index of bank.pcrs) {
          const value = res.pcrValues[i++];
          if (value !== undefined) out.push({ hash: bank.hash, index, value });
        }
      if (i === 0) break; // the TPM has none of the rest (unallocated bank)
    }
    return out;
  }

  async pcrExtend(index: number, digests: readonly pcr.TaggedDigest[]): Promise<void> {
    await this.run(pcr.pcrExtend(index, digests));
  }

  async createPrimary(hierarchy: number, template: TpmtPublic): Promise<obj.CreatePrimaryResult> {
    return obj.parseCreatePrimary(await this.run(obj.createPrimary(hierarchy, template)));
  }

  async create(parent: number, template: TpmtPublic, data?: Uint8Array): Promise<obj.CreateResult> {
    return obj.parseCreate(await this.run(obj.create(parent, template, data)));
  }

  async load(
    parent: number,
    inPrivate: Uint8Array,
    inPublicBytes: Uint8Array,
  ): Promise<{ objectHandle: number; name: Uint8Array }> {
    return obj.parseLoad(await this.run(obj.load(parent, inPrivate, inPublicBytes)));
  }

  async readPublic(handle: number): Promise<ReturnType<typeof obj.parseReadPublic>> {
    return obj.parseReadPublic(await this.run(obj.readPublic(handle)));
  }

  async startAuthSession(
    sessionType: number,
    authHash: number = TPM_ALG.SHA256,
  ): Promise<{ sessionHandle: number; nonceTPM: Uint8Array }> {
    return sess.parseStartAuthSession(
      await this.run(sess.startAuthSession(sessionType, new Uint8Array(randomBytes(16)), authHash)),
    );
  }

  async policyPCR(session: number, pcrs: readonly PcrSelection[]): Promise<void> {
    await this.run(sess.policyPCR(session, pcrs));
  }

  async policyGetDigest(session: number): Promise<Uint8Array> {
    return sess.parsePolicyGetDigest(await this.run(sess.policyGetDigest(session)));
  }

  async unseal(item: number, auth: AuthCommand): Promise<Uint8Array> {
    return obj.parseUnseal(await this.run(obj.unseal(item, auth)));
  }

  async quote(
    signHandle: number,
    qualifyingData: Uint8Array,
    pcrs: readonly PcrSelection[],
  ): Promise<q.QuoteResult> {
    return q.parseQuote(await this.run(q.quote(signHandle, qualifyingData, pcrs)));
  }

  async readClock(): Promise<ReturnType<typeof basic.parseReadClock>> {
    return basic.parseReadClock(await this.run(basic.readClock()));
  }

  async flushContext(handle: number): Promise<void> {
    await this.run(basic.flushContext(handle));
  }

  /** Flushes, ignoring failure: for cleanup paths that must not hide the original error. */
  async flushQuietly(handle: number | undefined): Promise<void> {
    if (handle === undefined) return;
    await this.flushContext(handle).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}
