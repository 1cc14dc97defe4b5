import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { install, uninstall, type InstallReport } from '../../hook/installer.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';

interface Opts {
  target?: string;
  settings?: string;
  scope?: string;
  force?: boolean;
  rescue?: boolean;
  json?: boolean;
}

function common(o: Opts): { settings?: string; scope: 'user' | 'project' } {
  if (o.target !== undefined && o.target !== 'claude-code')
    fail('USAGE', `--target supports only claude-code, got ${o.target}`);
  if (o.scope !== undefined && o.scope !== 'user' && o.scope !== 'project')
    fail('USAGE', `--scope is user or project, got ${o.scope}`);
  return {
    ...(o.settings === undefined ? {} : { settings: o.settings }),
    scope: o.scope === 'project' ? 'project' : 'user',
  };
}

function report(io: CliIo, verb: string, r: InstallReport, json: boolean): void {
  if (json) return printJson(io, { ok: true, ...r });
  if (!r.changed) return io.out(`aegis ${verb}: nothing to change in ${r.settings}`);
  io.out(
    [
      `aegis ${verb}: ${r.settings}`,
      ...r.changes.map((c) => `  - ${c}`),
      ...(r.backup === null ? [] : [`  backup: ${r.backup}`]),
    ].join('\n'),
  );
}

/** `aegis install` / `aegis uninstall` for Claude Code, and `aegis install --rescue`. */
export const installCommand: CommandModule = {
  register(program: Command, io: CliIo): void {
    program
      .command('install')
      .description(
        'install the Aegis hook into Claude Code settings (backup first, refuses invalid JSON, idempotent, keeps your own hooks)',
      )
      .option('--target <agent>', 'the agent to protect (claude-code)', 'claude-code')
      .option('--settings <file>', 'settings file to edit (default by --scope)')
      .option(
        '--scope <scope>',
        'user (~/.claude/settings.json) or project (./.claude/settings.json)',
        'user',
      )
      .option('--force', 'replace Aegis hooks that point at another install location')
      .option(
        '--rescue',
        'emergency: remove every Aegis hook (restoring the last valid backup if the file is broken JSON)',
      )
      .option('--json', 'print the report as JSON')
      .action(
        action(io, (opts: Opts) => {
          const c = common(opts);
          const r =
            opts.rescue === true
              ? uninstall({ env: io.env, ...c, rescue: true })
              : install({ env: io.env, ...c, force: opts.force === true });
          report(io, opts.rescue === true ? 'install --rescue' : 'install', r, opts.json === true);
          if (opts.rescue !== true && opts.json !== true)
            io.out(
              'Claude Code now runs every tool call past Aegis; the daemon starts on the first call (or: aegis daemon start).',
            );
          return 0;
        }),
      );
    program
      .command('uninstall')
      .description('remove the Aegis hooks from Claude Code settings (backup first; your own hooks stay)')
      .option('--target <agent>', 'the agent (claude-code)', 'claude-code')
      .option('--settings <file>', 'settings file to edit (default by --scope)')
      .option('--scope <scope>', 'user or project', 'user')
      .option('--json', 'print the report as JSON')
      .action(
        action(io, (opts: Opts) => {
          report(io, 'uninstall', uninstall({ env: io.env, ...common(opts) }), opts.json === true);
          return 0;
        }),
      );
  },
};
