import type { PromptFormat, UpstreamConfig } from './model/upstream.ts';

/** Everything the worker reads from its environment, parsed once per request (it is cheap). */
export interface WorkerConfig {
  upstream: UpstreamConfig;
  systemMessage: string;
  /** `'*'` allows any origin; otherwise exact origins such as `https://example.com`. */
  allowedOrigins: '*' | readonly string[];
  defaultTemperature: number;
  defaultMaxNewTokens: number;
  /** Requests asking for more are capped to this. */
  maxNewTokensCap: number;
  /** How often a `: ping` comment keeps an idle stream alive. */
  heartbeatMs: number;
}

const DEFAULT_SYSTEM_MESSAGE =
  'A conversation between a user and an LLM-based AI assistant. The assistant gives helpful and honest answers.';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function readConfig(env: Env): WorkerConfig {
  const promptFormat = (env.PROMPT_FORMAT || 'falcon').trim();
  if (promptFormat !== 'falcon' && promptFormat !== 'chat') {
    throw new ConfigError(`PROMPT_FORMAT must be "falcon" or "chat", not "${promptFormat}"`);
  }
  const endpointUrl = (env.HF_ENDPOINT_URL ?? '').trim();
  if (endpointUrl && !/^https?:\/\//.test(endpointUrl)) {
    throw new ConfigError('HF_ENDPOINT_URL must be an http(s) URL');
  }
  return {
    upstream: {
      token: (env.HF_TOKEN ?? '').trim(),
      endpointUrl,
      model: (env.MODEL || 'tiiuae/falcon-7b-instruct').trim(),
      promptFormat: promptFormat satisfies PromptFormat,
    },
    systemMessage: env.SYSTEM_MESSAGE || DEFAULT_SYSTEM_MESSAGE,
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS ?? ''),
    defaultTemperature: 0.7,
    defaultMaxNewTokens: positiveInteger(env.DEFAULT_MAX_NEW_TOKENS, 'DEFAULT_MAX_NEW_TOKENS', 512),
    maxNewTokensCap: positiveInteger(env.MAX_NEW_TOKENS, 'MAX_NEW_TOKENS', 1024),
    heartbeatMs: positiveInteger(env.HEARTBEAT_MS, 'HEARTBEAT_MS', 10_000),
  };
}

function parseOrigins(value: string): '*' | string[] {
  const origins = value
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  return origins.includes('*') ? '*' : origins;
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new ConfigError(`${name} must be a positive whole number`);
  return number;
}
