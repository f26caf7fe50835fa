import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';
import { ANSWER_HEADER } from '../../widget/wire-contract.ts';

export interface OriginPolicyOptions {
  /**
   * The origins allowed to call, or `'*'` for any (development only).
   * The worker's own origin (its demo page) is always allowed.
   * @example ['https://shop.example.com', 'https://example.com']
   */
  allowedOrigins: (c: Parameters<MiddlewareHandler>[0]) => '*' | readonly string[];
}

/**
 * Refuses a request from a page that is not allowed to spend this worker's
 * model budget, with 403 before anything else runs. A browser always sends
 * `Origin` on a cross-origin request and on a same-origin POST, so a request
 * without one is not from a browser page and gets the same answer unless any
 * origin is allowed (Flowise's embed was faulted for letting it pass).
 *
 * Sets `Access-Control-*` headers for allowed origins and answers preflights, a refused site's too.
 */
export function originPolicy({ allowedOrigins }: OriginPolicyOptions): MiddlewareHandler {
  return async function originPolicyMiddleware(c, next) {
    const origin = c.req.header('Origin');
    const allowed = allowedOrigins(c);
    const ownOrigin = new URL(c.req.url).origin;
    const permitted = allowed === '*' || origin === ownOrigin || (origin !== undefined && allowed.includes(origin));
    // A refused site's preflight is answered too, so its POST is sent and the page can read the 403 that says
    // why (a failed preflight is only a network error). The POST is still refused before anything else runs.
    if (!permitted && origin !== undefined && c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Vary', 'Origin', { append: true });
      return answerPreflight(c);
    }
    if (!permitted) {
      throw new ApiError(
        403,
        'origin_not_allowed',
        origin === undefined
          ? 'This endpoint answers browser pages only: the request has no Origin header.'
          : `Origin ${origin} is not allowed to use this chat endpoint. Add it to ALLOWED_ORIGINS.`,
        // Lets the embedding page read why, so the site owner sees the fix rather than a network error.
        origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' },
      );
    }
    if (origin !== undefined) {
      c.header('Access-Control-Allow-Origin', allowed === '*' ? '*' : origin);
      c.header('Access-Control-Expose-Headers', `Retry-After, X-Request-Id, ${ANSWER_HEADER}`);
      if (allowed !== '*') c.header('Vary', 'Origin', { append: true });
    }
    if (c.req.method === 'OPTIONS') return answerPreflight(c);
    await next();
  };
}

function answerPreflight(c: Context): Response {
  c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
  c.header('Access-Control-Allow-Headers', 'Content-Type, X-Falcon-Session');
  c.header('Access-Control-Max-Age', '86400');
  return c.body(null, 204);
}
