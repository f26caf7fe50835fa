/// <reference types="node" />
/**
 * Token budgets: what a reservation adds to the first token, and how many
 * reservations one TokenBudget object takes per second in workerd.
 *
 * First token: two `wrangler dev`s from the same files, one without budgets
 * and one with both set (so each question reserves in two objects, the day's
 * and the visitor's, and settles in both), asked the same short questions in
 * turn from one client; the difference of the medians is the cost.
 * Throughput: a small worker (budget-worker/) drives one object from inside
 * workerd with many callers at once, each reserving then settling.
 * An object's reply waits until its write is durable, and on this VM that is
 * the disk's fsync, so both are measured with the state on disk and, where
 * there is one, on tmpfs (/dev/shm): the object's own cost without the disk.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWranglerDev, type WranglerDev } from '../../demo/wrangler-dev.ts';
import { TEST_HF_TOKEN } from '../support/test-token.ts';
import { type ModelProcess, startModelProcess } from './lib/bench-stack.ts';
import { timedStream } from './lib/sse-client.ts';
import { median } from './lib/stats.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const QUESTIONS = 40;

export interface BudgetPlaceResult {
  /** Where the objects kept their state: `disk` or `tmpfs`. */
  state: string;
  ttftMs: { off: number; on: number };
  addedTtftMs: number;
  errors: number;
  throughput: { lanes: number; reservationsPerSecond: number }[];
}

export interface BudgetResult {
  questions: number;
  places: BudgetPlaceResult[];
}

export async function measureBudget({
  root,
  log,
}: {
  root: string;
  log: (line: string) => void;
}): Promise<BudgetResult> {
  const model = await startModelProcess();
  const places: [string, string][] = [['disk', tmpdir()]];
  if (existsSync('/dev/shm')) places.push(['tmpfs', '/dev/shm']);
  const results: BudgetPlaceResult[] = [];
  try {
    for (const [state, dir] of places) results.push(await measurePlace(root, model, state, dir, log));
  } finally {
    await model.stop();
  }
  return { questions: QUESTIONS, places: results };
}

async function measurePlace(
  root: string,
  model: ModelProcess,
  state: string,
  stateDir: string,
  log: (line: string) => void,
): Promise<BudgetPlaceResult> {
  const dirs: string[] = [];
  const servers: WranglerDev[] = [];
  const start = async (extra: Record<string, string>, at = root) => {
    const persistTo = mkdtempSync(join(stateDir, 'falcon-budget-bench-'));
    dirs.push(persistTo);
    const vars = { HF_ENDPOINT_URL: model.url, HF_TOKEN: TEST_HF_TOKEN, ALLOWED_ORIGINS: '*', ...extra };
    const server = await startWranglerDev({ root: at, vars, persistTo });
    servers.push(server);
    return server;
  };
  try {
    const off = await start({});
    const on = await start({ DAILY_TOKEN_BUDGET: '1000000000', VISITOR_TOKEN_BUDGET: '1000000000' });
    const times = { off: [] as number[], on: [] as number[] };
    let errors = 0;
    for (let i = -5; i < QUESTIONS; i++) {
      for (const [arm, server] of [
        ['off', off],
        ['on', on],
      ] as const) {
        const timing = await timedStream({
          url: `${server.url}/api/chat`,
          kind: 'worker',
          headers: {
            'Content-Type': 'application/json',
            Origin: 'https://bench.example',
            // Ten visitors in turn: the rate limit allows each 20 questions a minute.
            'CF-Connecting-IP': `2001:db8::b:${(i + 5) % 10}`,
          },
          body: JSON.stringify({
            messages: [{ role: 'user', content: 'Hi @offline(tokens=5,delay=0,first-delay=0)' }],
            maxNewTokens: 16,
          }),
        });
        if (timing.error) errors++;
        // The first five of each are warm-up (isolate start, first objects created).
        else if (i >= 0) times[arm].push(timing.ttftMs);
      }
    }
    const ttftMs = { off: median(times.off), on: median(times.on) };
    log(
      `  state on ${state}: first token ${ttftMs.off.toFixed(1)} ms without budgets, ${ttftMs.on.toFixed(1)} ms with both`,
    );
    for (const server of servers.splice(0)) await server.stop();

    const bench = await start({}, join(here, 'budget-worker'));
    const throughput: BudgetPlaceResult['throughput'] = [];
    await fetch(`${bench.url}/?lanes=4&ms=500`);
    for (const lanes of [1, 8, 64]) {
      const result = (await (await fetch(`${bench.url}/?lanes=${lanes}&ms=3000`)).json()) as {
        reserved: number;
        seconds: number;
      };
      throughput.push({ lanes, reservationsPerSecond: result.reserved / result.seconds });
      log(
        `  state on ${state}, one object, ${lanes} callers: ${Math.round(result.reserved / result.seconds)} reservations/s`,
      );
    }
    return { state, ttftMs, addedTtftMs: ttftMs.on - ttftMs.off, errors, throughput };
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
