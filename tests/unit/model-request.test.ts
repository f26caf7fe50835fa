import { describe, expect, it } from 'vitest';
import { readConfig } from '../../worker/config.ts';
import { planModelRequest } from '../../worker/http/model-request.ts';
import { ApiError } from '../../worker/http/api-error.ts';

const config = readConfig({ CONTEXT_TOKENS: '400', MAX_MESSAGES: '4' } as unknown as Env);

describe('planModelRequest', () => {
  it('brings the temperature into range and keeps the question', () => {
    const plan = planModelRequest({ messages: [{ role: 'user', content: 'Hi' }], temperature: 9 }, config);
    expect(plan.request.temperature).toBe(2);
    expect(plan.request.turns.at(-1)?.content).toBe('Hi');
    expect(plan.droppedTurns).toBe(0);
  });

  it('refuses, naming the bound, what the operator does not allow', () => {
    const messages = Array.from({ length: 5 }, (_, index) => ({
      role: index % 2 ? ('assistant' as const) : ('user' as const),
      content: 'q',
    }));
    expect(() => planModelRequest({ messages }, config)).toThrow(ApiError);
  });

  it('says conversation_too_long when the question leaves no room to answer', () => {
    try {
      planModelRequest(
        { messages: [{ role: 'user', content: 'x'.repeat(1200) }] },
        { ...config, limits: { ...config.limits, maxMessageChars: 5000 } },
      );
      expect.unreachable();
    } catch (error) {
      expect((error as ApiError).code).toBe('conversation_too_long');
    }
  });
});
