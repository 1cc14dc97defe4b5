/**
 * The hardware band's source, re-exported for layers that may import src/atv but not src/device
 * (the firewall): the composition root hands a provider in, the encoder reads it.
 */
export {
  noHardware,
  HW_SUBFIELD_NAMES,
  type HwSnapshot,
  type HwSnapshotProvider,
  type HwSubfieldName,
} from '../device/hw-snapshot.js';
