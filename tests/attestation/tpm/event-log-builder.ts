import { createHash } from 'node:crypto';
import { ByteWriter } from '#core/bytes.js';
import { TPM_ALG } from '#attestation/tpm/constants.js';

/** Builds a crypto-agile event log (SHA-1 + SHA-256 banks) for tests; see attestation/tpm/event-log.ts. */
export interface SyntheticEvent {
  pcr: number;
  type: number;
  data: Uint8Array;
}

export function buildEventLog(
  events: readonly SyntheticEvent[],
  opts: { startupLocality?: number } = {},
): Uint8Array {
  const spec = new ByteWriter()
    .bytes(new TextEncoder().encode('Spec ID Event03\0'))
    .u32le(0) // platformClass
    .u8(0)
    .u8(2)
    .u8(0)
    .u8(2) // minor, major, errata, uintnSize
    .u32le(2)
    .u16le(TPM_ALG.SHA1)
    .u16le(20)
    .u16le(TPM_ALG.SHA256)
    .u16le(32)
    .u8(0)
    .finish();
  const w = new ByteWriter().u32le(0).u32le(3).zeros(20).u32le(spec.length).bytes(spec);
  const all =
    opts.startupLocality === undefined
      ? events
      : [
          {
            pcr: 0,
            type: 3,
            data: Uint8Array.from([...new TextEncoder().encode('StartupLocality\0'), opts.startupLocality]),
          },
          ...events,
        ];
  for (const e of all) {
    w.u32le(e.pcr).u32le(e.type).u32le(2);
    // EV_NO_ACTION events carry zero digests (PFP §10.4.5): they are never extended
    const noAction = e.type === 3;
    w.u16le(TPM_ALG.SHA1).bytes(
      noAction ? new Uint8Array(20) : new Uint8Array(createHash('sha1').update(e.data).digest()),
    );
    w.u16le(TPM_ALG.SHA256).bytes(
      noAction ? new Uint8Array(32) : new Uint8Array(createHash('sha256').update(e.data).digest()),
    );
    w.u32le(e.data.length).bytes(e.data);
  }
  return w.finish();
}

/** Event types whose data tpm2_eventlog prints as text, so it can parse the log too (PFP §10.4.1). */
export const sampleEvents: SyntheticEvent[] = [
  { pcr: 0, type: 0x00000005, data: new TextEncoder().encode('firmware volume') }, // EV_ACTION
  { pcr: 7, type: 0x80000007, data: new TextEncoder().encode('SecureBoot=1') }, // EV_EFI_ACTION
  { pcr: 4, type: 0x0000000d, data: new TextEncoder().encode('shimx64.efi') }, // EV_IPL
  { pcr: 0, type: 0x00000004, data: new Uint8Array(4) }, // EV_SEPARATOR
  { pcr: 7, type: 0x00000004, data: new Uint8Array(4) },
];
