/// <reference types="node" />
/**
 * What the Durable Object hop costs (issue 13): the same 1,000-token answers
 * through two `wrangler dev` workers in the same run, interleaved, one request
 * at a time. One worker is this repository as it deploys, each answer in an
 * AnswerRelay object; the other is a copy whose wrangler.toml has no `ANSWERS`
 * binding, so the route relays directly (worker/answers/direct-relay.ts).
 * With `--ref=<git ref>` a third arm runs the Durable Object as of that commit
 * (its worker/, widget/ and wrangler.toml), so a change is measured against
 * what it replaces in the same run. Each round asks every arm once, in an order
 * that rotates from round to round (the rate limit is lifted in the bench's
 * copies, so any number of rounds). Reported per arm: the median first-token
 * time, and the CPU time per answer of the whole wrangler dev process tree and
 * of its workerd processes alone (worker and object); and the load average;
 * and per arm against the direct relay, the difference of the medians and the
 * median of the rounds' differences (each round's answers close in time).
 *
 * `--floor` adds the hop's floor (tests/bench/hop-floor/): the direct relay's
 * own code run in a worker and in a fresh object that does nothing else, in
 * one more wrangler dev; the gap between those two is what workerd's hop costs
 * whatever the object's code, the rest of the product's gap is ours. `--gap=<ms>` waits that long between questions (back to back, each
 * question meets the previous answer's tail: its object's storage and alarm).
 * `--tokens=<n> --delay=<ms>`: answers of n tokens, ms apart (default 1,000 as
 * fast as the model sends): a paced answer times the first token alone, not
 * the first token of a burst the worker is busy relaying.
 *
 *   npm run build && tsx tests/bench/answer-relay.ts [rounds] [--ref=<git ref>] [--floor[=direct,sqlite,…]] [--gap=<ms>]
 *     [--tokens=<n> --delay=<ms>]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startWranglerDev, type WranglerDev } from '../../demo/wrangler-dev.ts';
import { commandLine, cpuMs, processTree } from '../support/processes.ts';
import { TEST_HF_TOKEN } from '../support/test-token.ts';
import { offlineDirective, startModelProcess } from './lib/bench-stack.ts';
import { timedStream } from './lib/sse-client.ts';
import { median } from './lib/stats.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROUNDS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 9);
const REF = args.find((arg) => arg.startsWith('--ref='))?.slice('--ref='.length);
const floorArg = args.find((arg) => arg === '--floor' || arg.startsWith('--floor='));
/** The floor worker's paths to ask (tests/bench/hop-floor/worker.ts); `--floor` alone: the three that matter most. */
const FLOOR = floorArg?.includes('=')
  ? floorArg.slice('--floor='.length).split(',')
  : floorArg
    ? ['direct', 'sqlite', 'sqlite-headers']
    : [];
const GAP_MS = Number(option('gap') ?? 0);
const TOKENS = Number(option('tokens') ?? 1000);
/** ms between the model's tokens; 0: as fast as it sends (the CPU figure's case). */
const DELAY_MS = Number(option('delay') ?? 0);

/**
 * The bench's wrangler.toml: every question of an arm comes from one visitor, whom the worker lets ask 20 a
 * minute; the limiter is still asked once per question (its cost stays in every arm), but lets this one through.
 */
function benchToml(toml: string): string {
  const unlimited = toml.replace(/simple = \{ limit = \d+,/, 'simple = { limit = 100000,');
  if (unlimited === toml) throw new Error('wrangler.toml: no [[ratelimits]] simple = { limit = N, … } to lift');
  return unlimited;
}

/** A copy of the app (links to it) with the bench's wrangler.toml; `direct`: without the answers' object. */
function appRoot({ direct }: { direct: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), direct ? 'falcon-direct-' : 'falcon-object-'));
  for (const entry of ['worker', 'widget', 'dist', 'node_modules', 'package.json', 'tsconfig.json']) {
    symlinkSync(join(repoRoot, entry), join(root, entry));
  }
  let toml = benchToml(readFileSync(join(repoRoot, 'wrangler.toml'), 'utf8'));
  // The first binding and migration are the answers' object (ANSWERS, v1); the budgets' stay.
  if (direct) toml = toml.replace(/\[\[durable_objects\.bindings\]\][^[]*/, '').replace(/\[\[migrations\]\][^[]*/, '');
  writeFileSync(join(root, 'wrangler.toml'), toml);
  return root;
}

/** The app's runtime files as of `ref`, with the working tree's build and node_modules. */
function refRoot(ref: string): string {
  const root = mkdtempSync(join(tmpdir(), 'falcon-ref-'));
  const archive = execFileSync(
    'git',
    ['archive', ref, 'worker', 'widget', 'wrangler.toml', 'package.json', 'tsconfig.json'],
    {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  for (const entry of ['dist', 'node_modules']) symlinkSync(join(repoRoot, entry), join(root, entry));
  const toml = join(root, 'wrangler.toml');
  writeFileSync(toml, benchToml(readFileSync(toml, 'utf8')));
  return root;
}

/**
 * A copy of the floor worker where its imports of the app (../../../worker/) resolve to this repository's, so that
 * edits meanwhile do not make wrangler dev restart it mid-run, and its state stays out of the repository.
 */
function floorRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'falcon-floor-'));
  const floor = join(root, 'tests', 'bench', 'hop-floor');
  cpSync(fileURLToPath(new URL('./hop-floor', import.meta.url)), floor, {
    recursive: true,
    filter: (source) => !source.includes('.wrangler'),
  });
  for (const entry of ['worker', 'widget', 'node_modules']) symlinkSync(join(repoRoot, entry), join(root, entry));
  return floor;
}

