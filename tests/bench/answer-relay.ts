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
 * that rotates from round to round. Reported per arm: the median first-token
 * time, and the CPU time per answer of the whole wrangler dev process tree and
 * of its workerd processes alone (worker and object); and the load average.
 *
 *   npm run build && tsx tests/bench/answer-relay.ts [rounds] [--ref=<git ref>]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWranglerDev, type WranglerDev } from '../../demo/wrangler-dev.ts';
import { commandLine, cpuMs, processTree } from '../support/processes.ts';
import { TEST_HF_TOKEN } from '../support/test-token.ts';
import { startModelProcess } from './lib/bench-stack.ts';
import { timedStream } from './lib/sse-client.ts';
import { median } from './lib/stats.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const ROUNDS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 9);
const REF = args.find((arg) => arg.startsWith('--ref='))?.slice('--ref='.length);
const TOKENS = 1000;
// Every question of an arm comes from one visitor, whom the worker lets ask 20 a minute (wrangler.toml).
if (ROUNDS + 1 > 18) throw new Error('At most 17 rounds (and the warm-up): the rate limit is 20 questions a minute.');

/** A copy of the app whose wrangler.toml lacks the Durable Object binding and migration. */
function directRelayRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'falcon-direct-'));
  for (const entry of ['worker', 'dist', 'node_modules', 'package.json', 'tsconfig.json']) {
    symlinkSync(join(repoRoot, entry), join(root, entry));
  }
  const toml = readFileSync(join(repoRoot, 'wrangler.toml'), 'utf8')
    .replace(/\[\[durable_objects\.bindings\]\][^[]*/, '')
    .replace(/\[\[migrations\]\][^[]*/, '');
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
  return root;
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

async function main() {
  const model = await startModelProcess();
  const vars = { HF_ENDPOINT_URL: model.url, HF_TOKEN: TEST_HF_TOKEN, ALLOWED_ORIGINS: '*', CONTEXT_TOKENS: '12000' };
  const arms: Record<string, WranglerDev> = {
    'Durable Object': await startWranglerDev({ vars }),
    direct: await startWranglerDev({ vars, root: directRelayRoot() }),
  };
  if (REF) arms[`DO at ${REF}`] = await startWranglerDev({ vars, root: refRoot(REF) });
  const results: Record<string, { ttft: number[]; cpu: number[]; workerdCpu: number[]; errors: number }> = {};
  const loadBefore = load();
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const order = Object.entries(arms);
      order.push(...order.splice(0, round % order.length));
      for (const [name, worker] of order) {
        const body = JSON.stringify({
          messages: [{ role: 'user', content: `Bench ${round} @offline(tokens=${TOKENS},delay=0,first-delay=0)` }],
          maxNewTokens: TOKENS,
        });
        const before = cpuOf(worker);
        const timing = await timedStream({
          url: `${worker.url}/api/chat`,
          body,
          headers: { 'Content-Type': 'application/json', Origin: 'https://bench.example' },
          kind: 'worker',
        });
        // The first round of each arm warms it up (bundling, the first object) and is not counted.
        if (round === 0) continue;
        results[name] ??= { ttft: [], cpu: [], workerdCpu: [], errors: 0 };
        const arm = results[name];
        if (timing.error) arm.errors++;
        arm.ttft.push(timing.ttftMs);
        const after = cpuOf(worker);
        arm.cpu.push(after.tree - before.tree);
        arm.workerdCpu.push(after.workerd - before.workerd);
      }
    }
  } finally {
    await Promise.all(Object.values(arms).map((worker) => worker.stop()));
    await model.stop();
  }
  console.log(`Load average (1 min) ${loadBefore} before, ${load()} after`);
  for (const [name, { ttft, cpu, workerdCpu, errors }] of Object.entries(results)) {
    console.log(
      `${name.padEnd(15)} first token ${median(ttft).toFixed(1)} ms, CPU per ${TOKENS}-token answer ${median(cpu).toFixed(0)} ms (workerd ${median(workerdCpu).toFixed(0)} ms) (median of ${ttft.length}, ${errors} errors)`,
    );
  }
  for (const name of Object.keys(results).filter((arm) => arm !== 'direct')) {
    const added = median(results[name].ttft) - median(results.direct.ttft);
    console.log(`${name}: the hop adds ${added.toFixed(1)} ms to the first token (medians)`);
  }
}

await main();
