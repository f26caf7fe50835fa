/// <reference types="node" />
/**
 * 4. CPU per answer: the CPU the worker spends on one 1,000-token answer.
 *
 * wrangler dev enforces no CPU limit, workerd freezes timers while JavaScript
 * runs (so wall-clock time inside the worker says nothing), and V8's sampler
 * inside workerd attributes idle gaps to whatever ran last, so its profile
 * cannot give totals. Nor can its sample count: the sampler only samples
 * while the isolate is entered, and the count follows how often it is entered
 * more than for how long (the same reference relay came to 37 ms an answer
 * sampled every 100 µs and 54 ms sampled every 500 µs). Two honest readings
 * instead:
 *
 * - **Worker code** (the headline): the deployed bundle (`wrangler deploy
 *   --dry-run`) in a plain Node process, answering 1,000-token questions
 *   whose upstream is played from memory, one token per chunk, exactly the
 *   bytes the offline model sends. process.cpuUsage() over many answers, minus
 *   the cost of playing the upstream alone. This is the worker's JavaScript,
 *   web streams, JSON and text encoding: what the Workers CPU limit counts.
 *   Node's web streams are written in JavaScript where workerd's are C++, so
 *   this errs high. A V8 CPU profile of the same run shows where the time goes.
 * - **workerd process** (an upper bound): user+system CPU of the workerd
 *   process running the worker under wrangler dev, per answer, over real
 *   loopback connections at 50 tokens/s and as fast as possible. It also
 *   counts workerd's HTTP parsing, socket I/O and one event-loop wake-up per
 *   token for two connections, which this virtual machine makes expensive.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { answerRequest, defaultConfig } from '../../demo/offline-model/respond.ts';
import { frameAction } from '../../demo/offline-model/stream-plan.ts';
import { chatBody, offlineDirective, type BenchStack } from './lib/bench-stack.ts';
import { cpuMs } from '../support/processes.ts';
import { timedStream } from './lib/sse-client.ts';
import { median, sleep, sum } from './lib/stats.ts';

const childScript = fileURLToPath(new URL('./lib/worker-cpu-child.mjs', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CpuResult {
  tokens: number;
  /** Worker code in Node: CPU ms per answer (median of rounds, upstream playback subtracted). */
  codeMsPerAnswer: number;
  codeMsPerAnswerRounds: number[];
  /** What playing the upstream from memory costs by itself, per answer (subtracted above). */
  upstreamPlaybackMs: number;
  tokenEvents: number;
  /** The same answer when the whole upstream is there at once (a model faster than the worker), relayed in TOKEN_BATCH_MS batches. */
  batched: { msPerAnswer: number; tokenEvents: number };
  /** Self time per answer by where the code comes from (worker/, hono, @huggingface/inference, …). */
  bySource: { source: string; msPerAnswer: number; share: number }[];
  /** Biggest self times per answer. */
  topFunctions: { name: string; source: string; msPerAnswer: number }[];
  /** The .cpuprofile written (open it in Chrome DevTools); not committed. */
  profilePath: string;
  /** workerd process running the worker under wrangler dev: CPU ms per answer (upper bound). */
  workerdProcess: {
    pace: string;
    answers: number;
    parallel: number;
    msPerAnswer: number;
    proxyMsPerAnswer: number;
    errors: number;
  }[];
}

export interface CpuOptions {
  bundlePath: string;
  outDir: string;
  /** The wrangler.toml whose [vars] and bindings the bundle gets. */
  wranglerToml: string;
  tokens?: number;
  log?: (line: string) => void;
}