/** CPU ms so far of the arm's whole process tree, and of its workerd processes alone. */
function cpuOf(worker: WranglerDev): { tree: number; workerd: number } {
  let tree = 0;
  let workerd = 0;
  for (const pid of processTree(worker.pid)) {
    const ms = cpuMs(pid) || 0;
    tree += ms;
    if (/workerd/.test(commandLine(pid).join(' '))) workerd += ms;
  }
  return { tree, workerd };
}

const load = () => loadavg()[0].toFixed(2);

/** One way to an answer: a worker, and the path and body it is asked with. */
interface Arm {
  worker: WranglerDev;
  path: string;
  body: (round: number) => string;
}

const chatQuestion = (round: number) =>
  JSON.stringify({
    messages: [{ role: 'user', content: `Bench ${round} ${offlineDirective({ tokens: TOKENS, delay: DELAY_MS })}` }],
    maxNewTokens: TOKENS,
  });
async function startArms(vars: Record<string, string>): Promise<Record<string, Arm>> {
  const chatArm = (worker: WranglerDev): Arm => ({ worker, path: '/api/chat', body: chatQuestion });
  const arms: Record<string, Arm> = {
    'Durable Object': chatArm(await startWranglerDev({ vars, root: appRoot({ direct: false }) })),
    direct: chatArm(await startWranglerDev({ vars, root: appRoot({ direct: true }) })),
  };
  if (REF) arms[`DO at ${REF}`] = chatArm(await startWranglerDev({ vars, root: refRoot(REF) }));
  if (FLOOR.length > 0) {
    const worker = await startWranglerDev({ vars, root: floorRoot() });
    for (const path of FLOOR) {
      arms[`floor ${path}`] = { worker, path: `/${path}`, body: chatQuestion };
    }
  }
  return arms;
}

async function main() {
  const model = await startModelProcess();
  const vars = { HF_ENDPOINT_URL: model.url, HF_TOKEN: TEST_HF_TOKEN, ALLOWED_ORIGINS: '*', CONTEXT_TOKENS: '12000' };
  const arms = await startArms(vars);
  const results: Record<string, { ttft: number[]; cpu: number[]; workerdCpu: number[]; errors: string[] }> = {};
  const loadBefore = load();
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const order = Object.entries(arms);
      order.push(...order.splice(0, round % order.length));
      for (const [name, { worker, path, body }] of order) {
        if (GAP_MS) await sleep(GAP_MS);
        const before = cpuOf(worker);
        const timing = await timedStream({
          url: `${worker.url}${path}`,
          body: body(round),
          headers: { 'Content-Type': 'application/json', Origin: 'https://bench.example' },
          kind: 'worker',
        });
        // The first round of each arm warms it up (bundling, the first object) and is not counted.
        if (round === 0) continue;
        results[name] ??= { ttft: [], cpu: [], workerdCpu: [], errors: [] };
        const arm = results[name];
        if (timing.error) arm.errors.push(timing.error);
        arm.ttft.push(timing.ttftMs);
        const after = cpuOf(worker);
        arm.cpu.push(after.tree - before.tree);
        arm.workerdCpu.push(after.workerd - before.workerd);
      }
    }
  } finally {
    await Promise.all([...new Set(Object.values(arms).map((arm) => arm.worker))].map((worker) => worker.stop()));
    await model.stop();
  }
  console.log(
    `Load average (1 min) ${loadBefore} before, ${load()} after${GAP_MS ? `; ${GAP_MS} ms between questions` : ''}`,
  );
  for (const [name, { ttft, cpu, workerdCpu, errors }] of Object.entries(results)) {
    console.log(
      `${name.padEnd(19)} first token ${median(ttft).toFixed(1)} ms, CPU per ${TOKENS}-token answer ${median(cpu).toFixed(0)} ms (workerd ${median(workerdCpu).toFixed(0)} ms) (median of ${ttft.length}, ${errors.length} errors${errors.length ? `: ${errors[0].slice(0, 120)}` : ''})`,
    );
  }
  const against = (base: string, prefix: (name: string) => boolean, what: string) => {
    for (const name of Object.keys(results).filter((arm) => arm !== base && prefix(arm))) {
      const { ttft } = results[name];
      const added = median(ttft) - median(results[base].ttft);
      const paired = median(ttft.map((ms, round) => ms - results[base].ttft[round]));
      console.log(
        `${name}: ${what} adds ${added.toFixed(1)} ms to the first token (medians; ${paired.toFixed(1)} ms, median of the rounds' differences)`,
      );
    }
  };
  against('direct', (name) => !name.startsWith('floor'), 'the hop');
  against('floor direct', (name) => name.startsWith('floor'), 'the bare hop');
}

await main();
