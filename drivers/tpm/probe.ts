import { toAegisError } from '#core/errors.js';
import { TPM_CAP, TPM_PT } from '#attestation/tpm/constants.js';
import type { PcrSelection } from '#attestation/tpm/marshal.js';
import { openTpmTransport } from './open.js';
import { Tpm2 } from './tpm2.js';

export interface TpmProbe {
  present: boolean;
  simulated?: boolean;
  description?: string;
  /** TPM_PT_MANUFACTURER as four ASCII characters, e.g. "IBM " for swtpm (libtpms), "INTC", "AMD ". */
  manufacturer?: string;
  firmwareVersion?: string;
  banks?: PcrSelection[];
  /** Why the TPM is not usable (an Aegis code), when present is false. */
  reason?: string;
}

function ascii(v: number): string {
  return String.fromCharCode((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff).replace(
    /\0/g,
    '',
  );
}

/**
 * Opens the TPM at `spec`, starts it if needed and reads manufacturer, firmware and PCR banks; never throws.
 * For `aegis init --tpm auto` (try /dev/tpmrm0) and reports that say which devices are real.
 */
export async function probeTpm(spec = '/dev/tpmrm0'): Promise<TpmProbe> {
  let tpm: Tpm2 | undefined;
  try {
    const t = await openTpmTransport(spec);
    tpm = new Tpm2(t);
    await tpm.startup();
    const cap = await tpm.getCapability(TPM_CAP.TPM_PROPERTIES, TPM_PT.MANUFACTURER, 8);
    const props = cap.data.capability === TPM_CAP.TPM_PROPERTIES ? cap.data.properties : [];
    const get = (p: number): number | undefined => props.find((x) => x.property === p)?.value;
    const fw1 = get(TPM_PT.FIRMWARE_VERSION_1);
    const fw2 = get(TPM_PT.FIRMWARE_VERSION_2);
    const manufacturer = get(TPM_PT.MANUFACTURER);
    return {
      present: true,
      simulated: t.simulated,
      description: t.description,
      ...(manufacturer === undefined ? {} : { manufacturer: ascii(manufacturer) }),
      ...(fw1 === undefined
        ? {}
        : {
            firmwareVersion: `${fw1 >>> 16}.${fw1 & 0xffff}${fw2 === undefined ? '' : `.${fw2 >>> 16}.${fw2 & 0xffff}`}`,
          }),
      banks: (await tpm.pcrBanks()).filter((b) => b.pcrs.length > 0),
    };
  } catch (e) {
    return { present: false, reason: toAegisError(e).code };
  } finally {
    await tpm?.close();
  }
}
