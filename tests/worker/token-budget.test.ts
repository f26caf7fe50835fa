import {
  abortAllDurableObjects,
  createExecutionContext,
  env,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { TokenBudget } from '../../worker/budget/token-budget.ts';
import app from '../../worker/index.ts';
import { ask, chatRequest, parseSse, readAll, scenario, upstreamRecords } from './helpers.ts';

// Budgets live in Durable Objects: one per UTC day (`day:YYYY-MM-DD`) and one per visitor
// (`visitor:<rate-limit key>`). Each test uses its own visitor address; the daily tests set the
// limit relative to what today's object has already counted, so they do not depend on each other.

const HOUR = 3_600_000;
let visitorCounter = 0;
function visitorIp(): string {
  return `2001:db8:14::${(++visitorCounter).toString(16)}`;
}

function budgetStub(name: string): DurableObjectStub<TokenBudget> {
  return env.BUDGETS.get(env.BUDGETS.idFromName(name));
}
/** Every object is thrown out of memory (as on a deploy or a crash); a new stub reaches a fresh instance. */
async function restarted(name: string): Promise<DurableObjectStub<TokenBudget>> {
  await abortAllDurableObjects();
  return budgetStub(name);
}
const today = () => budgetStub(`day:${new Date().toISOString().slice(0, 10)}`);
const visitorBudget = (ip: string) => budgetStub(`visitor:https://site.example|${ip}`);

/** One question through the worker with some variables set; resolves once its settlement has run too. */
async function askWith(vars: Partial<Env>, body: unknown, ip = visitorIp()) {
  const ctx = createExecutionContext();
  const response = await app.fetch(
    chatRequest(body, { headers: { 'CF-Connecting-IP': ip } }),
    { ...env, ...vars },
    ctx,
  );
  const raw = await readAll(response);
  await waitOnExecutionContext(ctx);
  const events = response.headers.get('content-type')?.startsWith('text/event-stream') ? parseSse(raw) : [];
  return { response, raw, events, last: events.at(-1), ip };
}

/** The worker's own prompt estimate (context-window.ts): UTF-8 bytes / 3, plus 4 per turn, system message included. */
function promptEstimate(body: { messages: { content: string }[] }): number {
  const system =
    'A conversation between a user and an LLM-based AI assistant. The assistant gives helpful and honest answers.';
  const tokens = (text: string) => Math.ceil(new TextEncoder().encode(text).length / 3) + 4;
  return body.messages.reduce((sum, message) => sum + tokens(message.content), tokens(system));
}

/**
 * The object's snapshot once nothing is held: an answer's Durable Object settles in work of its own after the
 * visitor has its `done` (ctx.waitUntil), so a read right after the answer can come before it.
 */
async function settled(stub: DurableObjectStub<TokenBudget>) {
  return vi.waitFor(
    async () => {
      const snapshot = await stub.snapshot();
      expect(snapshot).toMatchObject({ held: 0, reservations: 0 });
      return snapshot;
    },
    { timeout: 5000 },
  );
}

async function dayCounted(): Promise<number> {
  const { spent, held } = await today().snapshot();
  return spent + held;
}

describe('token budgets: reservation and settlement', () => {
  it('reserves before the call and settles with the upstream reported usage, holding nothing afterwards', async () => {
    const { tag, directive } = scenario();
    const result = await askWith({ VISITOR_TOKEN_BUDGET: '100000' }, ask(`Hello ${directive}`));
    expect(result.response.status).toBe(200);
    const done = result.last!.data as { finishReason: string; promptTokens: number; completionTokens: number };
    expect(result.last!.event).toBe('done');
    expect(done.promptTokens).toBeGreaterThan(0);
    const snapshot = await settled(visitorBudget(result.ip));
    expect(snapshot).toEqual({ spent: done.promptTokens + done.completionTokens, held: 0, reservations: 0 });
    expect(await upstreamRecords(tag)).toHaveLength(1);
  });

  it('cuts the answer maximum to what is left; the answer then ends with finishReason "length"', async () => {
    const { tag, directive } = scenario({ tokens: 400 });
    const question = ask(`Tell me everything ${directive}`, { maxNewTokens: 512 });
    const limit = promptEstimate(question) + 100;
    const result = await askWith({ VISITOR_TOKEN_BUDGET: String(limit) }, question);
    expect(result.response.status).toBe(200);
    const [record] = await upstreamRecords(tag);
    expect(record.body.max_tokens ?? record.body.parameters?.max_new_tokens).toBe(100);
    expect(result.last).toMatchObject({ event: 'done', data: { finishReason: 'length', completionTokens: 100 } });
  });

  it('refuses over the budget with 429 budget_exhausted and Retry-After, before any upstream call', async () => {
    const ip = visitorIp();
    const spend = await askWith({ VISITOR_TOKEN_BUDGET: '100000' }, ask(`Hi ${scenario().directive}`), ip);
    expect(spend.response.status).toBe(200);
    const spent = (await settled(visitorBudget(ip))).spent;
    const { tag, directive } = scenario();
    const refused = await askWith({ VISITOR_TOKEN_BUDGET: String(spent + 20) }, ask(`Again ${directive}`), ip);
    expect(refused.response.status).toBe(429);
    const body = JSON.parse(refused.raw);
    expect(body.error).toMatchObject({ code: 'budget_exhausted', scope: 'visitor' });
    expect(body.error.message).toMatch(/limit for now/);
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    // The visitor's spending leaves the rolling hour within the hour and its minute.
    expect(retryAfter).toBeGreaterThan(HOUR / 1000 - 120);
    expect(retryAfter).toBeLessThanOrEqual(HOUR / 1000 + 60);
    expect(await upstreamRecords(tag)).toHaveLength(0);
  });

  it('a refusal by the daily budget says "for today" and waits until UTC midnight', async () => {
    const before = Date.now();
    const { tag, directive } = scenario();
    const refused = await askWith({ DAILY_TOKEN_BUDGET: String((await dayCounted()) + 10) }, ask(`Hi ${directive}`));
    const after = Date.now();
    expect(refused.response.status).toBe(429);
    expect(JSON.parse(refused.raw).error).toMatchObject({ code: 'budget_exhausted', scope: 'day' });
    expect(JSON.parse(refused.raw).error.message).toMatch(/limit for today/);
    const midnight = (at: number) => Math.ceil((86_400_000 - (at % 86_400_000)) / 1000);
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    expect(retryAfter).toBeLessThanOrEqual(midnight(before));
    expect(retryAfter).toBeGreaterThanOrEqual(midnight(after));
    expect(await upstreamRecords(tag)).toHaveLength(0);
  });

  it('parallel questions never together pass the daily budget', async () => {
    const base = await dayCounted();
    const questions = Array.from({ length: 10 }, () => scenario({ tokens: 64 })).map(({ tag, directive }) => ({
      tag,
      body: ask(`Parallel ${directive}`, { maxNewTokens: 64 }),
    }));
    // Each reserves its prompt estimate plus 64 answer tokens, and will not start with less: room for three.
    const reservation = promptEstimate(questions[0].body) + 64;
    const limit = String(base + 3 * reservation + Math.floor(reservation / 2));
    const results = await Promise.all(questions.map((q) => askWith({ DAILY_TOKEN_BUDGET: limit }, q.body)));
    const statuses = results.map((r) => r.response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    for (const r of results.filter((r) => r.response.status === 429))
      expect(JSON.parse(r.raw).error.code).toBe('budget_exhausted');
    const reached = await Promise.all(questions.map((q) => upstreamRecords(q.tag)));
    expect(reached.flat()).toHaveLength(3);
    expect((await settled(today())).held).toBe(0);
  });

  it('split over DAILY_BUDGET_SHARDS objects whose limits add up to the budget, parallel questions still fit it', async () => {
    const shards = [0, 1, 2, 3].map((i) => budgetStub(`day:${new Date().toISOString().slice(0, 10)}:${i}`));
    const counted = async () =>
      Promise.all(shards.map(async (shard) => shard.snapshot().then(({ spent, held }) => spent + held)));
    const questions = Array.from({ length: 12 }, () => scenario({ tokens: 64 })).map(({ tag, directive }) => ({
      tag,
      body: ask(`Sharded ${directive}`, { maxNewTokens: 64 }),
    }));
    const reservation = promptEstimate(questions[0].body) + 64;
    const before = await counted();
    // Each shard's limit is a quarter of the budget: room for two more questions in the fullest one.
    const share = Math.max(...before) + 2 * reservation + Math.floor(reservation / 2);
    const room = before.reduce((sum, tokens) => sum + Math.floor((share - tokens) / reservation), 0);
    const vars = { DAILY_TOKEN_BUDGET: String(4 * share), DAILY_BUDGET_SHARDS: '4' };
    const results = await Promise.all(questions.map((q) => askWith(vars, q.body)));
    const answered = results.filter((r) => r.response.status === 200).length;
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThanOrEqual(room);
    for (const r of results.filter((r) => r.response.status !== 200))
      expect(JSON.parse(r.raw).error).toMatchObject({ code: 'budget_exhausted', scope: 'day' });
    const reached = await Promise.all(questions.map((q) => upstreamRecords(q.tag)));
    expect(reached.flat()).toHaveLength(answered);
    for (const shard of shards) expect((await settled(shard)).held).toBe(0);
  });

  it('a call that fails before any token releases its whole reservation', async () => {
    const ip = visitorIp();
    const { directive } = scenario({ fault: 'http-401' });
    const failed = await askWith({ VISITOR_TOKEN_BUDGET: '5000' }, ask(`Hi ${directive}`), ip);
    expect(failed.last?.event).toBe('error');
    expect(await settled(visitorBudget(ip))).toEqual({ spent: 0, held: 0, reservations: 0 });
  });

  it('a visitor who leaves mid-answer is charged for what was generated, not for the whole maximum', async () => {
    const ip = visitorIp();
    const { tag, directive } = scenario({ tokens: 300, delay: 20 });
    const ctx = createExecutionContext();
    const controller = new AbortController();
    const response = await app.fetch(
      chatRequest(ask(`Long ${directive}`, { maxNewTokens: 400 }), {
        headers: { 'CF-Connecting-IP': ip },
        signal: controller.signal,
      }),
      { ...env, VISITOR_TOKEN_BUDGET: '100000' },
      ctx,
    );
    const reader = response.body!.getReader();
    await reader.read();
    expect((await visitorBudget(ip).snapshot()).held).toBeGreaterThan(400);
    await reader.cancel();
    controller.abort();
    await waitOnExecutionContext(ctx);
    // The answer's Durable Object settles when it sees the visitor gone, in a request of its own.
    const { spent } = await vi.waitFor(
      async () => {
        const snapshot = await visitorBudget(ip).snapshot();
        expect(snapshot.held).toBe(0);
        return snapshot;
      },
      { timeout: 5000 },
    );
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThan(400);
    expect((await upstreamRecords(tag)).length).toBe(1);
  });
});

describe('token budgets: the object', () => {
  const request = (id: string, want: number, limit: number, ttlMs = 60_000) => ({ id, want, min: 10, limit, ttlMs });

  it('counts spending for a rolling hour: 59-minute-old spending counts, 61-minute-old does not', async () => {
    const name = `visitor:rolling-${visitorIp()}`;
    let stub = budgetStub(name);
    expect(await stub.reserve('rolling-hour', request('seed', 1, 1000))).toMatchObject({ ok: true });
    await stub.release('seed');
    const now = Date.now();
    const minute = (at: number) => at - (at % 60_000);
    // Spending as the object stores it, one row per minute; then a restart, so the object reads it back.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(
        'INSERT INTO spent (bucket, tokens) VALUES (?, 600), (?, 300)',
        minute(now - 62 * 60_000),
        minute(now - 59 * 60_000),
      );
    });
    stub = await restarted(name);
    expect(await stub.snapshot()).toMatchObject({ spent: 300, held: 0 });
    expect(await stub.reserve('rolling-hour', request('a', 1000, 1000))).toEqual({ ok: true, granted: 700, left: 0 });
    const refused = await stub.reserve('rolling-hour', request('b', 100, 1000));
    // The 300 tokens leave the window when their minute is an hour old: in about a minute, not an hour.
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(120);
    }
  });

  it('when only answers in flight hold the rest, the rolling window says the full hour', async () => {
    const stub = budgetStub(`visitor:held-${visitorIp()}`);
    expect(await stub.reserve('rolling-hour', request('a', 1000, 1000))).toEqual({ ok: true, granted: 1000, left: 0 });
    expect(await stub.reserve('rolling-hour', request('b', 100, 1000))).toEqual({
      ok: false,
      left: 0,
      retryAfterSeconds: HOUR / 1000,
    });
  });

  it('keeps reservations and spending across a restart of the object', async () => {
    const name = `day:restart-${visitorIp()}`;
    let stub = budgetStub(name);
    expect(await stub.reserve('utc-day', request('one', 400, 1000))).toEqual({ ok: true, granted: 400, left: 600 });
    expect(await stub.reserve('utc-day', request('two', 300, 1000))).toEqual({ ok: true, granted: 300, left: 300 });
    await stub.settle('one', 250);
    stub = await restarted(name);
    expect(await stub.snapshot()).toEqual({ spent: 250, held: 300, reservations: 1 });
    expect(await stub.reserve('utc-day', request('three', 1000, 1000))).toEqual({ ok: true, granted: 450, left: 0 });
    await stub.settle('two', 300);
    stub = await restarted(name);
    expect(await stub.snapshot()).toEqual({ spent: 550, held: 450, reservations: 1 });
  });

  it('a reservation never settled expires and counts as spent in full (its worker may have died mid-answer)', async () => {
    const stub = budgetStub(`day:expiry-${visitorIp()}`);
    expect(await stub.reserve('utc-day', request('lost', 500, 1000, 0))).toMatchObject({ ok: true, granted: 500 });
    // Its time was up at once: the next call counts it.
    const next = await stub.reserve('utc-day', request('next', 1000, 1000));
    expect(next).toEqual({ ok: true, granted: 500, left: 0 });
    expect(await stub.snapshot()).toEqual({ spent: 500, held: 500, reservations: 1 });
    // Settling the expired one later changes nothing.
    await stub.settle('lost', 10);
    expect(await stub.snapshot()).toEqual({ spent: 500, held: 500, reservations: 1 });
  });

  it("logs a day's total once the day is over, then empties its storage", async () => {
    const name = `day:total-${visitorIp()}`;
    const stub = budgetStub(name);
    expect(await stub.reserve('utc-day', request('seed', 1, 1000))).toMatchObject({ ok: true });
    await stub.release('seed');
    const yesterday = Date.now() - 86_400_000;
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(
        'INSERT INTO spent (bucket, tokens) VALUES (?, 4321)',
        yesterday - (yesterday % 86_400_000),
      );
    });
    const restartedStub = await restarted(name);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await runDurableObjectAlarm(restartedStub)).toBe(true);
    const lines = log.mock.calls.map((call) => JSON.parse(String(call[0])));
    log.mockRestore();
    expect(lines).toContainEqual({
      level: 'info',
      msg: 'budget_day_total',
      day: new Date(yesterday).toISOString().slice(0, 10),
      tokens: 4321,
      limit: 1000,
    });
    expect(await restartedStub.snapshot()).toEqual({ spent: 0, held: 0, reservations: 0 });
  });
});
