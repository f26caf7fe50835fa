import { vValidator } from '@hono/valibot-validator';
import { Hono } from 'hono';
import * as v from 'valibot';
import { ApiError } from '../http/api-error.ts';
import { describeIssue } from '../http/chat-request.ts';
import { logEvent } from '../http/log.ts';
import { originPolicy } from '../http/origin-policy.ts';
import { rateLimited } from '../http/rate-limit.ts';
import { limitBody } from '../http/request-limits.ts';
import { issueSession } from '../http/session-token.ts';
import { verifyTurnstile } from '../http/turnstile.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import type { SessionRequestBody, SessionResponseBody } from '../../widget/wire-contract.ts';

/**
 * `POST /api/session`: trades a Turnstile token for a short-lived session
 * token, so the bot check runs once per visit rather than once per question.
 * Each call costs a siteverify request, so it is rate-limited like a question,
 * and the body is bounded before it is parsed (and not read at all when there
 * is no bot check).
 */
export const session = new Hono<WorkerEnv>();

session.use(originPolicy({ allowedOrigins: (c) => c.get('config').allowedOrigins }));

session.post(
  '/',
  async function requireBotCheck(c, next) {
    if (!c.get('config').turnstileSecret)
      throw new ApiError(404, 'turnstile_disabled', 'This chat has no bot check; no session is needed.');
    await next();
  },
  rateLimited('session'),
  limitBody(),
  vValidator(
    'json',
    v.object({
      turnstileToken: v.pipe(
        v.string('must be a string'),
        v.nonEmpty('must not be empty'),
        v.maxLength(4096, 'is too long'),
      ),
    }) satisfies v.GenericSchema<unknown, SessionRequestBody>,
    (result) => {
      if (!result.success) throw new ApiError(400, 'invalid_request', describeIssue(result.issues[0]));
    },
  ),
  async (c) => {
    const config = c.get('config');
    const verdict = await verifyTurnstile(
      config.turnstileVerifyUrl,
      config.turnstileSecret,
      c.req.valid('json').turnstileToken,
      c.req.header('CF-Connecting-IP'),
    );
    if (!verdict.ok) {
      logEvent('warn', 'turnstile', {
        requestId: c.get('requestId'),
        reason: verdict.reason,
        errorCodes: verdict.errorCodes,
      });
      if (verdict.reason === 'unavailable')
        throw new ApiError(
          503,
          'turnstile_unavailable',
          'The bot check could not be completed right now. Please try again.',
        );
      throw new ApiError(403, 'turnstile_failed', 'The bot check failed. Please try again.');
    }
    const origin = c.req.header('Origin') ?? 'no-origin';
    const sessionToken = await issueSession(config.sessionSecret, origin, config.sessionTtlSeconds);
    return c.json<SessionResponseBody>({ sessionToken, expiresIn: config.sessionTtlSeconds });
  },
);
