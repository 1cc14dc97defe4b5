/**
 * TPM transport (DESIGN.md, src/device: interfaces only). One method moves one marshalled TPM 2.0 command to
 * the TPM and returns its complete response (TCG TPM 2.0 Library Part 1 §18); framing, retries and
 * device quirks are the implementation's business (drivers/tpm). Command marshalling lives in attestation/tpm.
 */
export interface TpmTransport {
  /** Human-readable origin, e.g. "swtpm tcp 127.0.0.1:2321" or "/dev/tpmrm0", for reports. */
  readonly description: string;
  /** True when the TPM is a software simulator (swtpm), so reports can flag it. */
  readonly simulated: boolean;
  /** Sends one command and resolves with the whole response; commands are serialised by the transport. */
  send(command: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}
