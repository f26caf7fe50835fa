/** TGI's validation messages and order (docs/upstream-protocol.md §1.2) and the 1024-token chunking (§1.10). */
import { describe, expect, it } from 'vitest';
import { checkStreamable, validate, type GenerateParameters } from '../../demo/offline-model/validation.ts';

const INPUTS = 'User: hi\nAssistant:';
const problem = (parameters: GenerateParameters, inputs = INPUTS) => {
  const result = validate({ inputs, parameters });
  return result.ok ? null : result.error.message;
};

describe('validation', () => {
  it.each<[GenerateParameters, string]>([
    [{ temperature: 0 }, '`temperature` must be strictly positive'],
    [{ top_p: 1.0 }, '`top_p` must be > 0.0 and < 1.0'],
    [{ top_p: 0 }, '`top_p` must be > 0.0 and < 1.0'],
    [{ typical_p: 1 }, '`typical_p` must be > 0.0 and < 1.0'],
    [{ top_k: 0 }, '`top_k` must be strictly positive'],
    [{ repetition_penalty: 0 }, '`repetition_penalty` must be strictly positive'],
    [{ frequency_penalty: 2.5 }, '`frequency_penalty` must be >= -2.0 and <= 2.0'],
    [{ max_new_tokens: 0 }, '`max_new_tokens` must be strictly positive'],
    [{ stop: ['a', 'b', 'c', 'd', 'e'] }, '`stop` supports up to 4 stop sequences. Given: 5'],
    [{ top_n_tokens: 6 }, '`top_n_tokens` must be >= 0 and <= 5. Given: 6'],
    [{ truncate: 0 }, '`truncate` must be strictly positive and less than 2047. Given: 0'],
    [{ best_of: 2 }, 'you must use sampling when `best_of` is > 1'],
    [{ best_of: 2, do_sample: true, seed: 1 }, '`seed` must not be set when `best_of` > 1'],
  ])('%j → %s', (parameters, message) => {
    expect(problem(parameters)).toBe(`Input validation error: ${message}`);
  });

  it('checks in TGI order: temperature before top_p before max_new_tokens', () => {
    expect(problem({ temperature: 0, top_p: 1, max_new_tokens: 0 })).toMatch(/temperature/);
    expect(problem({ top_p: 1, max_new_tokens: 0 })).toMatch(/top_p/);
  });

  it('refuses empty inputs', () => {
    expect(problem({}, '')).toBe('Input validation error: `inputs` cannot be empty');
  });

  it('counts the budget in 1024-token chunks and quotes the chunk', () => {
    expect(problem({ max_new_tokens: 5000 }, ' hello'.repeat(1100))).toBe(
      'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048. Given: 1100 `inputs` tokens and 1024 `max_new_tokens`',
    );
    expect(problem({}, ' hello'.repeat(2048))).toBe(
      'Input validation error: `inputs` must have less than 2047 tokens. Given: 2048',
    );
  });

  it('stops early with length when the next chunk no longer fits', () => {
    const result = validate({ inputs: ' hello'.repeat(100), parameters: { max_new_tokens: 2000 } });
    // 100 + 1024 fits; 1124 + 976 does not.
    expect(result.ok && result.request.maxNewTokens).toBe(1024);
    const whole = validate({ inputs: ' hello'.repeat(100), parameters: {} });
    expect(whole.ok && whole.request.maxNewTokens).toBe(1948);
  });

  it('reports a seed only for sampling requests, and draws a u64 when none is given', () => {
    const greedy = validate({ inputs: INPUTS, parameters: { max_new_tokens: 3 } });
    expect(greedy.ok && greedy.request.sampling).toBe(false);
    const sampled = validate({ inputs: INPUTS, parameters: { temperature: 0.7 } });
    expect(sampled.ok && sampled.request.sampling).toBe(true);
    expect(sampled.ok && typeof sampled.request.seed).toBe('bigint');
  });

  it('refuses best_of and decoder_input_details on streaming routes', () => {
    expect(checkStreamable({ best_of: 2 })?.message).toBe(
      'Input validation error: `best_of` != 1 is not supported when streaming tokens',
    );
    expect(checkStreamable({ decoder_input_details: true })?.message).toBe(
      'Input validation error: `decoder_input_details` == true is not supported when streaming tokens',
    );
    expect(checkStreamable({})).toBeNull();
  });
});
