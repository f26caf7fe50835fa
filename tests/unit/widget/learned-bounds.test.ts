import { describe, expect, it } from 'vitest';
import { ChatError } from '../../../widget/chat-error.ts';
import { DEFAULT_BOUNDS, fitRequest } from '../../../widget/request-window.ts';
import { errorFromResponse, learnBounds } from '../../../widget/server-errors.ts';
import type { ErrorBody } from '../../../widget/wire-contract.ts';

// A worker whose operator lowered its bounds below wrangler.toml's defaults refuses what the element sent;
// the element reads the bound from the refusal's `limit` (issue 10, section 5) and sends the newest turns that fit it.
const refusal = (error: Partial<Omit<ErrorBody['error'], 'limit'>> & { limit?: unknown }, status = 422) =>
  errorFromResponse(new Response(JSON.stringify({ error: { message: 'refused', ...error } }), { status }));

describe('learnBounds', () => {
  it('reads MAX_MESSAGES, MAX_BODY_BYTES and MAX_MESSAGE_CHARS from the limit the worker’s refusal names', async () => {
    expect(learnBounds(DEFAULT_BOUNDS, await refusal({ code: 'too_many_messages', limit: 10 }))).toEqual({
      ...DEFAULT_BOUNDS,
      maxMessages: 10,
    });
    expect(learnBounds(DEFAULT_BOUNDS, await refusal({ code: 'payload_too_large', limit: 8192 }, 413))).toEqual({
      ...DEFAULT_BOUNDS,
      maxBodyBytes: 8192,
    });
    expect(learnBounds(DEFAULT_BOUNDS, await refusal({ code: 'message_too_long', limit: 1000 }))).toEqual({
      ...DEFAULT_BOUNDS,
      maxMessageChars: 1000,
    });
  });

  it('learns nothing from other failures, a bound that is no tighter, or a limit that is not a whole number', async () => {
    expect(learnBounds(DEFAULT_BOUNDS, await refusal({ code: 'rate_limited', limit: 20 }, 429))).toBeUndefined();
    expect(learnBounds(DEFAULT_BOUNDS, new ChatError('network'))).toBeUndefined();
    expect(learnBounds(DEFAULT_BOUNDS, await refusal({ code: 'too_many_messages', limit: 50 }))).toBeUndefined();
    // The wording is for people: a number in it is not read.
    expect(
      learnBounds(DEFAULT_BOUNDS, await refusal({ code: 'too_many_messages', message: 'at most 10 are allowed.' })),
    ).toBeUndefined();
    for (const limit of ['10', 2.5, -3, 2 ** 60, null])
      expect(learnBounds(DEFAULT_BOUNDS, await refusal({ code: 'too_many_messages', limit }))).toBeUndefined();
  });

  it('gives a window the worker takes: the newest turns within the learned bound', async () => {
    const messages = Array.from({ length: 41 }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: `turn ${i}`,
    }));
    const learned = learnBounds(DEFAULT_BOUNDS, await refusal({ code: 'too_many_messages', limit: 10 }))!;
    const sent = fitRequest({ messages }, learned).messages;
    expect(sent.length).toBeLessThanOrEqual(10);
    expect(sent[0].role).toBe('user');
    expect(sent.at(-1)).toEqual(messages.at(-1));
  });
});
