import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface WranglerDevOptions {
  /** 0 picks a free port. */
  port?: number;
  /** `--var` overrides of wrangler.toml (and of .dev.vars). */
  vars?: Record<string, string>;
  /** Print wrangler's own output (npm start) or keep it for error reports only (tests). */
  echo?: boolean;
  /**
   * The directory with wrangler.toml, the worker and dist/ (default: this repository). Benchmarks run a
   * copy, so that edits and rebuilds meanwhile do not make wrangler dev restart the worker under them.
   */
  root?: string;
  /**
   * Where Durable Objects keep their state. The default is a fresh temporary directory, deleted on stop: every
   * answer leaves an object with a pending clean-up alarm, and a wrangler dev started over thousands of overdue
   * alarms (a test suite's worth) runs them all before it answers anyone. `npm start` keeps `.wrangler/state`;
   * a test that restarts the worker passes its own directory, which survives the restart.
   */
  persistTo?: string;
}

export interface WranglerDev {
  url: string;
  /** Process id of wrangler, for memory readings in benchmarks. */
  pid: number;
  /** wrangler's DevTools inspector port (`/json` lists the worker's isolate), for benchmarks. */
  inspectorPort: number;
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` on 127.0.0.1 with everything that reaches out to the
 * internet switched off, and resolves once it serves requests.
 * wrangler is started directly (not through npx) so that stopping it by its
 * PID also stops workerd.
 */
export async function startWranglerDev({
  port = 0,
  vars = {},
  echo = false,
  root = repoRoot,
  persistTo,
}: WranglerDevOptions = {}): Promise<WranglerDev> {
  const httpPort = port || (await freePort());
  const temporaryState = persistTo ? undefined : mkdtempSync(join(tmpdir(), 'falcon-chat-state-'));
  const inspectorPort = await freePort();
  const args = [
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(httpPort),
    '--inspector-port',
    String(inspectorPort),
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    '--persist-to',
    persistTo ?? temporaryState!,
  ];
  const child = spawn(`${repoRoot}node_modules/.bin/wrangler`, args, {
    cwd: root,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_HIDE_BANNER: 'true',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });

  let output = '';
  const url = `http://127.0.0.1:${httpPort}`;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (echo) process.stdout.write(text);
      if (/Ready on http/.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`wrangler dev exited (${code}) before it was ready:\n${output}`)));
  });

  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      if (temporaryState) rmSync(temporaryState, { recursive: true, force: true });
      resolve();
    }),
  );
  return {
    url,
    pid: child.pid!,
    inspectorPort,
    async stop() {
      if (child.exitCode !== null) return;
      // The negative PID reaches wrangler's whole process group, workerd included.
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

/** Ports handed out from FALCON_PORTS, so that two calls before either port is bound get different ones. */
const handedOut = new Set<number>();

/**
 * A port nobody listens on: any the system picks, or with `FALCON_PORTS=8900-8950` (a machine shared by
 * several people, each with a range of their own) the first free one in that range not handed out before.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.FALCON_PORTS ?? '');
  if (!range) return listenOnce(0);
  for (let port = Number(range[1]); port <= Number(range[2]); port++) {
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await listenOnce(port).catch(() => undefined)) return port;
  }
  throw new Error(`no free port left in FALCON_PORTS=${process.env.FALCON_PORTS}`);
}

function listenOnce(wanted: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(wanted, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
