import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AegisError, fail } from '../../core/errors.js';
import { fromHex, toHex } from '../../core/encoding.js';
import { REPORT_DATA_LEN, type TeeEvidence, type TeeKind, type TeeQuoteProvider } from '../../device/tee.js';
import { parseJson } from '../../core/canonical-json.js';
import { probeTee, realTeeProvider, type TeeProbeResult } from '#drivers/tee/probe.js';
import { createSimulatedTee, parseSimState, type SimulatedTee } from '#firmware-sim/tee/index.js';
import { action, printJson, EXIT_OK } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { readInputText } from '../input.js';

/**
 * `aegis tee probe` — which TEE is present, real or simulated (AEGIS_DEVICE=auto|real|sim), and
 * `aegis tee evidence` — raw TEE evidence (TDX quote + collateral, or SNP report + VEK chain) for a given
 * REPORTDATA, written as the files `aegis attest verify` reads. The bound evidence bundle is `attest collect`.
 */
interface ProbeOpts {
  device?: string;
  json?: boolean;
}

interface EvidenceOpts extends ProbeOpts {
  reportData?: string;
  sim?: string;
  simState?: string;
  out: string;
}

/** Resumes the simulator from --sim-state when the file exists, else creates one and saves it there (0600). */
async function simulator(kind: TeeKind, statePath: string | undefined): Promise<SimulatedTee> {
  if (statePath === undefined) return createSimulatedTee(kind);
  if (existsSync(statePath)) {
    const state = parseSimState(parseJson(readInputText(statePath, 'simulator state'), 'simulator state'));
    return createSimulatedTee(kind, { state });
  }
  const sim = await createSimulatedTee(kind);
  try {
    writeFileSync(statePath, `${JSON.stringify(await sim.exportState())}\n`, { mode: 0o600 });
  } catch (e) {
    fail(
      'TEE_OUTPUT_UNWRITABLE',
      `cannot write ${statePath} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return sim;
}

function probe(io: CliIo, opts: ProbeOpts & { sim?: string }): TeeProbeResult {
  const env = { ...io.env };
  if (opts.device !== undefined) env['AEGIS_DEVICE'] = opts.device;
  if (opts.sim !== undefined) env['AEGIS_TEE_SIM'] = opts.sim;
  return probeTee({ env });
}

function probeJson(p: TeeProbeResult): Record<string, unknown> {
  return {
    ok: true,
    mode: p.mode,
    tee: p.tee,
    simulated: p.simulated,
    interface: p.interface,
    found: {
      configfs_tsm: p.found.configfsTsm,
      configfs_tsm_problem: p.found.configfsTsmProblem,
      tdx_guest: p.found.tdxGuest,
      sev_guest: p.found.sevGuest,
    },
    reason: p.reason,
  };
}

function parseReportData(hex: string | undefined): Uint8Array {
  if (hex === undefined) return new Uint8Array(randomBytes(REPORT_DATA_LEN));
  const b = fromHex(hex.trim(), '--report-data');
  if (b.length !== REPORT_DATA_LEN)
    fail('USAGE', `--report-data must be ${REPORT_DATA_LEN} bytes (128 hex digits), got ${b.length}`);
  return b;
}

function write(dir: string, name: string, data: Uint8Array | string): string {
  try {
    writeFileSync(join(dir, name), data);
  } catch (e) {
    throw new AegisError(
      'TEE_OUTPUT_UNWRITABLE',
      `cannot write ${join(dir, name)} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return name;
}

/** Writes the files `aegis attest verify` takes; simulator anchors go to a separate, clearly named folder. */
function writeEvidence(dir: string, ev: TeeEvidence, simAnchorsPem: string | undefined): string[] {
  const files: string[] = [];
  if (ev.tee === 'tdx') {
    files.push(write(dir, 'quote.bin', ev.quote));
    if (ev.collateral !== undefined)
      files.push(write(dir, 'collateral.json', `${JSON.stringify(ev.collateral, null, 1)}\n`));
  } else {
    files.push(write(dir, 'report.bin', ev.report));
    if (ev.vekChain !== undefined) {
      files.push(write(dir, `${ev.vekChain.signer}.der`, ev.vekChain.vek));
      if (ev.vekChain.ask !== undefined) files.push(write(dir, 'ask.der', ev.vekChain.ask));
      if (ev.vekChain.ark !== undefined) files.push(write(dir, 'ark.der', ev.vekChain.ark));
    }
    if (ev.certTable !== undefined) files.push(write(dir, 'cert-table.bin', ev.certTable));
  }
  if (simAnchorsPem !== undefined) {
    mkdirSync(join(dir, 'simulator-trust-anchors'), { recursive: true });
    files.push(
      join(
        'simulator-trust-anchors',
        write(join(dir, 'simulator-trust-anchors'), 'TEST-ONLY-roots.pem', simAnchorsPem),
      ),
    );
  }
  return files;
}

function teeGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'tee') ??
    program
      .command('tee')
      .description('TEE evidence acquisition: probe the TDX / SEV-SNP guest interfaces, fetch raw evidence')
  );
}

