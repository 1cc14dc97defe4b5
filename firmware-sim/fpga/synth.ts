import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '#core/errors.js';
import type { JudgeNetModel } from '#judge/judgenet/model.js';
import { fpgaDir, writeRtlImages } from './rtl-build.js';

export type SynthTarget = 'ice40' | 'xilinx';

export interface SynthReport {
  target: SynthTarget;
  device: string;
  lanes: number;
  hidden: number;
  cells: Record<string, number>;
  /** nextpnr's device utilisation lines (ICESTORM_LC, ICESTORM_RAM, ICESTORM_DSP, …): used / available. */
  utilisation: Record<string, string>;
  fmax_mhz: number | null;
  pnr: string;
  seconds: number;
  log_dir: string;
}

function tool(cmd: string, args: string[], cwd: string, log: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    fail(
      'FPGA_TOOL_MISSING',
      `${cmd} is not installed (Debian package ${cmd === 'yosys' ? 'yosys' : 'nextpnr-ice40'})`,
    );
  writeFileSync(join(cwd, log), `${r.stdout}\n${r.stderr}`);
  if (r.status !== 0) fail('FPGA_SYNTH_FAILED', `${cmd} failed (exit ${r.status}); see ${join(cwd, log)}`);
  return `${r.stdout}\n${r.stderr}`;
}

/** Parses the cell table of the last `stat` in a yosys log. */
export function parseYosysStat(log: string): Record<string, number> {
  const at = log.lastIndexOf('Number of cells:');
  const cells: Record<string, number> = {};
  if (at < 0) return cells;
  for (const line of log.slice(at).split('\n').slice(1)) {
    const m = /^\s+(\S+)\s+(\d+)\s*$/.exec(line);
    if (m === null) {
      if (line.trim() === '') continue;
      break;
    }
    cells[m[1] as string] = Number(m[2]);
  }
  return cells;
}

/**
 * Synthesises judge_core (in fpga/synth/synth_top.v) with yosys for the iCE40 UP5K (then places and routes it with
 * nextpnr-ice40 for an Fmax when installed) or the Xilinx 7-series (synthesis only: no open place-and-route).
 */
export function synthesise(
  target: SynthTarget,
  model: JudgeNetModel,
  modelHash: string,
  lanes: number,
): SynthReport {
  const dir = writeRtlImages(model, modelHash, lanes);
  const t0 = Date.now();
  const sources = `${join(fpgaDir, 'rtl', 'judge_core.v')} ${join(fpgaDir, 'synth', 'synth_top.v')}`;
  const json = join(dir, `synth_${target}.json`);
  const flow =
    target === 'ice40'
      ? `synth_ice40 -dsp -top synth_top -json ${json}; stat`
      : `synth_xilinx -family xc7 -top synth_top; stat`;
  const log = tool(
    'yosys',
    ['-q', '-p', `read_verilog -I${dir} ${sources}; ${flow}; tee -o ${join(dir, `stat_${target}.txt`)} stat`],
    dir,
    `yosys_${target}.log`,
  );
  const cells = parseYosysStat(log.includes('Number of cells:') ? log : '');
  const statFile = join(dir, `stat_${target}.txt`);
  const statText = existsSync(statFile) ? spawnSync('cat', [statFile], { encoding: 'utf8' }).stdout : '';
  const finalCells = Object.keys(cells).length > 0 ? cells : parseYosysStat(statText);
  let fmax: number | null = null;
  const utilisation: Record<string, string> = {};
  let pnr = 'not run';
  if (target === 'ice40') {
    const probe = spawnSync('nextpnr-ice40', ['--version'], { encoding: 'utf8' });
    if (probe.error === undefined) {
      const out = tool(
        'nextpnr-ice40',
        [
          '--up5k',
          '--package',
          'sg48',
          '--json',
          json,
          '--pcf-allow-unconstrained',
          '--freq',
          '12',
          '--seed',
          '1',
          '--asc',
          join(dir, 'synth_ice40.asc'),
        ],
        dir,
        'nextpnr_ice40.log',
      );
      // nextpnr 0.4 also reports a pseudo-clock '$PACKER_GND_NET' for unregistered DSP inputs; only the real clock counts
      // (../shared/reference/hardware-interfaces.md §12).
      const all = [...out.matchAll(/Max frequency for clock\s+'([^']*)':\s+([\d.]+) MHz/g)].filter(
        (m) => !(m[1] ?? '').includes('PACKER_GND'),
      );
      const last = all[all.length - 1];
      fmax = last === undefined ? null : Number(last[2]);
      for (const m of out.matchAll(/^Info:\s+(ICESTORM_\w+|SB_\w+):\s+(\d+)\/\s*(\d+)/gm))
        utilisation[m[1] as string] = `${m[2]}/${m[3]}`;
      pnr = 'nextpnr-ice40 --up5k --package sg48';
    } else pnr = 'nextpnr-ice40 not installed';
  }
  return {
    target,
    device: target === 'ice40' ? 'iCE40 UP5K (SG48)' : 'Xilinx 7-series (synth_xilinx -family xc7)',
    lanes,
    hidden: model.hidden,
    cells: finalCells,
    utilisation,
    fmax_mhz: fmax,
    pnr,
    seconds: (Date.now() - t0) / 1000,
    log_dir: dir,
  };
}
