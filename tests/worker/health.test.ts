import { describe, expect, it, vi } from 'vitest';
import { ask, callWorker, callWorkerWith, chatRequest, readAll } from './helpers.ts';

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

  it('says ok:false with the reason for a configuration that cannot answer, and logs it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const vars = { HF_ENDPOINT_URL: '', PROMPT_FORMAT: 'falcon' };
      const response = await callWorkerWith(vars, new Request('https://falcon.example/api/health?deep=1'));
      expect(response.status).toBe(503);
      const body = JSON.parse(await readAll(response));
      expect(body).toMatchObject({ ok: false, promptFormat: 'falcon', upstream: 'huggingface-router' });
      expect(body.problems).toEqual([
        'PROMPT_FORMAT=falcon needs HF_ENDPOINT_URL: the Hugging Face router has no /v1/completions route. ' +
          'Set HF_ENDPOINT_URL to your Inference Endpoint or server, or set PROMPT_FORMAT=chat with a MODEL the router serves',
      ]);
      const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)));
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 'error', msg: 'misconfigured', problems: body.problems }),
      );

      const chat = await callWorkerWith(vars, chatRequest(ask('Hi')));
      expect(chat.status).toBe(500);
      expect(JSON.parse(await readAll(chat)).error).toEqual({
        code: 'misconfigured',
        message: `The worker is misconfigured: ${body.problems[0]}.`,
      });
    } finally {
      logged.mockRestore();
    }
  });
});
