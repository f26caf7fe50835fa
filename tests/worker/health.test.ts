import { describe, expect, it } from 'vitest';
import { callWorker, callWorkerWith, readAll } from './helpers.ts';

describe('GET /api/health', () => {
  it('reports the configuration’s non-secret facts', async () => {
    const response = await callWorker(new Request('https://falcon.example/api/health'));
    expect(response.status).toBe(200);
    expect(JSON.parse(await readAll(response))).toEqual({
      ok: true,
      model: 'tiiuae/falcon-7b-instruct',
      promptFormat: 'falcon',
      upstream: 'endpoint',
      tokenConfigured: true,
      allowedOrigins: 2,
      botCheck: false,
    });
  });

  it('says when no token is set and the router is used', async () => {
    const response = await callWorkerWith(
      { HF_TOKEN: '', HF_ENDPOINT_URL: '' },
      new Request('https://falcon.example/api/health'),
    );
    expect(JSON.parse(await readAll(response))).toMatchObject({
      upstream: 'huggingface-router',
      tokenConfigured: false,
    });
  });

  it('names a misconfiguration instead of failing obscurely', async () => {
    const response = await callWorkerWith({ PROMPT_FORMAT: 'llama' }, new Request('https://falcon.example/api/health'));
    expect(response.status).toBe(500);
    expect(JSON.parse(await readAll(response)).error).toEqual({
      code: 'misconfigured',
      message: 'The worker is misconfigured: PROMPT_FORMAT must be "falcon" or "chat", not "llama".',
    });
  });
});
