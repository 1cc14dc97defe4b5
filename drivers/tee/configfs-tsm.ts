import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { AegisError, fail, toAegisError, type ErrorCode } from '#core/errors.js';
import { utf8 } from '#core/bytes.js';
import type { SnpEvidence, TdxEvidence, TeeEvidence, TeeKind, TeeQuoteProvider } from '#device/tee.js';
import { vekChainFromCertTable } from './cert-table.js';
import { checkEvidenceBinding } from './evidence-check.js';
import { checkReportData } from './tdx-abi.js';
import { tdxGetReport0, type TdxGuestOptions } from './tdx-guest.js';
import { crossCheckTdReport } from './tdreport-check.js';

/**
 * configfs-tsm report interface (Linux ≥ 6.7, Documentation/ABI/testing/configfs-tsm; hardware-interfaces.md
 * §6.1): mkdir an entry, write `inblob` (≤ 64 B), read `outblob` (a TDX DCAP quote for `tdx_guest`, an SNP
 * report for `sev_guest`) and `auxblob` (SNP certificate table). `generation` must advance by exactly one
 * across our write, otherwise another writer raced us and the blob may not be ours.
 */
export const TSM_REPORT_ROOT = '/sys/kernel/config/tsm/report';

/** The file operations used, so the flow can be tested against a configfs stand-in. */
export interface TsmFs {
  exists(path: string): boolean;
  mkdir(path: string): void;
  rmdir(path: string): void;
  read(path: string): Uint8Array;
  write(path: string, data: Uint8Array): void;
}

export const nodeTsmFs: TsmFs = {
  exists: (p) => fs.existsSync(p),
  mkdir: (p) => fs.mkdirSync(p),
  rmdir: (p) => fs.rmdirSync(p),
  read: (p) => new Uint8Array(fs.readFileSync(p)),
  write: (p, d) => fs.writeFileSync(p, d),
};

export type TsmProviderName = 'tdx_guest' | 'sev_guest';

export function teeKindOfProvider(provider: string): TeeKind {
  if (provider === 'tdx_guest') return 'tdx';
  if (provider === 'sev_guest') return 'sev-snp';
  return fail('TEE_TSM_PROVIDER_UNKNOWN', `configfs-tsm provider "${provider}" is not supported`, {
    provider,
  });
}

export interface ConfigfsTsmOptions {
  root?: string;
  fs?: TsmFs;
  /** SNP VMPL to request (privlevel); ignored for TDX. */
  privlevel?: number;
  /**
   * TDX only: after the quote, read a TDREPORT over the same REPORTDATA from /dev/tdx_guest and require the
   * quote to describe this TD (crossCheckTdReport). The probe enables it when /dev/tdx_guest is present.
   */
  tdxGuest?: TdxGuestOptions;
}

function ioError(what: string, path: string, e: unknown): AegisError {
  const code = (e as { code?: unknown }).code;
  const errno = typeof code === 'string' ? code : 'unknown';
  if (errno === 'ENOENT' || errno === 'ENOTDIR') {
    return new AegisError('TEE_NOT_PRESENT', `configfs-tsm is not present (${path}: ${errno})`, {
      detail: { path, errno },
    });
  }
  if (errno === 'EACCES' || errno === 'EPERM') {
    return new AegisError('TEE_PERMISSION_DENIED', `${what} ${path}: ${errno}; run as root`, {
      detail: { path, errno },
    });
  }
  return new AegisError('TEE_DEVICE_ERROR', `${what} ${path}: ${errno}`, {
    detail: { path, errno },
    cause: e,
  });
}

function io<T>(what: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw ioError(what, path, e);
  }
}

function readText(tfs: TsmFs, path: string): string {
  return utf8
    .decode(
      io('read', path, () => tfs.read(path)),
      path,
    )
    .trim();
}

function readGeneration(tfs: TsmFs, dir: string): number {
  const path = join(dir, 'generation');
  const text = readText(tfs, path);
  if (!/^\d+$/.test(text)) fail('TEE_DEVICE_ERROR', `${path} is not a number`);
  return Number(text);
}

/** True when the report directory exists (configfs mounted and a TSM provider registered). */
export function configfsTsmPresent(opts: ConfigfsTsmOptions = {}): boolean {
  return (opts.fs ?? nodeTsmFs).exists(opts.root ?? TSM_REPORT_ROOT);
}

export interface TsmReport {
  provider: string;
  outblob: Uint8Array;
  auxblob: Uint8Array | undefined;
}

