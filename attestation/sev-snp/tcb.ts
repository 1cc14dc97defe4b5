import type { SnpProduct } from '../trust/anchors.js';

/**
 * TCB_VERSION (u64 at 0x038, 0x180, 0x1E0, 0x1F0): the byte layout depends on the product generation
 * (SEV-SNP Firmware ABI #56860 "TCB_VERSION Structure"; reference/tee-evidence-layouts.md §4.1).
 */
export interface SnpTcb {
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
  /** Turin and later only. */
  fmc?: number;
}

export function decodeTcb(raw: Uint8Array, product: SnpProduct | undefined): SnpTcb {
  if (product === 'turin') {
    return {
      fmc: raw[0] as number,
      bootloader: raw[1] as number,
      tee: raw[2] as number,
      snp: raw[3] as number,
      microcode: raw[7] as number,
    };
  }
  return {
    bootloader: raw[0] as number,
    tee: raw[1] as number,
    snp: raw[6] as number,
    microcode: raw[7] as number,
  };
}

export function encodeTcb(t: SnpTcb, product: SnpProduct | undefined): Uint8Array {
  const b = new Uint8Array(8);
  if (product === 'turin') {
    b[0] = t.fmc ?? 0;
    b[1] = t.bootloader;
    b[2] = t.tee;
    b[3] = t.snp;
    b[7] = t.microcode;
  } else {
    b[0] = t.bootloader;
    b[1] = t.tee;
    b[6] = t.snp;
    b[7] = t.microcode;
  }
  return b;
}
