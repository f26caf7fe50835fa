/// <reference types="node" />
/**
 * 2b. What the runtime itself allows: the throughput of two reference relays
 * (tests/bench/reference-relay/) in the same workerd, on the same answers as
 * fast as the model can send them. `pipe` hands the upstream body to the
 * runtime untouched; `js` reads every chunk in JavaScript and passes it on,
 * the least any worker that looks at the tokens can do. Where the worker's
 * own ratio (bench 2) sits between the two says how much of what is missing
 * is the runtime's cost per chunk and how much is falcon-chat's code.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offlineDirective, startBenchStack } from './lib/bench-stack.ts';
import { timedStream } from './lib/sse-client.ts';
import { interleavedRounds, summariseArms, type ArmSummary } from './worker-overhead.ts';

type RelayArm = 'direct' | 'pipe' | 'js';

export interface RelayBaselineResult {
  tokens: number;
  reps: number;
  arms: Record<RelayArm, ArmSummary>;
  /** Median tokens/s as a share of direct. */
  throughputRatio: { pipe: number; js: number };
  errors: string[];
}

const relaySource = fileURLToPath(new URL('./reference-relay', import.meta.url));

export async function measureRelayBaseline(
  outDir: string,
  { tokens = 1_000, reps = 9, log = console.log } = {},
): Promise<RelayBaselineResult> {
  // A copy, so that wrangler's state stays out of the repository.
  const root = join(outDir, 'reference-relay');
  mkdirSync(root, { recursive: true });
  cpSync(relaySource, root, { recursive: true });
  const stack = await startBenchStack({ root });
  const agent = new Agent({ keepAlive: true });
  try {
    await stack.setNetworkInspection(false);
    const runtimeUrl = await stack.workerRuntimeUrl();
    const body = JSON.stringify({
      prompt: `User: How fast is the runtime? ${offlineDirective({ tokens, delay: 0 })}\nAssistant:`,
      stream: true,
      max_tokens: tokens + 100,
    });
    const urls: Record<RelayArm, string> = {
      direct: `${stack.model.url}/v1/completions`,
      pipe: `${runtimeUrl}/pipe`,
      js: `${runtimeUrl}/js`,
    };
    const order: RelayArm[] = ['direct', 'pipe', 'js'];
    const run = (arm: RelayArm) => timedStream({ url: urls[arm], body, kind: 'upstream', agent });
    // A first round warms each path up and is not counted.
    const warmUp = await interleavedRounds(order, 1, run);
    const measured = await interleavedRounds(order, reps, run);
    const { rounds } = measured;
    const errors = [...warmUp.errors, ...measured.errors];
    const arms = summariseArms(order, rounds, tokens);
    const result: RelayBaselineResult = {
      tokens,
      reps,
      arms,
      throughputRatio: {
        pipe: arms.pipe.tokensPerSecond / arms.direct.tokensPerSecond,
        js: arms.js.tokensPerSecond / arms.direct.tokensPerSecond,
      },
      errors,
    };
    log(
      `  reference relays, ${tokens} tokens as fast as possible: ${arms.direct.tokensPerSecond.toFixed(0)} / ${arms.pipe.tokensPerSecond.toFixed(0)} / ${arms.js.tokensPerSecond.toFixed(0)} tokens/s ` +
        `(direct / runtime pipe / JavaScript relay)${errors.length ? `, ${errors.length} errors` : ''}`,
    );
    return result;
  } finally {
    agent.destroy();
    await stack.stop();
  }
}
