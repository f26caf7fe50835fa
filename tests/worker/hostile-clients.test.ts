import { describe, expect, it } from 'vitest';
import {
  ask,
  callWorkerWith,
  chatRequest,
  inFreshRateLimitWindow,
  modelUrl,
  readAll,
  SITE,
  scenario,
  upstreamRecords,
  captureConsole,
} from './helpers.ts';

// Issue 11, weaknesses 6, 11 and 12: what an anonymous client can make the worker do.

const lines = captureConsole();

const BOT_CHECK: Partial<Env> = {
  TURNSTILE_SECRET: '1x0000000000000000000000000000000AA',
  SESSION_SECRET: 'test-session-secret-0123456789abcdef',
  // Nothing answers here: none of these requests may get as far as asking.
  TURNSTILE_VERIFY_URL: 'http://127.0.0.1:9/siteverify',
};

let address = 0;
const freshAddress = () => `2001:db8:11::${(++address).toString(16)}`;

function sessionRequest(body: BodyInit, ip = freshAddress()): Request {
  return new Request('https://falcon.example/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE, 'CF-Connecting-IP': ip },
    body,
  });
}

async function errorOf(response: Response) {
  return { status: response.status, code: JSON.parse(await readAll(response)).error?.code };
}

describe('POST /api/session', () => {
  it('refuses a body over MAX_BODY_BYTES with 413 before parsing it', async () => {
    const body = JSON.stringify({ turnstileToken: 'x'.repeat(70_000) });
    expect(await errorOf(await callWorkerWith(BOT_CHECK, sessionRequest(body)))).toEqual({
      status: 413,
      code: 'payload_too_large',
    });
  });

  it('reads no body at all when there is no bot check', async () => {
    const notJson = `{"turnstileToken": ${'['.repeat(10_000)}`;
    expect(await errorOf(await callWorkerWith({}, sessionRequest(notJson)))).toEqual({
      status: 404,
      code: 'turnstile_disabled',
    });
  });

  it('is rate-limited per address, before any bot-check call', async () => {
    const ip = freshAddress();
    await inFreshRateLimitWindow();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 21; attempt++) {
      statuses.push((await errorOf(await callWorkerWith(BOT_CHECK, sessionRequest('{}', ip)))).status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(400));
    expect(statuses[20]).toBe(429);
    expect((await errorOf(await callWorkerWith(BOT_CHECK, sessionRequest('{}')))).status).toBe(400);
  });
});

describe('GET /api/health?deep=1', () => {
  const deep = (vars: Partial<Env>, ip = freshAddress()) =>
    callWorkerWith(
      vars,
      new Request('https://falcon.example/api/health?deep=1', { headers: { 'CF-Connecting-IP': ip } }),
    );

  it('asks the upstream at most once per 30 s, however many callers ask', async () => {
    const { tag } = scenario();
    const vars = { HF_ENDPOINT_URL: `${modelUrl}/scenario/tag=${tag}` };
    const bodies = [];
    for (let call = 0; call < 5; call++) bodies.push(JSON.parse(await readAll(await deep(vars))));
    // Callers at once share the check under way.
    bodies.push(
      ...(await Promise.all([deep(vars), deep(vars)]).then((all) => Promise.all(all.map(readAll)))).map((b) =>
        JSON.parse(b),
      ),
    );
    for (const body of bodies)
      expect(body).toMatchObject({ ok: true, upstreamHealth: { ok: true, checked: '/health' } });
    expect(await upstreamRecords(tag)).toHaveLength(1);
  });

  it('is rate-limited per address', async () => {
    const ip = freshAddress();
    const vars = { HF_ENDPOINT_URL: `${modelUrl}/scenario/tag=${scenario().tag}` };
    await inFreshRateLimitWindow();
    const statuses: number[] = [];
    for (let call = 0; call < 21; call++) {
      const response = await deep(vars, ip);
      await readAll(response);
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses[20]).toBe(429);
  });
});

describe('X-Request-Id', () => {
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('is the worker’s own; a client’s id is only logged beside it', async () => {
    const request = chatRequest(ask(`Hi ${scenario().directive}`), { headers: { 'X-Request-Id': 'client-chosen-42' } });
    const response = await callWorkerWith({}, request);
    await readAll(response);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(logged().find((line) => line.msg === 'answer')).toMatchObject({
      requestId: id,
      clientRequestId: 'client-chosen-42',
    });
  });

  it('a client id that is long or odd is not logged at all', async () => {
    for (const offered of ['x'.repeat(300), 'a"b', 'line\tbreak']) {
      const response = await callWorkerWith(
        {},
        chatRequest(ask(`Hi ${scenario().directive}`), { headers: { 'X-Request-Id': offered } }),
      );
      await readAll(response);
      expect(response.headers.get('x-request-id')).not.toBe(offered);
    }
    const answers = logged().filter((line) => line.msg === 'answer');
    expect(answers).toHaveLength(3);
    for (const answer of answers) expect(answer).not.toHaveProperty('clientRequestId');
  });
});
