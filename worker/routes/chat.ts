import { vValidator } from '@hono/valibot-validator';
import { Hono } from 'hono';
import { startAnswer } from '../answers/start-answer.ts';
import { reserveBudget } from '../budget/reserve-budget.ts';
import { planModelRequest } from '../http/model-request.ts';
import { ApiError } from '../http/api-error.ts';
import { ChatRequestSchema, describeIssue } from '../http/chat-request.ts';
import { refuseUnworkableUpstream } from '../http/config-verdict.ts';
import { originPolicy } from '../http/origin-policy.ts';
import { limitBody } from '../http/request-limits.ts';
import { visitorGate } from '../http/visitor-gate.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { answers } from './answers.ts';

/** `POST /api/chat`: checks the visitor and the conversation, then streams the answer as SSE. */
export const chat = new Hono<WorkerEnv>();

chat.use(originPolicy({ allowedOrigins: (c) => c.get('config').allowedOrigins }));
chat.route('/', answers);

chat.post(
  '/',
  visitorGate(),
  limitBody(),
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
  async function answerChat(c) {
    const received = Date.now();
    const config = c.get('config');
    const body = c.req.valid('json');
    refuseUnworkableUpstream(config.upstream, c.get('requestId'));
    const plan = planModelRequest(body, config);
    // Reserves before the upstream call (or refuses with 429); the answer's maximum may come back cut.
    const budget = await reserveBudget(c, plan.request);
    // The answer runs in a Durable Object of its own, which a dropped connection or a reload can come back to.
    return startAnswer(c, {
      request: { ...plan.request, maxNewTokens: budget.maxNewTokens },
      upstream: config.upstream,
      policy: {
        batchMs: config.tokenBatchMs,
        firstTokenTimeoutMs: config.firstTokenTimeoutMs,
        answerTimeoutMs: config.answerTimeoutMs,
        retries: config.upstreamRetries,
        retryBaseMs: config.retryBaseMs,
      },
      heartbeatMs: config.heartbeatMs,
      doneExtras: plan.droppedTurns > 0 ? { droppedTurns: plan.droppedTurns } : undefined,
      persist: body.persist ?? 'none',
      keepText: config.logContent,
      budget: budget.settlement,
      log: {
        requestId: c.get('requestId'),
        clientRequestId: c.get('clientRequestId'),
        origin: c.req.header('Origin'),
        droppedTurns: plan.droppedTurns,
        question: config.logContent ? body.messages.at(-1)?.content : undefined,
        receivedAt: received,
      },
    });
  },
);
