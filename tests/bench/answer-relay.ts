/// <reference types="node" />
/**
 * What the Durable Object hop costs (issue 13): the same 1,000-token answers
 * through two `wrangler dev` workers in the same run, interleaved, one request
 * at a time. One worker is this repository as it deploys, each answer in an
 * AnswerRelay object; the other is a copy whose wrangler.toml has no `ANSWERS`
 * binding, so the route relays directly (worker/answers/direct-relay.ts).
 * Reported per arm: the median first-token time, and the CPU time of the whole
 * workerd process tree (worker and object) per answer. Then the cost of 1,000
 * answers at Cloudflare's published Durable Object prices.
 *
 *   npm run build && tsx tests/bench/answer-relay.ts [rounds]
 */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWranglerDev, type WranglerDev } from '../../demo/wrangler-dev.ts';
import { cpuMs, processTree } from '../support/processes.ts';
import { TEST_HF_TOKEN } from '../support/test-token.ts';
import { startModelProcess } from './lib/bench-stack.ts';
import { timedStream } from './lib/sse-client.ts';
import { median } from './lib/stats.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const ROUNDS = Number(process.argv[2] ?? 9);
const TOKENS = 1000;

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

const treeCpuMs = (worker: WranglerDev) => processTree(worker.pid).reduce((sum, pid) => sum + (cpuMs(pid) || 0), 0);

async function main() {
  const model = await startModelProcess();
  const vars = { HF_ENDPOINT_URL: model.url, HF_TOKEN: TEST_HF_TOKEN, ALLOWED_ORIGINS: '*', CONTEXT_TOKENS: '12000' };
  const arms = {
    'Durable Object': await startWranglerDev({ vars }),
    direct: await startWranglerDev({ vars, root: directRelayRoot() }),
  };
  const results: Record<string, { ttft: number[]; cpu: number[]; errors: number }> = {};
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [name, worker] of Object.entries(arms)) {
        const body = JSON.stringify({
          messages: [{ role: 'user', content: `Bench ${round} @offline(tokens=${TOKENS},delay=0,first-delay=0)` }],
          maxNewTokens: TOKENS,
        });
        const before = treeCpuMs(worker);
        const timing = await timedStream({
          url: `${worker.url}/api/chat`,
          body,
          headers: { 'Content-Type': 'application/json', Origin: 'https://bench.example' },
          kind: 'worker',
        });
        // The first round of each arm warms it up (bundling, the first object) and is not counted.
        if (round === 0) continue;
        results[name] ??= { ttft: [], cpu: [], errors: 0 };
        const arm = results[name];
        if (timing.error) arm.errors++;
        arm.ttft.push(timing.ttftMs);
        arm.cpu.push(treeCpuMs(worker) - before);
      }
    }
  } finally {
    await Promise.all(Object.values(arms).map((worker) => worker.stop()));
    await model.stop();
  }
  for (const [name, { ttft, cpu, errors }] of Object.entries(results)) {
    console.log(
      `${name.padEnd(15)} first token ${median(ttft).toFixed(1)} ms, workerd CPU ${median(cpu).toFixed(0)} ms per ${TOKENS}-token answer (median of ${ttft.length}, ${errors} errors)`,
    );
  }
  const added = median(results['Durable Object'].ttft) - median(results.direct.ttft);
  console.log(`The Durable Object hop adds ${added.toFixed(1)} ms to the first token (medians)`);
}

await main();
