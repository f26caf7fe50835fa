import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';
import { verifySession } from './session-token.ts';
import type { WorkerEnv } from './worker-env.ts';

/** The header that carries a session token from `POST /api/session`. */
export const SESSION_HEADER = 'X-Falcon-Session';

/**
 * Lets a visitor's request through only when it passes the bot check (if one
 * is configured) and the rate limit, before the body is even read. The rate
 * limit key is the Turnstile session when there is one, else the page origin
 * and the client address together, so one site's heavy use does not lock out
 * a shared address on another site.
 */
export function visitorGate(): MiddlewareHandler<WorkerEnv> {
  return async function visitorGateMiddleware(c, next) {
    const config = c.get('config');
    const origin = c.req.header('Origin') ?? 'no-origin';
    let key = `${origin}|${c.req.header('CF-Connecting-IP') ?? 'unknown'}`;

    if (config.turnstileSecret) {
      const token = c.req.header(SESSION_HEADER);
      if (!token)
        throw new ApiError(
          401,
          'session_required',
          `This chat needs a bot check first: get a session from POST /api/session and send it in ${SESSION_HEADER}.`,
        );
      const session = await verifySession(config.sessionSecret, token, origin);
      if (!session)
        throw new ApiError(
          401,
          'session_invalid',
          'The chat session has expired or is not valid here. Pass the bot check again.',
        );
      key = `session|${session.sub}`;
    }

    c.set('visitor', key);
    const { success } = await c.env.CHAT_RATE_LIMITER.limit({ key });
    if (!success) {
      const wait = String(config.rateLimitPeriodSeconds);
      throw new ApiError(429, 'rate_limited', `Too many questions. Please wait ${wait} seconds and try again.`, {
        'Retry-After': wait,
      });
    }
    await next();
  };
}
