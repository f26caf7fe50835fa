/// <reference types="node" />
/**
 * The product as the benchmarks drive it: the offline model and the worker in
 * `wrangler dev` pointed at it, with room for 10,000-token answers.
 *
 * wrangler dev's inspector proxy always sends `Network.enable` to the worker's
 * isolate and then relays every resulting event (one per chunk of every
 * upstream response, i.e. one per token) to wrangler's Node process as a debug
 * log. Production has none of this, and it costs more CPU than the worker
 * itself, so the benchmarks switch it off through the same inspector
 * (`Network.disable`) unless `networkInspection` is asked for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestRecord } from '../../../demo/offline-model/server.ts';
import { freePort, startWranglerDev, type WranglerDev } from '../../../demo/wrangler-dev.ts';
import { TEST_HF_TOKEN } from '../../support/test-token.ts';
import { CdpSocket } from './cdp.ts';
import { commandLine, listeningPorts, processTree } from '../../support/processes.ts';
import { OFFLINE_ENDPOINT_VARS } from '../../../demo/offline-model/model-card.ts';

/** Enough context for a 10,000-token answer after any prompt the benchmarks send. */
export const CONTEXT_TOKENS = 12_000;

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The offline model in a process of its own, so that its work does not delay the clocks of the benchmark's clients. */
export interface ModelProcess {
  url: string;
  pid: number;
  /** The model's request log (GET /_offline/log). */
  records(): Promise<RequestRecord[]>;
  clearRecords(): Promise<void>;
  stop(): Promise<void>;
}

