import type { Context } from 'hono';
import { ApiError } from '../http/api-error.ts';
import { logEvent } from '../http/log.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { estimateTokens, MIN_ANSWER_TOKENS } from '../model/context-window.ts';
import type { ChatTurn } from '../model/conversation.ts';
import type { AnswerEvent } from '../model/upstream.ts';
import type { BudgetWindow, ReserveResult } from './ledger.ts';

/** Each turn costs its role label too (as in context-window.ts). */
const TOKENS_PER_TURN = 4;

export type BudgetScope = 'day' | 'visitor';

/** What a question may spend, and how to account for it once answered. */
export interface BudgetHold {
  /** The answer's maximum, cut to what the budgets have left (the model then stops with `length`). */
  maxNewTokens: number;
  /** What `meterAnswer` settles when the answer ends; absent when no budget is set. */
  settlement?: BudgetSettlement;
}

/**
 * The reservations of one question, by the names of the objects that hold them:
 * plain data, so it travels with the answer to whoever runs it (the answer's
 * Durable Object), which settles when the answer ends.
 */
export interface BudgetSettlement {
  id: string;
  promptEstimate: number;
  objects: string[];
}

interface Held {
  scope: BudgetScope;
  name: string;
  stub: DurableObjectStub<import('./token-budget.ts').TokenBudget>;
  result: ReserveResult;
}

const UNLIMITED = (maxNewTokens: number): BudgetHold => ({ maxNewTokens });

/**
 * Reserves the prompt's estimate plus the answer's maximum in every budget
 * that is set, before the upstream call, or refuses with 429 budget_exhausted.
 * Only POST /api/chat calls this: a resumed answer (a separate route) streams
 * what was already paid for and never reserves again, so it is never counted twice.
 */
export async function reserveBudget(
  c: Context<WorkerEnv>,
  question: { system: string; turns: readonly ChatTurn[]; maxNewTokens: number },
): Promise<BudgetHold> {
  const { budgets, firstTokenTimeoutMs, upstreamRetries, answerTimeoutMs } = c.get('config');
  if (!budgets.dailyTokens && !budgets.visitorTokens) return UNLIMITED(question.maxNewTokens);

  const prompt = estimatePrompt(question.system, question.turns);
  const request = {
    id: crypto.randomUUID(),
    want: prompt + question.maxNewTokens,
    min: prompt + Math.min(MIN_ANSWER_TOKENS, question.maxNewTokens),
    // Long enough for every retry and the whole answer; past it the worker is gone and the tokens count as spent.
    ttlMs: firstTokenTimeoutMs * (upstreamRetries + 1) + answerTimeoutMs + 60_000,
  };
  const reserveIn = async (scope: BudgetScope, shard: Shard): Promise<Held> => {
    const stub = c.env.BUDGETS.get(c.env.BUDGETS.idFromName(shard.name));
    const window: BudgetWindow = scope === 'day' ? 'utc-day' : 'rolling-hour';
    return { scope, name: shard.name, stub, result: await stub.reserve(window, { ...request, limit: shard.limit }) };
  };
  const reservations: Promise<Held>[] = [];
  if (budgets.dailyTokens) {
    const [first, second] = dayShards(budgets.dailyTokens, budgets.dailyShards, new Date());
    // A shard can run dry while others have room: one other shard gets asked before the question is refused.
    reservations.push(
      reserveIn('day', first).then((held) => (held.result.ok || !second ? held : reserveIn('day', second))),
    );
  }
  if (budgets.visitorTokens) {
    reservations.push(reserveIn('visitor', { name: `visitor:${c.get('visitor')}`, limit: budgets.visitorTokens }));
  }

  let held: Held[];
  try {
    held = await Promise.all(reservations);
  } catch (error) {
    // A cap that fails open is no cap; any reservation that did go through expires on its own.
    logEvent('error', 'budget_unavailable', { requestId: c.get('requestId'), error: String(error) });
    throw new ApiError(503, 'budget_unavailable', 'The chat cannot check its limits right now. Please try again.', {
      'Retry-After': '10',
    });
  }

  const refused = held.filter((h) => !h.result.ok).sort((a, b) => retryOf(b) - retryOf(a))[0];
  const defer = (work: Promise<unknown>) => c.executionCtx.waitUntil(work.catch(() => {}));
  if (refused) {
    for (const h of held) if (h.result.ok) defer(h.stub.release(request.id));
    throw refusal(c, refused);
  }
  const granted = Math.min(...held.map((h) => (h.result.ok ? h.result.granted : 0)));
  for (const h of held) if (h.result.ok && h.result.granted > granted) defer(h.stub.shrink(request.id, granted));

  return {
    maxNewTokens: granted - prompt,
    settlement: { id: request.id, promptEstimate: prompt, objects: held.map((h) => h.name) },
  };
}

