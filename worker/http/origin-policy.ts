import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';

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
 * Sets `Access-Control-*` headers for allowed origins and answers preflights.
 */
export function originPolicy({ allowedOrigins }: OriginPolicyOptions): MiddlewareHandler {
  return async function originPolicyMiddleware(c, next) {
    const origin = c.req.header('Origin');
    const allowed = allowedOrigins(c);
    const ownOrigin = new URL(c.req.url).origin;
    const permitted = allowed === '*' || origin === ownOrigin || (origin !== undefined && allowed.includes(origin));
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
      c.header('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
      if (allowed !== '*') c.header('Vary', 'Origin', { append: true });
    }
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
      c.header('Access-Control-Allow-Headers', 'Content-Type, X-Falcon-Session');
      c.header('Access-Control-Max-Age', '86400');
      return c.body(null, 204);
    }
    await next();
  };
}
