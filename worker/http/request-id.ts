import type { MiddlewareHandler } from 'hono';
import type { WorkerEnv } from './worker-env.ts';

/** What a client's own `X-Request-Id` may be to be logged at all: short, and nothing that could break a log line. */
const CLIENT_ID = /^[\w.:-]{1,128}$/;

/**
 * Gives every API request an id of the worker's own (a UUID), in
 * `X-Request-Id` and in every log line, so log correlation cannot be forged.
 * An id the client sent is kept apart, as `clientRequestId`, when it is short
 * and plain.
 */
export function requestIdentity(): MiddlewareHandler<WorkerEnv> {
  return async function requestIdentityMiddleware(c, next) {
    const id = crypto.randomUUID();
    c.set('requestId', id);
    const offered = c.req.header('X-Request-Id');
    if (offered !== undefined && CLIENT_ID.test(offered)) c.set('clientRequestId', offered);
    c.header('X-Request-Id', id);
    await next();
  };
}
