import { describe, expect, it } from 'vitest';
import { ChatError } from '../../../widget/chat-error.ts';
import { DEFAULT_BOUNDS, fitRequest } from '../../../widget/request-window.ts';
import { learnBounds } from '../../../widget/server-errors.ts';

// A worker whose operator lowered its bounds below wrangler.toml's defaults refuses what the element sent;
// the element reads the bound from the refusal (issue 10, section 5) and sends the newest turns that fit it.
const refusal = (serverCode: string, serverMessage: string) =>
  new ChatError('too-large', { serverCode, serverMessage });

describe('learnBounds', () => {
  it('reads MAX_MESSAGES, MAX_BODY_BYTES and MAX_MESSAGE_CHARS from the worker’s refusals', () => {
    expect(
      learnBounds(DEFAULT_BOUNDS, refusal('too_many_messages', 'messages holds 49 messages; at most 10 are allowed.')),
    ).toEqual({ ...DEFAULT_BOUNDS, maxMessages: 10 });
    expect(
      learnBounds(DEFAULT_BOUNDS, refusal('payload_too_large', 'The request body must be at most 8192 bytes.')),
    ).toEqual({ ...DEFAULT_BOUNDS, maxBodyBytes: 8192 });
    expect(
      learnBounds(
        DEFAULT_BOUNDS,
        refusal('message_too_long', 'messages[3].content is 3990 characters; at most 1000 are allowed.'),
      ),
    ).toEqual({ ...DEFAULT_BOUNDS, maxMessageChars: 1000 });
  });

  it('learns nothing from other failures, or a bound that is no tighter', () => {
    expect(learnBounds(DEFAULT_BOUNDS, refusal('rate_limited', 'at most 20 a minute'))).toBeUndefined();
    expect(learnBounds(DEFAULT_BOUNDS, new ChatError('network'))).toBeUndefined();
    expect(
      learnBounds(DEFAULT_BOUNDS, refusal('too_many_messages', 'messages holds 60 messages; at most 50 are allowed.')),
    ).toBeUndefined();
    expect(learnBounds(DEFAULT_BOUNDS, refusal('too_many_messages', 'no number here'))).toBeUndefined();
  });

  it('gives a window the worker takes: the newest turns within the learned bound', () => {
    const messages = Array.from({ length: 41 }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: `turn ${i}`,
    }));
    const learned = learnBounds(DEFAULT_BOUNDS, refusal('too_many_messages', 'at most 10 are allowed.'))!;
    const sent = fitRequest({ messages }, learned).messages;
    expect(sent.length).toBeLessThanOrEqual(10);
    expect(sent[0].role).toBe('user');
    expect(sent.at(-1)).toEqual(messages.at(-1));
  });
});