export async function measureWorkerCpu(
  stack: BenchStack,
  { bundlePath, outDir, wranglerToml, tokens = 1_000, log = console.log }: CpuOptions,
): Promise<CpuResult> {
  const question = `How much CPU does this take? ${offlineDirective({ tokens, delay: 0 })}`;
  const body = chatBody(question);

  // The upstream request the worker makes for this question, and the model's answer to it as chunks.
  await stack.model.clearRecords();
  const probe = await timedStream({
    url: `${stack.worker.url}/api/chat`,
    body,
    headers: { origin: stack.nextOrigin() },
    kind: 'worker',
  });
  if (probe.error) throw new Error(`the worker failed the CPU question: ${probe.error}`);
  const upstream = (await stack.model.records()).at(-1)!;
  const played = answerRequest(
    {
      method: upstream.method,
      url: upstream.path,
      headers: upstream.headers,
      body: new TextEncoder().encode(JSON.stringify(upstream.body)),
    },
    defaultConfig(),
  );
  if (played.kind !== 'stream') throw new Error(`the offline model did not stream (${played.kind})`);
  const chunks = played.actions.map((action) => frameAction(action, played.framing).join('')).filter(Boolean);

  const { env, rateLimiters, assets } = wranglerEnv(wranglerToml);
  const upstreamUrl = 'http://upstream.bench.invalid';
  const profilePath = join(outDir, 'worker-cpu.cpuprofile');
  // Every token its own network read, relayed at once: how any model at a human pace is answered (the headline).
  const perToken = await runCpuChild({
    bundlePath,
    outDir,
    chunks,
    upstreamUrl,
    upstreamHeaders: played.headers,
    env: { ...env, ...benchVars(upstreamUrl), TOKEN_BATCH_MS: '0' },
    rateLimiters,
    assets,
    body,
    profileOut: profilePath,
  });
  // The upstream all there at once, as from a model faster than the worker: relayed in TOKEN_BATCH_MS batches.
  const batched = await runCpuChild({
    bundlePath,
    outDir,
    chunks,
    upstreamUrl,
    upstreamHeaders: played.headers,
    env: { ...env, ...benchVars(upstreamUrl) },
    rateLimiters,
    assets,
    body,
  });
  const rounds = perToken.rounds;
  const profile = analyseProfile(JSON.parse(readFileSync(profilePath, 'utf8')), readFileSync(bundlePath, 'utf8'), 100);
  log(
    `  cpu worker code: ${median(rounds).toFixed(2)} ms per ${tokens}-token answer, every token on its own (rounds ${rounds.map((r) => r.toFixed(1)).join(', ')})`,
  );
  log(
    `  cpu worker code: ${median(batched.rounds).toFixed(2)} ms per ${tokens}-token answer from a model faster than the worker (${batched.tokenEvents} token events)`,
  );

  // The workerd process under wrangler dev, over real connections.
  const workerdProcess: CpuResult['workerdProcess'] = [];
  const agent = new Agent({ keepAlive: true });
  try {
    for (const run of [
      { pace: '50 tok/s', delay: 20, answers: 10, parallel: 10 },
      { pace: 'fast', delay: 0, answers: 20, parallel: 1 },
    ]) {
      const runBody = chatBody(`How much CPU does this take? ${offlineDirective({ tokens, delay: run.delay })}`);
      let errors = 0;
      const answers = async () => {
        let started = 0;
        const lane = async () => {
          while (started++ < run.answers) {
            const timing = await timedStream({
              url: `${stack.worker.url}/api/chat`,
              body: runBody,
              headers: { origin: stack.nextOrigin() },
              kind: 'worker',
              agent,
            });
            if (timing.error) errors++;
          }
        };
        await Promise.all(Array.from({ length: run.parallel }, lane));
      };
      await answers();
      let before = { runtime: NaN, proxy: NaN };
      let after = { runtime: NaN, proxy: NaN };
      // wrangler dev restarts the worker's workerd when a source file changes; then measure again.
      for (let attempt = 1; attempt <= 3; attempt++) {
        errors = 0;
        const { runtime, proxy } = stack.processes();
        await sleep(300);
        before = { runtime: sum(runtime.map(cpuMs)), proxy: sum(proxy.map(cpuMs)) };
        await answers();
        await sleep(300);
        after = { runtime: sum(runtime.map(cpuMs)), proxy: sum(proxy.map(cpuMs)) };
        const restarted = stack.processes().runtime.join(',') !== runtime.join(',');
        if (!restarted && errors === 0 && Number.isFinite(after.runtime - before.runtime)) break;
        if (attempt < 3)
          log(
            `  cpu workerd process ${run.pace}: ${restarted ? 'the worker restarted' : `${errors} errors`}; measuring again`,
          );
      }
      const result = {
        pace: run.pace,
        answers: run.answers,
        parallel: run.parallel,
        msPerAnswer: (after.runtime - before.runtime) / run.answers,
        proxyMsPerAnswer: (after.proxy - before.proxy) / run.answers,
        errors,
      };
      workerdProcess.push(result);
      log(
        `  cpu workerd process ${run.pace}: ${result.msPerAnswer.toFixed(0)} ms per answer (wrangler's proxy: ${result.proxyMsPerAnswer.toFixed(0)})`,
      );
    }
  } finally {
    agent.destroy();
  }

  return {
    tokens,
    codeMsPerAnswer: median(rounds),
    codeMsPerAnswerRounds: rounds,
    upstreamPlaybackMs: perToken.stubMs,
    tokenEvents: perToken.tokenEvents,
    batched: { msPerAnswer: median(batched.rounds), tokenEvents: batched.tokenEvents },
    ...profile,
    profilePath,
    workerdProcess,
  };
}