/** One report request through a fresh, private configfs entry that is always removed afterwards. */
export function tsmRequestReport(reportData: Uint8Array, opts: ConfigfsTsmOptions = {}): TsmReport {
  checkReportData(reportData);
  const tfs = opts.fs ?? nodeTsmFs;
  const root = opts.root ?? TSM_REPORT_ROOT;
  if (!tfs.exists(root)) fail('TEE_NOT_PRESENT', `configfs-tsm is not present (${root})`, { path: root });
  const dir = join(root, `aegis-${process.pid}-${randomBytes(6).toString('hex')}`);
  io('mkdir', dir, () => tfs.mkdir(dir));
  try {
    const provider = readText(tfs, join(dir, 'provider'));
    const kind = teeKindOfProvider(provider);
    if (kind === 'sev-snp') {
      // Under an SVSM the guest kernel runs above VMPL 0 and the kernel refuses a lower privlevel: start from the
      // floor it publishes (Documentation/ABI/testing/configfs-tsm "privlevel_floor"), never below it.
      const floorPath = join(dir, 'privlevel_floor');
      const floor = tfs.exists(floorPath) ? Number(readText(tfs, floorPath)) : 0;
      if (!Number.isInteger(floor) || floor < 0 || floor > 3)
        fail('TEE_DEVICE_ERROR', `${floorPath} is not a VMPL`);
      const privlevel = opts.privlevel ?? floor;
      if (privlevel < floor)
        fail(
          'TEE_VMPL_INVALID',
          `privlevel ${privlevel} is below this guest's privlevel_floor ${floor} (the guest runs under an SVSM)`,
          {
            privlevel,
            floor,
          },
        );
      if (privlevel !== 0 || tfs.exists(floorPath))
        io('write', join(dir, 'privlevel'), () =>
          tfs.write(join(dir, 'privlevel'), utf8.encode(String(privlevel))),
        );
    }
    const before = readGeneration(tfs, dir);
    io('write', join(dir, 'inblob'), () => tfs.write(join(dir, 'inblob'), reportData));
    const outblob = io('read', join(dir, 'outblob'), () => tfs.read(join(dir, 'outblob')));
    let auxblob: Uint8Array | undefined;
    if (kind === 'sev-snp' && tfs.exists(join(dir, 'auxblob'))) {
      const aux = io('read', join(dir, 'auxblob'), () => tfs.read(join(dir, 'auxblob')));
      auxblob = aux.length > 0 ? aux : undefined;
    }
    const after = readGeneration(tfs, dir);
    if (after !== before + 1) {
      fail(
        'TEE_TSM_RACE',
        `configfs-tsm generation moved from ${before} to ${after}: another writer raced this request`,
        {
          before,
          after,
        },
      );
    }
    if (outblob.length === 0) fail('TEE_DEVICE_ERROR', 'configfs-tsm returned an empty outblob');
    return { provider, outblob, auxblob };
  } finally {
    try {
      tfs.rmdir(dir);
    } catch {
      // Best effort: a leftover entry only costs a directory; the evidence is already read.
    }
  }
}

/** Real TDX or SEV-SNP evidence through configfs-tsm; the provider directory decides which. */
export class ConfigfsTsmProvider implements TeeQuoteProvider {
  readonly simulated = false;
  readonly description: string;

  constructor(
    readonly kind: TeeKind,
    private readonly opts: ConfigfsTsmOptions = {},
  ) {
    this.description = `configfs-tsm (${kind === 'tdx' ? 'tdx_guest' : 'sev_guest'})`;
  }

  async getEvidence(reportData: Uint8Array): Promise<TeeEvidence> {
    const r = tsmRequestReport(reportData, this.opts);
    const kind = teeKindOfProvider(r.provider);
    if (kind !== this.kind) {
      fail('TEE_TSM_PROVIDER_UNKNOWN', `configfs-tsm provider is ${r.provider}, expected ${this.kind}`);
    }
    const common = { simulated: false, source: 'configfs-tsm' as const, reportData: reportData.slice() };
    if (kind === 'tdx') {
      const ev: TdxEvidence = { tee: 'tdx', ...common, quote: r.outblob };
      checkEvidenceBinding(ev);
      if (this.opts.tdxGuest !== undefined)
        crossCheckTdReport(tdxGetReport0(reportData, this.opts.tdxGuest), ev.quote);
      return ev;
    }
    const ev: SnpEvidence = { tee: 'sev-snp', ...common, report: r.outblob };
    if (r.auxblob !== undefined) {
      ev.certTable = r.auxblob;
      const chain = vekChainFromCertTable(r.auxblob);
      if (chain !== undefined) ev.vekChain = chain;
    }
    checkEvidenceBinding(ev);
    return ev;
  }
}

/** What the probe learns from configfs-tsm without issuing a report. */
export interface TsmProbe {
  /** The report directory exists (configfs mounted, a TSM provider registered). */
  present: boolean;
  kind: TeeKind | undefined;
  /** Why a present interface is unusable (EACCES, unknown provider …), for the probe's reason. */
  problem: string | undefined;
  /** Our error code for that problem (TEE_PERMISSION_DENIED, TEE_TSM_PROVIDER_UNKNOWN …). */
  problemCode: ErrorCode | undefined;
}

/** Reads the provider name of the machine's TSM through a throw-away entry (no report is requested). */
export function tsmProbe(opts: ConfigfsTsmOptions = {}): TsmProbe {
  const tfs = opts.fs ?? nodeTsmFs;
  const root = opts.root ?? TSM_REPORT_ROOT;
  if (!tfs.exists(root))
    return { present: false, kind: undefined, problem: undefined, problemCode: undefined };
  const unusable = (e: unknown): TsmProbe => {
    const err = toAegisError(e, 'TEE_DEVICE_ERROR');
    return { present: true, kind: undefined, problem: err.message, problemCode: err.code };
  };
  const dir = join(root, `aegis-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    io('mkdir', dir, () => tfs.mkdir(dir));
  } catch (e) {
    return unusable(e);
  }
  try {
    const kind = teeKindOfProvider(readText(tfs, join(dir, 'provider')));
    return { present: true, kind, problem: undefined, problemCode: undefined };
  } catch (e) {
    return unusable(e);
  } finally {
    try {
      tfs.rmdir(dir);
    } catch {
      // best effort, see tsmRequestReport
    }
  }
}
