import { describe, expect, it } from 'vitest';
import { TEST_HF_TOKEN } from '../support/test-token.ts';
import { captureConsole, ask, chat, scenario, upstreamEnded } from './helpers.ts';

// Issue 11, weaknesses 7 and 9: what a broken or hostile upstream sends is bounded in size and time,
// and nothing it says reaches the visitor's `done` event or the log unchecked.

const lines = captureConsole();

describe('an upstream that never ends a line or an error body', () => {
  it('an event line past 64 KiB fails as unreadable at once, and the upstream is cancelled', async () => {
    // 4 KiB a write, as fast as the model can: the first-token limit (30 s) is not what stops it.
    const { tag, directive } = scenario({ fault: 'endless-line', after: 0, chunk: 4096, delay: 1 });
    const { last, events } = await chat(ask(`Hello ${directive}`));
    expect(events.filter((event) => event.event === 'token')).toEqual([]);
    expect(last).toMatchObject({ event: 'error', data: { code: 'upstream_malformed' } });
    await upstreamEnded(tag, 'client-closed', 5000);
  });

  it('keeps the answer so far when the endless line comes after some tokens', async () => {
    const { tag, directive } = scenario({ fault: 'endless-line', after: 4, chunk: 8192, delay: 1 });
    const { last, text } = await chat(ask(`Hello ${directive}`));
    expect(text.length).toBeGreaterThan(0);
    expect(last).toMatchObject({ event: 'error', data: { code: 'upstream_malformed' } });
    await upstreamEnded(tag, 'client-closed', 5000);
  });

  it('the first-token limit holds while an endless line trickles in', async () => {
    const { tag, url } = scenario({ fault: 'endless-line', after: 0, chunk: 64, delay: 5 });
    const { last } = await chat(ask('Slow?'), { HF_ENDPOINT_URL: url, FIRST_TOKEN_TIMEOUT_MS: '300' });
    expect(last).toMatchObject({ event: 'error', data: { code: 'upstream_timeout' } });
    await upstreamEnded(tag, 'client-closed', 2000);
  });

  it('the answer limit holds while an endless line trickles in after the first tokens', async () => {
    const { tag, url } = scenario({ fault: 'endless-line', after: 3, chunk: 64, delay: 5 });
    const { last, text } = await chat(ask('Slow?'), { HF_ENDPOINT_URL: url, ANSWER_TIMEOUT_MS: '500' });
    expect(text.length).toBeGreaterThan(0);
    expect(last).toMatchObject({ event: 'error', data: { code: 'answer_timeout' } });
    await upstreamEnded(tag, 'client-closed', 2000);
  });

  it('an error body that never ends is not read whole: the error arrives, the upstream is cancelled', async () => {
    const { tag, directive } = scenario({ fault: 'huge-error', chunk: 16384, delay: 1 });
    const { last } = await chat(ask(`Hello ${directive}`));
    expect(last).toMatchObject({ event: 'error', data: { code: 'upstream_unavailable' } });
    await upstreamEnded(tag, 'client-closed', 5000);
  });

  it('an error body of a few hundred KiB that does end still gives the plain error', async () => {
    const { directive } = scenario({ fault: 'huge-error', chunk: 16384, delay: 0, 'line-bytes': 400_000 });
    const { last } = await chat(ask(`Hello ${directive}`));
    expect(last).toMatchObject({ event: 'error', data: { code: 'upstream_unavailable' } });
  });
});

describe("the upstream's done fields", () => {
  it('an upstream that echoes the Authorization header into finish_reason and usage leaks nothing', async () => {
    const { directive } = scenario({ fault: 'echo-auth' });
    const { raw, last, text } = await chat(ask(`Hello ${directive}`));
    expect(text).toMatch(/offline/i);
    // A known reason, and no counts that are not non-negative whole numbers.
    expect(last).toEqual({ id: expect.any(String), event: 'done', data: { finishReason: 'stop' } });
    expect(raw).not.toContain(TEST_HF_TOKEN);
    expect(raw).not.toContain('Bearer');
    const answerLine = lines.find((line) => line.includes('"msg":"answer"'));
    expect(answerLine).toBeDefined();
    expect(lines.join('\n')).not.toContain(TEST_HF_TOKEN);
    expect(JSON.parse(answerLine!)).toMatchObject({ status: 'done', finishReason: 'stop' });
    expect(JSON.parse(answerLine!).completionTokens).toBeUndefined();
  });

  it('ordinary counts and reasons still come through', async () => {
    const { last } = await chat(ask(`Hello ${scenario({ tokens: 12 }).directive}`, { maxNewTokens: 5 }));
    expect(last).toEqual({
      id: expect.any(String),
      event: 'done',
      data: { finishReason: 'length', promptTokens: expect.any(Number), completionTokens: 5 },
    });
  });
});