/**
 * Passes the answer through and, when it ends however it ends, settles the
 * reservations with the upstream's reported usage (else its own count of
 * prompt and text) and releases the rest. An answer that failed before its
 * first token releases everything. `defer` keeps the settling calls alive
 * after the answer's last event (`waitUntil`).
 */
export function meterAnswer(
  answer: AsyncGenerator<AnswerEvent>,
  settlement: BudgetSettlement | undefined,
  budgets: DurableObjectNamespace<import('./token-budget.ts').TokenBudget>,
  defer: (work: Promise<unknown>) => void,
): AsyncGenerator<AnswerEvent> {
  if (!settlement) return answer;
  return metered(answer, settlement.promptEstimate, (used) => {
    for (const name of settlement.objects) {
      const stub = budgets.get(budgets.idFromName(name));
      const work = used === undefined ? stub.release(settlement.id) : stub.settle(settlement.id, used);
      defer(Promise.resolve(work).catch(() => {}));
    }
  });
}

interface Shard {
  name: string;
  limit: number;
}

/**
 * The day's budget over `shards` objects whose limits add up to it exactly, so
 * their sum can never be passed; a question goes to a random one (and, when
 * that one refuses, to a second), which spreads the load evenly. One shard is
 * the plain `day:YYYY-MM-DD` object.
 */
export function dayShards(budget: number, shards: number, now: Date): Shard[] {
  const day = `day:${now.toISOString().slice(0, 10)}`;
  if (shards <= 1) return [{ name: day, limit: budget }];
  const share = (i: number) => Math.floor(budget / shards) + (i < budget % shards ? 1 : 0);
  const first = Math.floor(Math.random() * shards);
  const second = (first + 1 + Math.floor(Math.random() * (shards - 1))) % shards;
  return [first, second].map((i) => ({ name: `${day}:${i}`, limit: share(i) }));
}

function retryOf(held: Held): number {
  return held.result.ok ? 0 : held.result.retryAfterSeconds;
}

function refusal(c: Context<WorkerEnv>, { scope, result }: Held): ApiError {
  const wait = result.ok ? 1 : result.retryAfterSeconds;
  logEvent('warn', 'budget_refused', {
    requestId: c.get('requestId'),
    origin: c.req.header('Origin'),
    scope,
    left: result.left,
    retryAfterSeconds: wait,
  });
  const message =
    scope === 'day'
      ? `This chat has reached its limit for today. It opens again in ${wait} seconds (at midnight UTC).`
      : `This chat has reached its limit for now. Please try again in ${wait} seconds.`;
  return new ApiError(429, 'budget_exhausted', message, { 'Retry-After': String(wait) }, { scope });
}

function estimatePrompt(system: string, turns: readonly ChatTurn[]): number {
  let tokens = estimateTokens(system) + TOKENS_PER_TURN;
  for (const turn of turns) tokens += estimateTokens(turn.content) + TOKENS_PER_TURN;
  return tokens;
}

/** `settle(undefined)` releases: nothing came back, so nothing was spent that we know of. */
async function* metered(
  answer: AsyncGenerator<AnswerEvent>,
  promptEstimate: number,
  settle: (used: number | undefined) => void,
): AsyncGenerator<AnswerEvent> {
  let text = '';
  let reported: number | undefined;
  let done = false;
  try {
    for await (const event of answer) {
      if (event.type === 'text') text += event.text;
      else {
        done = true;
        if (event.promptTokens !== undefined && event.completionTokens !== undefined)
          reported = event.promptTokens + event.completionTokens;
      }
      yield event;
    }
  } finally {
    settle(reported ?? (text || done ? promptEstimate + estimateTokens(text) : undefined));
  }
}