export const teeCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    const group = teeGroup(program);
    group
      .command('probe')
      .description(
        'say which TEE is present and whether evidence would be real or simulated:\n' +
          'configfs-tsm (/sys/kernel/config/tsm/report), /dev/sev-guest, /dev/tdx_guest; AEGIS_DEVICE=auto|real|sim',
      )
      .option(
        '--device <mode>',
        'auto (real when present, else simulator), real (fail without hardware) or sim; default $AEGIS_DEVICE or auto',
      )
      .option('--json', 'print {ok, mode, tee, simulated, interface, found, reason}')
      .action(
        action(io, async (opts: ProbeOpts) => {
          const p = probe(io, opts);
          if (opts.json === true) printJson(io, probeJson(p));
          else io.out(`${p.simulated ? 'SIMULATED' : 'REAL'} ${p.tee} via ${p.interface}: ${p.reason}`);
          return EXIT_OK;
        }),
      );
    group
      .command('evidence')
      .description(
        'fetch raw TEE evidence over REPORTDATA and write it to --out: quote.bin + collateral.json (TDX) or\n' +
          'report.bin + vcek.der/ask.der/ark.der (SEV-SNP). Simulated evidence also writes\n' +
          'simulator-trust-anchors/TEST-ONLY-roots.pem; `aegis attest verify` accepts it only with --trust-anchors on that folder.',
      )
      .requiredOption('--out <dir>', 'output directory (created if absent)')
      .option('--report-data <hex>', '64 bytes (128 hex digits) to bind; default: 64 random bytes')
      .option('--device <mode>', 'auto, real or sim; default $AEGIS_DEVICE or auto')
      .option('--sim <tee>', 'TEE to simulate: tdx or sev-snp; default $AEGIS_TEE_SIM or tdx')
      .option(
        '--sim-state <file>',
        'keep the simulated platform (TEST-ONLY CA keys) in this file: resumed when it exists, created (mode 0600) otherwise',
      )
      .option('--json', 'print {ok, tee, simulated, interface, report_data, dir, files}')
      .action(
        action(io, async (opts: EvidenceOpts) => {
          const reportData = parseReportData(opts.reportData);
          const p = probe(io, opts);
          let provider: TeeQuoteProvider;
          let anchors: string | undefined;
          if (p.simulated) {
            const sim = await simulator(p.tee, opts.simState);
            provider = sim.provider;
            anchors = sim.trustAnchorsPem;
          } else {
            provider = realTeeProvider(p);
          }
          io.err(`aegis: ${p.simulated ? 'SIMULATED' : 'REAL'} ${p.tee} evidence via ${p.interface}`);
          const ev = await provider.getEvidence(reportData);
          const dir = resolve(opts.out);
          try {
            mkdirSync(dir, { recursive: true });
          } catch (e) {
            fail(
              'TEE_OUTPUT_UNWRITABLE',
              `cannot create ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
            );
          }
          const files = writeEvidence(dir, ev, anchors);
          const out = {
            ok: true,
            tee: ev.tee,
            simulated: ev.simulated,
            interface: p.interface,
            report_data: toHex(reportData),
            dir,
            files,
          };
          if (opts.json === true) printJson(io, out);
          else
            io.out(
              `wrote ${files.join(', ')} to ${dir}${ev.simulated ? ' (SIMULATED evidence, TEST-ONLY roots)' : ''}`,
            );
          return EXIT_OK;
        }),
      );
  },
};