export async function startModelProcess(): Promise<ModelProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'demo/offline-model/main.ts', '--port', String(port), '--quiet'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on http/.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`the offline model exited (${code}) before it was ready:\n${output}`)),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    records: async () => (await (await fetch(`${url}/_offline/log`)).json()) as RequestRecord[],
    clearRecords: async () => {
      await fetch(`${url}/_offline/log`, { method: 'DELETE' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface BenchStack {
  model: ModelProcess;
  worker: WranglerDev;
  /** The worker's isolate through wrangler's inspector proxy. */
  inspector: CdpSocket;
  /** A new origin each call: the worker rate-limits per origin and address, and the benchmarks are many visitors. */
  nextOrigin(): string;
  /** The workerd process running the worker, and the one running wrangler's proxy in front of it. */
  processes(): { runtime: number[]; proxy: number[]; wrangler: number[] };
  /**
   * The worker's own HTTP port in workerd, behind wrangler's proxy: requests there skip the dev-only
   * proxy hop (a production request does not make it either).
   */
  workerRuntimeUrl(): Promise<string>;
  /** The worker isolate's JS heap in use after a full garbage collection, MiB. */
  isolateHeapMiB(): Promise<number>;
  /** Turns wrangler dev's per-chunk network inspection on (as shipped) or off (closer to production). */
  setNetworkInspection(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** A copy of the app to run (see `snapshotApp`); default the repository itself. */
  root?: string;
}

/**
 * Copies what `wrangler dev` runs (wrangler.toml, worker/, widget/ for the wire contract the worker shares with the
 * element, the built dist/) into `dir`, with
 * node_modules linked. wrangler dev restarts the worker whenever one of these changes, cutting every
 * stream in flight: a bench run serves the app as it was when it started, whatever is edited or
 * rebuilt meanwhile. Returns `dir`.
 */
export function snapshotApp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['wrangler.toml', 'package.json', 'tsconfig.json', 'worker', 'widget', 'dist'])
    cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export async function startBenchStack({ root }: BenchStackOptions = {}): Promise<BenchStack> {
  const model = await startModelProcess();
  let worker: WranglerDev;
  try {
    worker = await startWranglerDev({
      root,
      vars: {
        HF_ENDPOINT_URL: model.url,
        ...OFFLINE_ENDPOINT_VARS,
        HF_TOKEN: TEST_HF_TOKEN,
        ALLOWED_ORIGINS: '*',
        // Long answers: 10,000 tokens, up to 200 s at 50 tokens/s.
        MAX_NEW_TOKENS: String(CONTEXT_TOKENS - 1_000),
        CONTEXT_TOKENS: String(CONTEXT_TOKENS),
        ANSWER_TIMEOUT_MS: '900000',
      },
    });
  } catch (error) {
    await model.stop();
    throw error;
  }
  // wrangler's process group goes down with it, but a workerd orphaned by a crash keeps running (and
  // spinning), so every process of the stack is also ended by its PID when this process exits.
  const known = new Set<number>([model.pid]);
  const remember = () => {
    for (const pid of processTree(worker.pid)) known.add(pid);
  };
  remember();
  const killAll = () => {
    for (const pid of known) {
      // Only what is still one of ours (a PID may have been reused).
      if (!/workerd|wrangler|offline-model|esbuild/.test(commandLine(pid).join(' '))) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killAll);

  const inspector = await CdpSocket.connect(`ws://127.0.0.1:${worker.inspectorPort}/ws`);
  let networkInspection = false;
  const apply = () => inspector.send(networkInspection ? 'Network.enable' : 'Network.disable').catch(() => {});
  // A reload of the worker reconnects the proxy to the new isolate, which enables Network again.
  inspector.on('Runtime.executionContextCreated', () => void apply());
  await apply();

  let visitors = 0;
  const port = new URL(worker.url).port;
  const stack: BenchStack = {
    model,
    worker,
    inspector,
    nextOrigin: () => `http://visitor-${++visitors}.bench.localhost`,
    processes() {
      const tree = processTree(worker.pid);
      for (const pid of tree) known.add(pid);
      const workerd = tree.filter((pid) => commandLine(pid)[0]?.endsWith('/workerd'));
      // The proxy listens on the public port; the worker's own runtime on a port of its own.
      const proxy = workerd.filter((pid) => commandLine(pid).some((arg) => arg.endsWith(`127.0.0.1:${port}`)));
      return {
        proxy,
        runtime: workerd.filter((pid) => !proxy.includes(pid)),
        wrangler: tree.filter(
          (pid) => !workerd.includes(pid) && commandLine(pid).some((arg) => arg.includes('wrangler')),
        ),
      };
    },
    async workerRuntimeUrl() {
      for (const pid of stack.processes().runtime) {
        for (const candidate of listeningPorts(pid)) {
          try {
            const response = await fetch(`http://127.0.0.1:${candidate}/api/health`, {
              signal: AbortSignal.timeout(2_000),
            });
            if (response.ok && ((await response.json()) as { ok?: boolean }).ok) return `http://127.0.0.1:${candidate}`;
          } catch {
            // not the worker's port
          }
        }
      }
      throw new Error("cannot find the worker's own port in workerd");
    },
    async isolateHeapMiB() {
      try {
        // workerd's inspector has no HeapProfiler.collectGarbage, but a heap snapshot collects garbage first.
        await inspector.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 30_000);
        const { usedSize } = await inspector.send<{ usedSize: number }>('Runtime.getHeapUsage', {}, 10_000);
        return usedSize / 2 ** 20;
      } catch {
        return NaN;
      }
    },
    async setNetworkInspection(on) {
      networkInspection = on;
      await apply();
    },
    async stop() {
      remember();
      inspector.close();
      await worker.stop();
      await model.stop();
      killAll();
      process.off('exit', killAll);
    },
  };
  return stack;
}

/** The worker's request body for one question; `@offline(...)` switches pick the answer's length and pace. */
export function chatBody(question: string, maxNewTokens = CONTEXT_TOKENS - 1_000): string {
  return JSON.stringify({ messages: [{ role: 'user', content: question }], maxNewTokens });
}

/** An `@offline(...)` directive: `tokens` tokens of markdown at `delay` ms apart. */
export function offlineDirective({
  tokens,
  delay,
  firstDelay = 0,
}: {
  tokens: number;
  delay: number;
  firstDelay?: number;
}): string {
  const context = tokens > 1_500 ? `,context=${CONTEXT_TOKENS}` : '';
  return `@offline(tokens=${tokens},delay=${delay},first-delay=${firstDelay}${context})`;
}
