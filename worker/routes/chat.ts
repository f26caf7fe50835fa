import { vValidator } from '@hono/valibot-validator';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { startAnswer } from '../answers/start-answer.ts';
import { ApiError } from '../http/api-error.ts';
import { ChatRequestSchema, describeIssue } from '../http/chat-request.ts';
import { originPolicy } from '../http/origin-policy.ts';
import { enforceLimits } from '../http/request-limits.ts';
import { visitorGate } from '../http/visitor-gate.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { fitToContext } from '../model/context-window.ts';
import { resolveSystemMessage } from '../model/system-message.ts';
import { answers } from './answers.ts';

/** `POST /api/chat`: checks the visitor and the conversation, then streams the answer as SSE. */
export const chat = new Hono<WorkerEnv>();

chat.use(originPolicy({ allowedOrigins: (c) => c.get('config').allowedOrigins }));
chat.route('/', answers);

chat.post(
  '/',
  visitorGate(),
  (c, next) =>
    bodyLimit({
      maxSize: c.get('config').limits.maxBodyBytes,
      onError: () => {
        throw new ApiError(
          413,
          'payload_too_large',
          `The request body must be at most ${c.get('config').limits.maxBodyBytes} bytes.`,
        );
      },
    })(c, next),
  async function requireJson(c, next) {
    if (!/^application\/json\b/i.test(c.req.header('Content-Type') ?? '')) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Send the conversation as JSON (Content-Type: application/json).',
      );
    }
    await next();
  },
  vValidator('json', ChatRequestSchema, (result) => {
    if (!result.success) throw new ApiError(400, 'invalid_request', describeIssue(result.issues[0]));
  }),
  async (c) => {
    const received = Date.now();
    const config = c.get('config');
    const body = c.req.valid('json');
    enforceLimits(body, config.limits);

    const system = resolveSystemMessage(config.systemMessagePolicy, config.systemMessage, body.system);
    const fitted = fitToContext(
      system,
      body.messages,
      config.limits.contextTokens,
      Math.min(body.maxNewTokens ?? config.defaultMaxNewTokens, config.limits.maxNewTokens),
    );
    if (!fitted) {
      throw new ApiError(
        422,
        'conversation_too_long',
        'The question and system message leave the model no room to answer. Ask a shorter question.',
      );
    }

    // The answer runs in a Durable Object of its own, which a dropped connection or a reload can come back to.
    return startAnswer(c, {
      request: {
        system,
        turns: fitted.turns,
        // The element's slider stays in range; a hand-made request is brought into it rather than refused.
        temperature: Math.min(2, Math.max(0, body.temperature ?? config.defaultTemperature)),
        maxNewTokens: fitted.maxNewTokens,
      },
      upstream: config.upstream,
      policy: {
        batchMs: config.tokenBatchMs,
        firstTokenTimeoutMs: config.firstTokenTimeoutMs,
        answerTimeoutMs: config.answerTimeoutMs,
        retries: config.upstreamRetries,
        retryBaseMs: config.retryBaseMs,
      },
      heartbeatMs: config.heartbeatMs,
      doneExtras: fitted.droppedTurns > 0 ? { droppedTurns: fitted.droppedTurns } : undefined,
      persist: body.persist ?? 'none',
      keepText: config.logContent,
      log: {
        requestId: c.get('requestId'),
        origin: c.req.header('Origin'),
        droppedTurns: fitted.droppedTurns,
        question: config.logContent ? body.messages.at(-1)?.content : undefined,
        receivedAt: received,
      },
    });
  },
);
