import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../worker/config.ts';

const env = (vars: Record<string, string>) => vars as unknown as Env;

describe('readConfig', () => {
  it('gives defaults to an empty environment', () => {
    const config = readConfig(env({}));
    // The shipped default is the router with a model it serves, which takes chat messages.
    expect(config.upstream.promptFormat).toBe('chat');
    expect(config.systemMessagePolicy).toBe('client');
    expect(config.limits.contextTokens).toBeGreaterThan(0);
    expect(config.logContent).toBe(false);
  });

  it('reads numbers and trims strings', () => {
    const config = readConfig(env({ MAX_MESSAGES: ' 7 ', HF_TOKEN: ' hf_x ', TOKEN_BATCH_MS: '0' }));
    expect(config.limits.maxMessages).toBe(7);
    expect(config.upstream.token).toBe('hf_x');
    expect(config.tokenBatchMs).toBe(0);
  });

  it.each([
    [{ PROMPT_FORMAT: 'xml' }, /PROMPT_FORMAT/],
    [{ SYSTEM_MESSAGE_POLICY: 'any' }, /SYSTEM_MESSAGE_POLICY/],
    [{ HF_ENDPOINT_URL: 'ftp://model' }, /HF_ENDPOINT_URL/],
    [{ TURNSTILE_SECRET: 's' }, /SESSION_SECRET/],
    [{ MAX_MESSAGES: 'many' }, /MAX_MESSAGES/],
  ])('names the variable that is wrong: %o', (vars, name) => {
    expect(() => readConfig(env(vars))).toThrow(ConfigError);
    expect(() => readConfig(env(vars))).toThrow(name);
  });
});
