import type { Command } from 'commander';
import { aegisHome } from '../../appliance/home.js';
import { openHwProvider } from '../../appliance/hw/open.js';
import type { HwProvider } from '../../appliance/hw/provider.js';
import { fail } from '../../core/errors.js';
import { HW_SUBFIELD_NAMES, type HwSnapshot } from '../../device/hw-snapshot.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { pidOption } from '../pid-option.js';

/**
 * `aegis hw probe` — which of the 11 hardware subfields this host can fill, from which source, and why not;
 * `aegis hw sample` — the live band for a process (default: the caller's parent), once or every second (--watch).
 * Both follow $AEGIS_HW (auto: real sources; sim: the simulator with $AEGIS_HW_SIM_INJECT).
 */

interface Opts {
  pid?: string;
  json?: boolean;
  watch?: boolean;
  interval?: string;
  count?: string;
}

async function provider(io: CliIo): Promise<HwProvider> {
  const p = openHwProvider(io.env, aegisHome(io.env));
  if (p === undefined) fail('HW_MODE_INVALID', 'AEGIS_HW=off: no hardware band to probe; use auto or sim');
  await p.ready();
  return p;
}

const bar = (x: number): string => '█'.repeat(Math.round(x * 20)).padEnd(20, '·');

function renderSample(p: HwProvider, pid: number, band: HwSnapshot): string {
  const lines = [`hardware band for pid ${pid} from ${p.name} (per-call deltas since the previous sample)`];
  for (const name of HW_SUBFIELD_NAMES) {
    const v = band.values[name];
    if (v === undefined) {
      lines.push(`  ${name.padEnd(30)} unavailable`);
      continue;
    }
    const peak = Math.max(...v);
    const nonzero = v
      .map((x, i) => [i, x] as const)
      .filter(([, x]) => x > 0)
      .slice(0, 4)
      .map(([i, x]) => `[${i}]=${x.toFixed(3)}`);
    lines.push(
      `  ${name.padEnd(30)} ${bar(peak)} ${nonzero.join(' ')}${(band.sources?.[name] ?? []).length > 0 ? `  (${(band.sources?.[name] ?? []).join(', ')})` : ''}`,
    );
  }
  return lines.join('\n');
}

export const hwCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    const hw = program
      .command('hw')
      .description('the 200-D hardware band of ATV-2080-v1: which sources this host has, and live samples');
    hw.command('probe')
      .description(
        'list the 11 hardware subfields: available or not, from which source (perf_event_open, procfs, sim …), which dimensions',
      )
      .option(
        '--pid <pid>',
        'probe per-process sources for this process (default: the parent of this command)',
      )
      .option('--json', 'print {provider, subfields: [{name, available, source, dims}], metrics} as JSON')
      .action(
        action(io, async (opts: Opts) => {
          const p = await provider(io);
          const r = p.probe({ pid: pidOption(opts.pid) });
          if (opts.json === true) printJson(io, r);
          else {
            const n = r.subfields.filter((s) => s.available).length;
            io.out(`hardware band provider ${r.provider}: ${n} of ${r.subfields.length} subfields available`);
            for (const s of r.subfields)
              io.out(
                `  ${s.available ? 'yes' : ' no'}  ${s.name.padEnd(30)} ${s.available ? `${s.source.join(', ')}  dims ${s.dims.join(',')}` : `missing ${(s.missing ?? []).join(', ')}`}`,
              );
            for (const m of r.metrics.filter((e) => !e.available && e.reason !== undefined))
              io.out(`  unavailable metric ${m.metric} (${m.source}): ${m.reason ?? ''}`);
          }
          p.close();
          return 0;
        }),
      );
    hw.command('sample')
      .description(
        'print the hardware band for a process as the judge would see it: per-call deltas between samples',
      )
      .option('--pid <pid>', 'the agent process (default: the parent of this command)')
      .option('--watch', 'sample every --interval seconds until interrupted (or --count samples)')
      .option('--interval <s>', 'seconds between samples with --watch', '1')
      .option('--count <n>', 'stop after n samples')
      .option('--json', 'one JSON line per sample: {pid, provider, mask, values, sources}')
      .action(
        action(io, async (opts: Opts) => {
          const p = await provider(io);
          const pid = pidOption(opts.pid);
          const interval = Number(opts.interval ?? '1');
          if (!(interval > 0 && interval <= 3600))
            fail('USAGE', '--interval must be between 0 and 3600 seconds');
          const count = opts.count === undefined ? (opts.watch === true ? Infinity : 1) : Number(opts.count);
          if (!(count >= 1)) fail('USAGE', '--count must be a positive number');
          const ctx = {
            sessionId: `hw-sample-${pid}`,
            agentPid: pid,
            tokens: 0,
            network: false,
            readOnly: false,
          };
          for (let i = 0; i < count; i++) {
            if (i > 0) await new Promise((r) => setTimeout(r, interval * 1000));
            const band = p.snapshot(ctx);
            if (opts.json === true) {
              const mask = HW_SUBFIELD_NAMES.reduce(
                (m, n, k) => (band.values[n] !== undefined ? m | (1 << k) : m),
                0,
              );
              io.out(
                JSON.stringify({
                  pid,
                  provider: p.name,
                  mask,
                  values: band.values,
                  sources: band.sources ?? {},
                }),
              );
            } else io.out(renderSample(p, pid, band));
          }
          p.close();
          return 0;
        }),
      );
  },
};
