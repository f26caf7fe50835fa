import { expect } from '@open-wc/testing';
import { ChatError, tellSiteOwner } from '../../widget/chat-error.ts';
import { errorFromResponse, errorFromStreamEvent } from '../../widget/server-errors.ts';

const refusal = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

describe('which failures offer Retry', () => {
  it('not those the same request meets again: the origin, the setup, the question', async () => {
    for (const [status, code] of [
      [403, 'origin_not_allowed'],
      [500, 'misconfigured'],
      [400, 'invalid_request'],
      [422, 'message_too_long'],
      [413, 'payload_too_large'],
    ] as const) {
      const error = await errorFromResponse(refusal(status, code, 'why'));
      expect(error.retryable, code).to.equal(false);
    }
    expect(errorFromStreamEvent({ code: 'upstream_auth', message: 'x' }).retryable).to.equal(false);
    expect(errorFromStreamEvent({ code: 'model_not_found', message: 'x' }).retryable).to.equal(false);
  });

  it('those that may pass: the network, a busy or slow model, a lost connection', async () => {
    expect(new ChatError('network').retryable).to.equal(true);
    expect((await errorFromResponse(refusal(429, 'rate_limited', 'wait'))).retryable).to.equal(true);
    for (const code of ['model_loading', 'upstream_timeout', 'upstream_disconnected', 'upstream_error']) {
      expect(errorFromStreamEvent({ code, message: 'x' }).retryable, code).to.equal(true);
    }
  });

  it('a misconfigured worker has its own sentence for visitors', async () => {
    const error = await errorFromResponse(refusal(500, 'misconfigured', 'The worker is misconfigured: …'));
    expect(error.code).to.equal('misconfigured');
    expect(error.message).to.equal('The chat service is not set up correctly yet, so it cannot answer.');
  });

  it('tells the site owner once per message, in the worker’s words', async () => {
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const message =
        'Origin https://unit.example is not allowed to use this chat endpoint. Add it to ALLOWED_ORIGINS.';
      for (let i = 0; i < 3; i++) tellSiteOwner(await errorFromResponse(refusal(403, 'origin_not_allowed', message)));
      tellSiteOwner(new ChatError('network'));
      expect(warnings).to.deep.equal([[`<falcon-chat>: ${message}`]]);
    } finally {
      console.warn = warn;
    }
  });
});
