import { describe, expect, it } from 'vitest';
import { issueSession } from '../../../worker/http/session-token.ts';
import {
  ask,
  callWorkerWith,
  chatRequest,
  inFreshRateLimitWindow,
  readAll,
  scenario,
  SITE,
  upstreamRecords,
} from '../helpers.ts';

// Cloudflare's documented Turnstile test secrets.
const ALWAYS_PASSES = '1x0000000000000000000000000000000AA';
const ALWAYS_FAILS = '2x0000000000000000000000000000000AA';
const ALREADY_SPENT = '3x0000000000000000000000000000000AA';
const SESSION_SECRET = 'test-session-secret-0123456789abcdef';
const withBotCheck = (secret = ALWAYS_PASSES): Partial<Env> => ({ TURNSTILE_SECRET: secret, SESSION_SECRET });

async function startSession(vars: Partial<Env>, turnstileToken = 'XXXX.DUMMY.TOKEN.XXXX', origin = SITE) {
  const response = await callWorkerWith(
    vars,
    new Request('https://falcon.example/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin },
      body: JSON.stringify({ turnstileToken }),
    }),
  );
  return { status: response.status, body: JSON.parse(await readAll(response)) };
}

describe('the optional Turnstile bot check (TURNSTILE_SECRET)', () => {
  it('refuses a chat without a session, before any upstream call', async () => {
    const { tag, directive } = scenario();
    const response = await callWorkerWith(withBotCheck(), chatRequest(ask(`Hi ${directive}`)));
    expect(response.status).toBe(401);
    expect(JSON.parse(await readAll(response)).error.code).toBe('session_required');
    expect(await upstreamRecords(tag)).toEqual([]);
  });

  it('a passed check gives a session token that lets the visitor chat', async () => {
    const session = await startSession(withBotCheck());
    expect(session).toEqual({
      status: 200,
      body: { sessionToken: expect.stringMatching(/^[\w-]+\.[\w-]+$/), expiresIn: 1800 },
    });
    const response = await callWorkerWith(
      withBotCheck(),
      chatRequest(ask(`Hi ${scenario().directive}`), { headers: { 'X-Falcon-Session': session.body.sessionToken } }),
    );
    expect(response.status).toBe(200);
    expect(await readAll(response)).toContain('event: done');
  });

  it.each([
    ['a failed check', ALWAYS_FAILS, 'XXXX.DUMMY.TOKEN.XXXX', 403, 'turnstile_failed'],
    ['a spent token', ALREADY_SPENT, 'XXXX.DUMMY.TOKEN.XXXX', 403, 'turnstile_failed'],
    ['Turnstile unreachable (fails closed)', ALWAYS_PASSES, 'simulate-outage', 503, 'turnstile_unavailable'],
  ])('%s gives no session', async (_name, secret, token, status, code) => {
    const session = await startSession(withBotCheck(secret), token);
    expect(session.status).toBe(status);
    expect(session.body.error.code).toBe(code);
    expect(session.body).not.toHaveProperty('sessionToken');
  });

  it('refuses a session that is forged, expired or from another site', async () => {
    const { tag, directive } = scenario();
    const genuine = (await startSession(withBotCheck())).body.sessionToken as string;
    const forged = `${genuine.split('.')[0]}.${'A'.repeat(43)}`;
    const expired = await issueSession(SESSION_SECRET, SITE, 60, Date.now() - 3_600_000);
    const otherSiteSession = await startSession(withBotCheck(), undefined, 'https://shop.example');
    expect(otherSiteSession.status).toBe(200);
    const otherSite = otherSiteSession.body.sessionToken as string;
    for (const token of [forged, expired, otherSite, 'garbage']) {
      const response = await callWorkerWith(
        withBotCheck(),
        chatRequest(ask(`Hi ${directive}`), { headers: { 'X-Falcon-Session': token } }),
      );
      expect(response.status).toBe(401);
      expect(JSON.parse(await readAll(response)).error.code).toBe('session_invalid');
    }
    expect(await upstreamRecords(tag)).toEqual([]);
  });

  it('rate-limits per session, not per address', async () => {
    const first = (await startSession(withBotCheck())).body.sessionToken as string;
    const second = (await startSession(withBotCheck())).body.sessionToken as string;
    const sameAddress = { 'CF-Connecting-IP': '203.0.113.50' };
    const statuses = async (token: string, count: number) => {
      const seen: number[] = [];
      for (let attempt = 0; attempt < count; attempt++) {
        const response = await callWorkerWith(
          withBotCheck(),
          chatRequest(ask(`Hi ${scenario().directive}`), { headers: { ...sameAddress, 'X-Falcon-Session': token } }),
        );
        await readAll(response);
        seen.push(response.status);
      }
      return seen;
    };
    await inFreshRateLimitWindow();
    expect((await statuses(first, 21)).at(-1)).toBe(429);
    expect(await statuses(second, 1)).toEqual([200]);
    // Up to 15 s waiting for a fresh limiter window, then 22 answers, each through its own Durable Object.
  }, 60_000);

  it('will not run with a Turnstile secret but no SESSION_SECRET', async () => {
    const response = await callWorkerWith(
      { TURNSTILE_SECRET: ALWAYS_PASSES, SESSION_SECRET: '' },
      new Request('https://falcon.example/api/health'),
    );
    expect(response.status).toBe(500);
    expect(JSON.parse(await readAll(response)).error.code).toBe('misconfigured');
  });

  it('without TURNSTILE_SECRET there is no session to get', async () => {
    expect((await startSession({})).body.error.code).toBe('turnstile_disabled');
  });
});