interface CpuJob {
  bundlePath: string;
  outDir: string;
  chunks: string[];
  upstreamUrl: string;
  upstreamHeaders: HeadersInit;
  env: Record<string, string>;
  rateLimiters: string[];
  assets?: string;
  body: string;
  /** Where to write a CPU profile of more answers; none if unset. */
  profileOut?: string;
}

/** Runs the bundle in a child Node process (see worker-cpu-child.mjs): CPU ms per answer in each round, playback subtracted. */
async function runCpuChild({
  bundlePath,
  outDir,
  profileOut,
  ...job
}: CpuJob): Promise<{ rounds: number[]; stubMs: number; tokenEvents: number }> {
  const jobPath = join(outDir, 'worker-cpu-job.json');
  writeFileSync(
    jobPath,
    JSON.stringify({
      bundle: bundlePath,
      ...job,
      warmup: 30,
      rounds: 5,
      answers: 20,
      profiledAnswers: profileOut ? 100 : 0,
      samplingIntervalUs: 250,
      profileOut,
    }),
  );
  const { stdout } = await promisify(execFile)(process.execPath, [childScript, jobPath], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  const child = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    measured: { cpuMs: number; wallMs: number }[];
    stub: { cpuMs: number };
    tokenEvents: number;
  };
  return {
    rounds: child.measured.map((round) => round.cpuMs - child.stub.cpuMs),
    stubMs: child.stub.cpuMs,
    tokenEvents: child.tokenEvents,
  };
}

/** Values the benchmarks give the worker on top of wrangler.toml (as in bench-stack.ts). */
function benchVars(upstreamUrl: string): Record<string, string> {
  return {
    HF_ENDPOINT_URL: upstreamUrl,
    HF_TOKEN: 'hf_bench',
    ALLOWED_ORIGINS: '*',
    MAX_NEW_TOKENS: '11000',
    CONTEXT_TOKENS: '12000',
  };
}

/** [vars] of wrangler.toml, and the names of its rate-limit and assets bindings. */
function wranglerEnv(path: string): { env: Record<string, string>; rateLimiters: string[]; assets?: string } {
  const env: Record<string, string> = {};
  const rateLimiters: string[] = [];
  let assets: string | undefined;
  let section = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      section = line;
      continue;
    }
    const match = /^([A-Za-z_][\w-]*)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (!match) continue;
    const [, key, value] = match;
    if (section === '[vars]') env[key] = JSON.parse(`"${value}"`) as string;
    else if (section === '[[ratelimits]]' && key === 'name') rateLimiters.push(value);
    else if (section === '[assets]' && key === 'binding') assets = value;
  }
  return { env, rateLimiters, assets };
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per source (the bundle's `// path` module markers), per answer. */
function analyseProfile(profile: Profile, bundle: string, answers: number) {
  const modules: { line: number; path: string }[] = [];
  bundle.split('\n').forEach((text, line) => {
    const marker = /^\/\/ (\S+\.(?:ts|js|mjs|cjs))$/.exec(text);
    if (marker) modules.push({ line, path: marker[1] });
  });
  const sourceOf = (url: string, line: number): string => {
    if (!url) return 'V8 built-ins and natives';
    if (url.endsWith('worker-cpu-child.mjs')) return 'upstream playback (the benchmark)';
    if (url.startsWith('node:internal/webstreams')) return "Node's web streams";
    if (!url.endsWith('index.js')) return 'Node internals';
    let found = 'worker bundle';
    for (const module of modules) {
      if (module.line > line) break;
      found = module.path;
    }
    if (found.startsWith('worker/')) return found;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(found);
    return pkg ? pkg[1] : found;
  };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, { name: string; source: string; ms: number }>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') return;
    const ms = profile.timeDeltas[index] / 1000;
    total += ms;
    const special = functionName.startsWith('(');
    const source = special ? functionName : sourceOf(url, lineNumber);
    const key = `${functionName}|${url}|${lineNumber}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', source, ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
  });
  const bySourceMap = new Map<string, number>();
  for (const entry of functions.values())
    bySourceMap.set(entry.source, (bySourceMap.get(entry.source) ?? 0) + entry.ms);
  return {
    bySource: [...bySourceMap.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([source, ms]) => ({ source, msPerAnswer: ms / answers, share: ms / total })),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 25)
      .map(({ name, source, ms }) => ({ name, source, msPerAnswer: ms / answers })),
  };
}
