import type { PromptFormat, UpstreamConfig } from './model/upstream.ts';

/** Who decides the system message: the element (`client`), the operator (`fixed`), or both, operator first (`prefix`). */
export type SystemMessagePolicy = 'client' | 'fixed' | 'prefix';

/** Bounds enforced before any upstream call; a request over one is rejected, never silently cut. */
export interface RequestLimits {
  maxBodyBytes: number;
  maxMessages: number;
  maxMessageChars: number;
  maxSystemChars: number;
  /** Larger requests are capped to this. */
  maxNewTokens: number;
  /** The model's context (prompt plus answer), in tokens; older turns are dropped to fit. */
  contextTokens: number;
}

/** Everything the worker reads from its environment, parsed once per request (it is cheap). */
export interface WorkerConfig {
  upstream: UpstreamConfig;
  systemMessage: string;
  systemMessagePolicy: SystemMessagePolicy;
  /** `'*'` allows any origin; otherwise exact origins such as `https://example.com`. */
  allowedOrigins: '*' | readonly string[];
  defaultTemperature: number;
  defaultMaxNewTokens: number;
  limits: RequestLimits;
  /** How often a `: ping` comment keeps an idle stream alive. */
  heartbeatMs: number;
  /** Tokens arriving within this of the last token event go out together in the next one. */
  tokenBatchMs: number;
  /** The answer fails if no token arrives within this. */
  firstTokenTimeoutMs: number;
  /** An answer is cut off (with an error event) after this long. */
  answerTimeoutMs: number;
  /** With persistence, an answer nobody is reading is cancelled after this long (a reload may resume it). */
  resumeGraceMs: number;
  /** Upstream 429/503 before the first token are retried this many times. */
  upstreamRetries: number;
  /** First retry waits this long, then doubles; an upstream's own Retry-After is honoured up to 4x this. */
  retryBaseMs: number;
  /** Seconds a visitor over the rate limit is told to wait (the `period` of the `[[ratelimits]]` binding). */
  rateLimitPeriodSeconds: number;
  /** Log message text; off by default, so conversations stay out of logs. */
  logContent: boolean;
  /** Turnstile secret; when set, chats need a session from `POST /api/session`. */
  turnstileSecret: string;
  /** Signs session tokens (HMAC-SHA-256). */
  sessionSecret: string;
  /** Turnstile's siteverify endpoint. */
  turnstileVerifyUrl: string;
  /** Lifetime of a session token issued after a Turnstile check. */
  sessionTtlSeconds: number;
  /** Token budgets (prompt plus answer) kept in Durable Objects; 0 means no cap. The day's is split over `dailyShards` objects. */
  budgets: { dailyTokens: number; visitorTokens: number; dailyShards: number };
}

/** wrangler.toml's MODEL: a chat model the Hugging Face router's providers serve (none serves Falcon). */
export const DEFAULT_MODEL = 'Qwen/Qwen2.5-7B-Instruct';

const DEFAULT_SYSTEM_MESSAGE =
  'A conversation between a user and an LLM-based AI assistant. The assistant gives helpful and honest answers.';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function readConfig(env: Env): WorkerConfig {
  const promptFormat = (env.PROMPT_FORMAT || 'chat').trim();
  if (promptFormat !== 'falcon' && promptFormat !== 'chat') {
    throw new ConfigError(`PROMPT_FORMAT must be "falcon" or "chat", not "${promptFormat}"`);
  }
  const policy = (env.SYSTEM_MESSAGE_POLICY || 'client').trim();
  if (policy !== 'client' && policy !== 'fixed' && policy !== 'prefix') {
    throw new ConfigError(`SYSTEM_MESSAGE_POLICY must be "client", "fixed" or "prefix", not "${policy}"`);
  }
  const endpointUrl = (env.HF_ENDPOINT_URL ?? '').trim();
  if (endpointUrl && !/^https?:\/\//.test(endpointUrl)) {
    throw new ConfigError('HF_ENDPOINT_URL must be an http(s) URL');
  }
  if (env.TURNSTILE_SECRET?.trim() && !env.SESSION_SECRET?.trim()) {
    throw new ConfigError('SESSION_SECRET must be set when TURNSTILE_SECRET is (it signs the session tokens)');
  }
  const number = (name: keyof Env, fallback: number, min = 1) =>
    wholeNumber(env[name] as string | undefined, name, fallback, min);
  return {
    upstream: {
      token: (env.HF_TOKEN ?? '').trim(),
      endpointUrl,
      model: (env.MODEL || DEFAULT_MODEL).trim(),
      promptFormat: promptFormat satisfies PromptFormat,
    },
    systemMessage: env.SYSTEM_MESSAGE || DEFAULT_SYSTEM_MESSAGE,
    systemMessagePolicy: policy,
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS ?? ''),
    defaultTemperature: 0.7,
    defaultMaxNewTokens: number('DEFAULT_MAX_NEW_TOKENS', 512),
    limits: {
      maxBodyBytes: number('MAX_BODY_BYTES', 64 * 1024),
      maxMessages: number('MAX_MESSAGES', 50),
      maxMessageChars: number('MAX_MESSAGE_CHARS', 4000),
      maxSystemChars: number('MAX_SYSTEM_CHARS', 2000),
      maxNewTokens: number('MAX_NEW_TOKENS', 1024),
      contextTokens: number('CONTEXT_TOKENS', 2048),
    },
    heartbeatMs: number('HEARTBEAT_MS', 10_000),
    tokenBatchMs: number('TOKEN_BATCH_MS', 10, 0),
    firstTokenTimeoutMs: number('FIRST_TOKEN_TIMEOUT_MS', 30_000),
    answerTimeoutMs: number('ANSWER_TIMEOUT_MS', 120_000),
    resumeGraceMs: number('RESUME_GRACE_MS', 15_000, 0),
    upstreamRetries: number('UPSTREAM_RETRIES', 2, 0),
    retryBaseMs: number('RETRY_BASE_MS', 500, 0),
    rateLimitPeriodSeconds: number('RATE_LIMIT_PERIOD_SECONDS', 60),
    logContent: (env.LOG_CONTENT ?? '').trim().toLowerCase() === 'true',
    turnstileSecret: (env.TURNSTILE_SECRET ?? '').trim(),
    sessionSecret: (env.SESSION_SECRET ?? '').trim(),
    turnstileVerifyUrl: (
      env.TURNSTILE_VERIFY_URL || 'https://challenges.cloudflare.com/turnstile/v0/siteverify'
    ).trim(),
    sessionTtlSeconds: number('SESSION_TTL_SECONDS', 1800),
    budgets: {
      dailyTokens: number('DAILY_TOKEN_BUDGET', 0),
      visitorTokens: number('VISITOR_TOKEN_BUDGET', 0),
      dailyShards: number('DAILY_BUDGET_SHARDS', 1),
    },
  };
}

function parseOrigins(value: string): '*' | string[] {
  const origins = value
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  return origins.includes('*') ? '*' : origins;
}

function wholeNumber(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new ConfigError(`${name} must be a whole number of at least ${min}`);
  return number;
}
