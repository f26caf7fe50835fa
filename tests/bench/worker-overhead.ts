/// <reference types="node" />
/**
 * 2. What the worker adds: the same answers fetched straight from the offline
 * model and through the worker, interleaved, one request at a time. The
 * direct request replays, byte for byte, the upstream request the worker
 * itself made for that question (taken from the model's request log).
 *
 * The worker is reached two ways: through `wrangler dev` as a visitor would
 * (wrangler's proxy, itself a workerd process, forwards each request to the
 * worker's own workerd), and at the worker's own port in workerd, which is
 * what a deployed worker is: no proxy in front.
 */
import { Agent } from 'node:http';
import { chatBody, offlineDirective, type BenchStack } from './lib/bench-stack.ts';
import { timedStream, type StreamTiming } from './lib/sse-client.ts';
import { median, sleep } from './lib/stats.ts';

export interface OverheadCase {
  name: string;
  tokens: number;
  /** ms between tokens at the model (0: as fast as it can send). */
  delay: number;
  reps: number;
  /** wrangler dev's per-chunk network inspection left on, as it ships. */
  networkInspection?: boolean;
}

export type Arm = 'direct' | 'worker' | 'wrangler';

export interface ArmSummary {
  ttftMs: number;
  tokensPerSecond: number;
  totalMs: number;
}

export interface OverheadResult extends OverheadCase {
  /** direct: the model; worker: the worker's own port; wrangler: through wrangler dev's proxy. */
  arms: Record<Arm, ArmSummary>;
  /** Median of the per-round differences from direct, ms. */
  addedTtftMs: { worker: number; wrangler: number };
  /** Median tokens/s as a share of direct. */
  throughputRatio: { worker: number; wrangler: number };
  errors: string[];
}

export const OVERHEAD_CASES: OverheadCase[] = [
  { name: 'as fast as possible', tokens: 100, delay: 0, reps: 21 },
  { name: 'as fast as possible', tokens: 1_000, delay: 0, reps: 9 },
  { name: 'as fast as possible', tokens: 10_000, delay: 0, reps: 3 },
  { name: '50 tokens/s', tokens: 100, delay: 20, reps: 7 },
  // As fast as the fastest hosted inference streams today.
  { name: '1,000 tokens/s', tokens: 1_000, delay: 1, reps: 5 },
];

/**
 * wrangler dev as it ships (`--dev-inspection`): its inspector proxy relays one debug message per
 * upstream chunk to wrangler's Node process. It slows everything after it down for a while, so it is
 * not part of the default run.
 */
export const DEV_INSPECTION_CASE: OverheadCase = {
  name: 'as fast as possible, wrangler dev network inspection on (as shipped)',
  tokens: 1_000,
  delay: 0,
  reps: 2,
  networkInspection: true,
};

/** Tokens per second after the first token: the streaming rate, not the wait for the model. */
function rate(tokens: number, timing: StreamTiming): number {
  return ((tokens - 1) * 1000) / (timing.totalMs - timing.ttftMs);
}

const ARMS: readonly Arm[] = ['direct', 'worker', 'wrangler'];

/**
 * `reps` rounds of one timed stream per arm, each arm going first, second, … in
 * turn. A round with an error is left out of `rounds`; its errors are listed.
 */
export async function interleavedRounds<A extends string>(
  arms: readonly A[],
  reps: number,
  run: (arm: A) => Promise<StreamTiming>,
): Promise<{ rounds: Record<A, StreamTiming>[]; errors: string[] }> {
  const rounds: Record<A, StreamTiming>[] = [];
  const errors: string[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const round = {} as Record<A, StreamTiming>;
    for (let step = 0; step < arms.length; step++) {
      const arm = arms[(rep + step) % arms.length];
      round[arm] = await run(arm);
      if (round[arm].error) errors.push(`${arm}: ${round[arm].error}`);
    }
    if (arms.every((arm) => !round[arm].error)) rounds.push(round);
  }
  return { rounds, errors };
}

