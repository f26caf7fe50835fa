import { describe, expect, it } from 'vitest';
import { ask, callWorker, callWorkerWith, chatRequest, readAll, scenario, upstreamRecords } from './helpers.ts';

describe('ALLOWED_ORIGINS', () => {
  it('lets a listed site ask, with CORS headers for it', async () => {
    const response = await callWorker(
      chatRequest(ask(`Hi ${scenario().directive}`), { origin: 'https://shop.example' }),
    );
    await readAll(response);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('answers a listed site’s preflight', async () => {
    const response = await callWorker(
      new Request('https://falcon.example/api/chat', {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://site.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://site.example');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it('refuses another site with 403, before any upstream call', async () => {
    const { tag, directive } = scenario();
    const response = await callWorker(chatRequest(ask(`Hi ${directive}`), { origin: 'https://evil.example' }));
    const body = JSON.parse(await readAll(response));
    expect(response.status).toBe(403);
    expect(body.error).toEqual({
      code: 'origin_not_allowed',
      message: 'Origin https://evil.example is not allowed to use this chat endpoint. Add it to ALLOWED_ORIGINS.',
    });
    expect(await upstreamRecords(tag)).toEqual([]);
  });

  it('answers another site’s preflight, so the page can read why its POST is refused', async () => {
    const response = await callWorker(
      new Request('https://falcon.example/api/chat', {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://evil.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      }),
    );
    await readAll(response);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('refuses another site’s POST with CORS headers, so the page reads the reason', async () => {
    const { tag, directive } = scenario();
    const response = await callWorker(chatRequest(ask(`Hi ${directive}`), { origin: 'https://evil.example' }));
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(JSON.parse(await readAll(response)).error.code).toBe('origin_not_allowed');
    expect(await upstreamRecords(tag)).toEqual([]);
  });

  it('still refuses an OPTIONS request that names no origin', async () => {
    const response = await callWorker(new Request('https://falcon.example/api/chat', { method: 'OPTIONS' }));
    await readAll(response);
    expect(response.status).toBe(403);
  });

  it('refuses a request with no Origin unless any origin is allowed', async () => {
    const { tag, directive } = scenario();
    const refused = await callWorker(chatRequest(ask(`Hi ${directive}`), { origin: null }));
    expect(refused.status).toBe(403);
    expect(JSON.parse(await readAll(refused)).error.code).toBe('origin_not_allowed');
    expect(await upstreamRecords(tag)).toEqual([]);

    const open = await callWorkerWith({ ALLOWED_ORIGINS: '*' }, chatRequest(ask(`Hi ${directive}`), { origin: null }));
    await readAll(open);
    expect(open.status).toBe(200);
  });

  it('always lets the worker’s own pages ask (the demo page)', async () => {
    const response = await callWorkerWith(
      { ALLOWED_ORIGINS: '' },
      chatRequest(ask(`Hi ${scenario().directive}`), { origin: 'https://falcon.example' }),
    );
    await readAll(response);
    expect(response.status).toBe(200);
  });

  it('with "*" allows any site', async () => {
    const response = await callWorkerWith(
      { ALLOWED_ORIGINS: '*' },
      chatRequest(ask(`Hi ${scenario().directive}`), { origin: 'https://anyone.example' }),
    );
    await readAll(response);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
