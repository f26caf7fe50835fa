import { describe, expect, it } from 'vitest';
import { ask, chat, scenario, upstreamEnded, upstreamRecords } from './helpers.ts';

describe('time limits end the answer with an error event and cancel the upstream', () => {
  it('no first token within FIRST_TOKEN_TIMEOUT_MS', async () => {
    const { tag, url } = scenario({ fault: 'stall', after: 0 });
    const { last, events } = await chat(ask('Slow?'), { HF_ENDPOINT_URL: url, FIRST_TOKEN_TIMEOUT_MS: '300' });
    expect(events.filter((event) => event.event === 'token')).toEqual([]);
    expect(last).toMatchObject({
      event: 'error',
      data: { code: 'upstream_timeout', message: expect.stringMatching(/too long to start/) },
    });
    expect((await upstreamEnded(tag, 'client-closed', 2000)).tokensSent).toBe(0);
  });

  it('an answer longer than ANSWER_TIMEOUT_MS keeps what was sent and is cut off', async () => {
    const { tag, url } = scenario({ fault: 'stall', after: 5 });
    const { last, text } = await chat(ask('Long?'), { HF_ENDPOINT_URL: url, ANSWER_TIMEOUT_MS: '400' });
    expect(text.length).toBeGreaterThan(0);
    expect(last).toMatchObject({
      event: 'error',
      data: { code: 'answer_timeout', message: 'The answer took too long and was stopped.' },
    });
    expect((await upstreamEnded(tag, 'client-closed', 2000)).tokensSent).toBe(5);
  });
});

describe('retries before the first token, never after', () => {
  it.each([['http-429'], ['http-503'], ['error-before-first']])('%s once, then the answer arrives', async (fault) => {
    const { tag, directive } = scenario({ fault, 'fault-times': 1, 'retry-after': 0 });
    const { last, text } = await chat(ask(`Hi ${directive}`));
    expect(last).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    expect(text).toMatch(/offline/i);
    expect(await upstreamRecords(tag)).toHaveLength(2);
  });

  it('gives up after two retries (three calls) with the visitor-readable error', async () => {
    const { tag, directive } = scenario({ fault: 'http-503' });
    const { last } = await chat(ask(`Hi ${directive}`));
    expect(last).toMatchObject({ event: 'error', data: { code: 'model_loading' } });
    expect(await upstreamRecords(tag)).toHaveLength(3);
  });

  it('never retries once text was sent (no duplicated answer)', async () => {
    const { tag, directive } = scenario({ fault: 'midstream-error', after: 3, 'fault-times': 1 });
    const { last, text } = await chat(ask(`Hi ${directive}`));
    expect(last).toMatchObject({ event: 'error', data: { code: 'upstream_error' } });
    expect(text.length).toBeGreaterThan(0);
    expect(await upstreamRecords(tag)).toHaveLength(1);
  });

  it('does not retry what a retry cannot fix', async () => {
    const { tag, directive } = scenario({ fault: 'http-401' });
    await chat(ask(`Hi ${directive}`));
    expect(await upstreamRecords(tag)).toHaveLength(1);
  });
});
