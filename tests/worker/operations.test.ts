import { describe, expect, it } from 'vitest';
import { captureConsole, ask, callWorker, callWorkerWith, chat, chatRequest, readAll, scenario } from './helpers.ts';

const lines = captureConsole();

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('operating it', () => {
  it('puts a request id on every response and in the answer’s log line, with timings', async () => {
    const { response } = await chat(ask(`A secret question ${scenario().directive}`));
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[\w-]{8,}$/);
    const answer = logged().find((line) => line.msg === 'answer');
    expect(answer).toMatchObject({
      level: 'info',
      requestId,
      status: 'done',
      finishReason: 'stop',
      firstTokenMs: expect.any(Number),
      durationMs: expect.any(Number),
      pieces: expect.any(Number),
      completionTokens: expect.any(Number),
      upstreamStatus: 200,
    });
    const refused = await callWorker(chatRequest({ messages: [] }));
    await readAll(refused);
    expect(refused.headers.get('x-request-id')).toBeTruthy();
  });

  it('keeps message text out of the logs unless LOG_CONTENT=true', async () => {
    await chat(ask(`Private words ${scenario().directive}`));
    expect(lines.join('\n')).not.toContain('Private words');
    expect(lines.join('\n')).not.toMatch(/offline demo model/i);

    lines.length = 0;
    await chat(ask(`Logged words ${scenario().directive}`), { LOG_CONTENT: 'true' });
    const answer = logged().find((line) => line.msg === 'answer');
    expect(answer?.question).toContain('Logged words');
    expect(answer?.text).toMatch(/offline/i);
  });

  it('sends Server-Timing on the stream response', async () => {
    const { response } = await chat(ask(`Hi ${scenario().directive}`));
    expect(response.headers.get('server-timing')).toMatch(/checks;dur=\d+;desc="worker checks"/);
  });

  it('GET /api/health?deep=1 asks the endpoint’s /health', async () => {
    const healthy = await callWorker(new Request('https://falcon.example/api/health?deep=1'));
    expect(healthy.status).toBe(200);
    expect(JSON.parse(await readAll(healthy))).toMatchObject({
      ok: true,
      upstreamHealth: { ok: true, checked: '/health', status: 200 },
    });

    const down = await callWorkerWith(
      { HF_ENDPOINT_URL: 'http://127.0.0.1:9' },
      new Request('https://falcon.example/api/health?deep=1'),
    );
    expect(down.status).toBe(503);
    expect(JSON.parse(await readAll(down))).toMatchObject({ ok: false, upstreamHealth: { ok: false } });
  });
});
