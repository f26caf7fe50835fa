import { describe, expect, it } from 'vitest';
import { ask, callWorker, chatRequest, inFreshRateLimitWindow, readAll, scenario, upstreamRecords } from './helpers.ts';

// wrangler.toml: [[ratelimits]] CHAT_RATE_LIMITER, 20 requests per 60 s per key.
describe('per-visitor rate limit (Cloudflare Rate Limiting binding)', () => {
  it('the 21st request in a minute from one visitor gets 429 with Retry-After and never reaches the model', async () => {
    const { tag, directive } = scenario();
    const visitor = { 'CF-Connecting-IP': '203.0.113.7' };
    await inFreshRateLimitWindow();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let attempt = 0; attempt < 21; attempt++) {
      const response = await callWorker(chatRequest(ask(`Hi ${directive}`), { headers: visitor }));
      await readAll(response);
      statuses.push(response.status);
      limited = response;
    }
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect(limited!.headers.get('retry-after')).toBe('60');
    expect(await upstreamRecords(tag)).toHaveLength(20);
    // Up to 15 s waiting for a fresh limiter window, then 21 answers, each through its own Durable Object.
  }, 60_000);

  it('keys by site and address together: the same address on another allowed site is not limited', async () => {
    const visitor = { 'CF-Connecting-IP': '203.0.113.8' };
    await inFreshRateLimitWindow();
    for (let attempt = 0; attempt < 20; attempt++)
      await readAll(await callWorker(chatRequest(ask(`Hi ${scenario().directive}`), { headers: visitor })));
    const sameSite = await callWorker(chatRequest(ask('Hi'), { headers: visitor }));
    const otherSite = await callWorker(
      chatRequest(ask(`Hi ${scenario().directive}`), { headers: visitor, origin: 'https://shop.example' }),
    );
    await readAll(sameSite);
    await readAll(otherSite);
    expect(sameSite.status).toBe(429);
    expect(otherSite.status).toBe(200);
  });
});
