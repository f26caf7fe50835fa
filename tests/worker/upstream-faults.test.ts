import { describe, expect, it } from 'vitest';
import { ask, chat, scenario, upstreamRecords } from './helpers.ts';

/** Asks with the offline model switched into `fault`; returns what the visitor's element receives. */
async function askWithFault(items: Record<string, string | number>) {
  const { tag, directive } = scenario(items);
  const result = await chat(ask(`Hello there ${directive}`));
  return { ...result, calls: await upstreamRecords(tag) };
}

describe('upstream failures reach the element as one clear error event', () => {
  it('keeps the partial answer when the model fails mid-stream', async () => {
    const { response, events, text } = await askWithFault({ fault: 'midstream-error', after: 4 });
    expect(response.status).toBe(200);
    expect(text.length).toBeGreaterThan(0);
    expect(events.filter((event) => event.event === 'done')).toHaveLength(0);
    expect(events.at(-1)).toEqual({
      event: 'error',
      // Numbered like every event, so a reader who resumes later gets it too.
      id: String(events.length - 1),
      data: { code: 'upstream_error', message: expect.stringMatching(/problem while answering/) },
    });
  });

  it.each([
    ['error-before-first', 'upstream_busy', /busy/],
    ['incomplete', 'upstream_incomplete', /cut off/],
    ['abrupt-close', 'upstream_disconnected', /connection to the model was lost/],
    ['malformed', 'upstream_malformed', /could not be read/],
    ['json-200', 'upstream_malformed', /could not be read/],
    ['http-401', 'upstream_auth', /not set up correctly/],
    ['http-402', 'upstream_quota', /allowance/],
    ['http-404', 'model_not_found', /not available/],
    ['http-422-template', 'upstream_rejected', /could not answer/],
    ['http-503', 'model_loading', /starting up/],
  ])('%s becomes %s', async (fault, code, message) => {
    const { events, calls } = await askWithFault({ fault });
    const errors = events.filter((event) => event.event === 'error');
    expect(errors).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code, message: expect.stringMatching(message) } });
    expect(events.some((event) => event.event === 'done')).toBe(false);
    // Busy and loading are retried twice before the first token; nothing spins in the client library's 503 hot loop.
    expect(calls).toHaveLength(fault === 'http-503' || fault === 'error-before-first' ? 3 : 1);
  });

  it('passes on how long a rate-limited upstream asks us to wait', async () => {
    const { last } = await askWithFault({ fault: 'http-429', 'retry-after': 7 });
    expect(last).toMatchObject({ event: 'error', data: { code: 'upstream_rate_limited', retryAfter: 7 } });
  });

  it('passes on how long a loading model expects to take', async () => {
    const { last } = await askWithFault({ fault: 'http-503' });
    expect(last).toMatchObject({ event: 'error', data: { code: 'model_loading', retryAfter: 20 } });
  });

  it('says the model cannot be reached when nothing listens at the endpoint', async () => {
    const { last } = await chat(ask('Anyone?'), { HF_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(last).toMatchObject({ event: 'error', data: { code: 'upstream_unreachable' } });
  });

  it('never puts the upstream text into the error', async () => {
    const { raw } = await askWithFault({ fault: 'midstream-error' });
    expect(raw).not.toMatch(/CUDA|Request failed during generation|Server error/);
  });
});