/** Each arm's medians over the rounds of an answer of `tokens` tokens. */
export function summariseArms<A extends string>(
  arms: readonly A[],
  rounds: Record<A, StreamTiming>[],
  tokens: number,
): Record<A, ArmSummary> {
  const summary = {} as Record<A, ArmSummary>;
  for (const arm of arms) {
    summary[arm] = {
      ttftMs: median(rounds.map((round) => round[arm].ttftMs)),
      tokensPerSecond: median(rounds.map((round) => rate(tokens, round[arm]))),
      totalMs: median(rounds.map((round) => round[arm].totalMs)),
    };
  }
  return summary;
}

export async function measureWorkerOverhead(
  stack: BenchStack,
  cases = OVERHEAD_CASES,
  log = console.log,
): Promise<OverheadResult[]> {
  const results: OverheadResult[] = [];
  const agents: Record<Arm, Agent> = {
    direct: new Agent({ keepAlive: true }),
    worker: new Agent({ keepAlive: true }),
    wrangler: new Agent({ keepAlive: true }),
  };
  const runtimeUrl = await stack.workerRuntimeUrl();
  try {
    for (const testCase of cases) {
      await stack.setNetworkInspection(testCase.networkInspection ?? false);
      const question = `How fast is the worker? ${offlineDirective({ tokens: testCase.tokens, delay: testCase.delay })}`;
      const body = chatBody(question);
      const viaWorker = (arm: 'worker' | 'wrangler') =>
        timedStream({
          url: `${arm === 'worker' ? runtimeUrl : stack.worker.url}/api/chat`,
          body,
          headers: { origin: stack.nextOrigin() },
          kind: 'worker',
          agent: agents[arm],
        });

      // Warm-up through the worker; its upstream request is what the direct runs replay.
      await stack.model.clearRecords();
      const warm = await viaWorker('wrangler');
      if (warm.error) throw new Error(`worker warm-up failed: ${warm.error}`);
      const upstream = (await stack.model.records()).at(-1);
      if (!upstream) throw new Error('the worker made no upstream request');
      const upstreamHeaders = Object.fromEntries(
        Object.entries(upstream.headers).filter(([name]) => ['authorization', 'user-agent'].includes(name)),
      );
      const direct = () =>
        timedStream({
          url: `${stack.model.url}${upstream.path}`,
          body: JSON.stringify(upstream.body),
          headers: upstreamHeaders,
          kind: 'upstream',
          agent: agents.direct,
        });
      await direct();
      await viaWorker('worker');

      const { rounds, errors } = await interleavedRounds(ARMS, testCase.reps, (arm) =>
        arm === 'direct' ? direct() : viaWorker(arm),
      );
      await stack.model.clearRecords();

      const arms = summariseArms(ARMS, rounds, testCase.tokens);
      const added = (arm: 'worker' | 'wrangler') =>
        median(rounds.map((round) => round[arm].ttftMs - round.direct.ttftMs));
      const result: OverheadResult = {
        ...testCase,
        arms,
        addedTtftMs: { worker: added('worker'), wrangler: added('wrangler') },
        throughputRatio: {
          worker: arms.worker.tokensPerSecond / arms.direct.tokensPerSecond,
          wrangler: arms.wrangler.tokensPerSecond / arms.direct.tokensPerSecond,
        },
        errors,
      };
      results.push(result);
      log(
        `  ${testCase.tokens} tokens, ${testCase.name}: first token ${arms.direct.ttftMs.toFixed(1)} / ${arms.worker.ttftMs.toFixed(1)} / ${arms.wrangler.ttftMs.toFixed(1)} ms, ` +
          `${arms.direct.tokensPerSecond.toFixed(0)} / ${arms.worker.tokensPerSecond.toFixed(0)} / ${arms.wrangler.tokensPerSecond.toFixed(0)} tokens/s ` +
          `(direct / worker / through wrangler dev)${errors.length ? `, ${errors.length} errors` : ''}`,
      );
      // Network inspection leaves a backlog of debug messages in wrangler; let it drain.
      if (testCase.networkInspection) {
        await stack.setNetworkInspection(false);
        await sleep(5_000);
      }
    }
  } finally {
    await stack.setNetworkInspection(false);
    for (const agent of Object.values(agents)) agent.destroy();
  }
  return results;
}
