import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';
import type { WorkerEnv } from './worker-env.ts';

/**
 * Counts a request against the `[[ratelimits]]` binding under `bucket`, the
 * page origin and the client address, and refuses it with 429 over the limit.
 * For endpoints that cost the operator something per anonymous call (a
 * Turnstile siteverify, an upstream health check) but carry no chat session;
 * each bucket counts apart from the chat's own key.
 */
export function rateLimited(bucket: string): MiddlewareHandler<WorkerEnv> {
  return async function rateLimitMiddleware(c, next) {
    await countRequest(c, bucket);
    await next();
  };
}

export async function countRequest(c: Parameters<MiddlewareHandler<WorkerEnv>>[0], bucket: string): Promise<void> {
  const origin = c.req.header('Origin') ?? 'no-origin';
  const key = `${bucket}|${origin}|${c.req.header('CF-Connecting-IP') ?? 'unknown'}`;
  const { success } = await c.env.CHAT_RATE_LIMITER.limit({ key });
  if (success) return;
  const wait = String(c.get('config').rateLimitPeriodSeconds);
  throw new ApiError(429, 'rate_limited', `Too many requests. Please wait ${wait} seconds and try again.`, {
    'Retry-After': wait,
  });
}
