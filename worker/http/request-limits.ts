import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { RequestLimits } from '../config.ts';
import { ApiError } from './api-error.ts';
import type { ChatRequest } from './chat-request.ts';
import type { WorkerEnv } from './worker-env.ts';

/**
 * Refuses a body over MAX_BODY_BYTES with 413 before it is parsed: by its
 * Content-Length when it has one, else while it streams in.
 */
export function limitBody(): MiddlewareHandler<WorkerEnv> {
  return function limitBodyMiddleware(c, next) {
    const { maxBodyBytes } = c.get('config').limits;
    return bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new ApiError(
          413,
          'payload_too_large',
          `The request body must be at most ${maxBodyBytes} bytes.`,
          {},
          {
            limit: maxBodyBytes,
          },
        );
      },
    })(c, next);
  };
}

/**
 * The operator's bounds on one request, checked before any upstream call. A
 * request over a bound is rejected with a message that says which and by how
 * much, and the bound itself as `limit`; nothing is silently cut (AISVS 2.1.4).
 */
export function enforceLimits(body: ChatRequest, limits: RequestLimits): void {
  if (body.messages.length > limits.maxMessages) {
    throw new ApiError(
      422,
      'too_many_messages',
      `messages holds ${body.messages.length} messages; at most ${limits.maxMessages} are allowed.`,
      {},
      { limit: limits.maxMessages },
    );
  }
  body.messages.forEach((message, index) => {
    if (message.content.length > limits.maxMessageChars) {
      throw new ApiError(
        422,
        'message_too_long',
        `messages[${index}].content is ${message.content.length} characters; at most ${limits.maxMessageChars} are allowed.`,
        {},
        { limit: limits.maxMessageChars },
      );
    }
  });
  if (body.system !== undefined && body.system.length > limits.maxSystemChars) {
    throw new ApiError(
      422,
      'system_message_too_long',
      `system is ${body.system.length} characters; at most ${limits.maxSystemChars} are allowed.`,
      {},
      { limit: limits.maxSystemChars },
    );
  }
}
