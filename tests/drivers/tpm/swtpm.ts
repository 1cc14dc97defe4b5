import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts a private swtpm per test file (DESIGN.md, "Real components in tests"): free ports, a temp state dir,
 * `--flags not-need-init,startup-clear`, killed by stop(). swtpm serves one client at a time.
 */
let notified = false;
export function haveSwtpm(): boolean {
  const ok = spawnSync('swtpm', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ok && !notified) {
    notified = true;
    console.warn(
      '[skip] swtpm is not installed (apt-get install swtpm swtpm-tools tpm2-tools): TPM suites skipped',
    );
  }
  return ok;
}

let notifiedTools = false;
export function haveTpm2Tools(): boolean {
  const ok = spawnSync('tpm2_checkquote', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ok && !notifiedTools) {
    notifiedTools = true;
    console.warn(
      '[skip] tpm2-tools is not installed (apt-get install tpm2-tools): tpm2-tools interop suites skipped',
    );
  }
  return ok;
}

export interface Swtpm {
  dir: string;
  /** With ekCert: the test CA that signed the EK certificate (issuercert.pem, swtpm-localca-rootca-cert.pem). */
  caDir?: string;
  /** swtpm:HOST:PORT or unix:PATH, as openTpmTransport takes it. */
  spec: string;
  /** TPM2TOOLS_TCTI value for tpm2-tools. */
  tcti: string;
  host?: string;
  port?: number;
  path?: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freePort();
    if (p >= 65535) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error('no free port pair');
}

function canConnect(opts: { host: string; port: number } | { path: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const s = 'path' in opts ? connect({ path: opts.path }) : connect({ host: opts.host, port: opts.port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(child: ChildProcess, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`swtpm exited with ${child.exitCode}`);
    // The ctrl port is probed, not the data port: a probe connection on the data port would occupy
    // swtpm's single client slot until it notices the close.
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('swtpm did not start');
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** `initialised: false` starts swtpm without --flags, so the client must send CMD_INIT and TPM2_Startup itself. */
export async function startSwtpm(
  kind: 'tcp' | 'unix' = 'tcp',
  opts: { initialised?: boolean; ekCert?: boolean } = {},
): Promise<Swtpm> {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-swtpm-'));
  if (opts.ekCert === true) provisionEkCert(dir);
  const flags = opts.initialised === false ? [] : ['--flags', 'not-need-init,startup-clear'];
  const common = ['--tpmstate', `dir=${dir}`, ...flags];
  if (kind === 'tcp') {
    const port = await freePortPair();
    const child = spawn(
      'swtpm',
      [
        'socket',
        '--tpm2',
        '--server',
        `type=tcp,port=${port},bindaddr=127.0.0.1`,
        '--ctrl',
        `type=tcp,port=${port + 1},bindaddr=127.0.0.1`,
        ...common,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(child, () => canConnect({ host: '127.0.0.1', port: port + 1 }));
    return {
      dir,
      ...(opts.ekCert === true ? { caDir: join(dir, 'ca') } : {}),
      spec: `swtpm:127.0.0.1:${port}`,
      tcti: `swtpm:host=127.0.0.1,port=${port}`,
      host: '127.0.0.1',
      port,
      stop: stopper(child, dir),
    };
  }
  const path = join(dir, 'swtpm.sock');
  const child = spawn(
    'swtpm',
    [
      'socket',
      '--tpm2',
      '--server',
      `type=unixio,path=${path}`,
      '--ctrl',
      `type=unixio,path=${path}.ctrl`,
      ...common,
    ],
    { stdio: 'ignore' },
  );
  await waitFor(child, () => canConnect({ path: `${path}.ctrl` }));
  return { dir, spec: `unix:${path}`, tcti: `swtpm:path=${path}`, path, stop: stopper(child, dir) };
}

/**
 * Manufactures the TPM state with swtpm_setup: an RSA 2048 EK with its certificate in NV 0x01c00002, signed by a
 * swtpm-localca CA created in `dir/ca` (not the system-wide /var/lib/swtpm-localca).
 */
function provisionEkCert(dir: string): void {
  const ca = join(dir, 'ca');
  mkdirSync(ca);
  writeFileSync(
    join(dir, 'localca.conf'),
    `statedir = ${ca}\nsigningkey = ${ca}/signkey.pem\nissuercert = ${ca}/issuercert.pem\ncertserial = ${ca}/certserial\n`,
  );
  writeFileSync(
    join(dir, 'localca.options'),
    '--platform-manufacturer Aegis\n--platform-version 2.1\n--platform-model test\n',
  );
  writeFileSync(
    join(dir, 'setup.conf'),
    `create_certs_tool = swtpm_localca\ncreate_certs_tool_config = ${dir}/localca.conf\ncreate_certs_tool_options = ${dir}/localca.options\nactive_pcr_banks = sha256\n`,
  );
  const r = spawnSync(
    'swtpm_setup',
    ['--tpm2', '--tpmstate', dir, '--create-ek-cert', '--config', join(dir, 'setup.conf'), '--overwrite'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`swtpm_setup failed: ${r.stdout}${r.stderr}`);
}
