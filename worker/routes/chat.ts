import { vValidator } from '@hono/valibot-validator';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { reserveBudget } from '../budget/reserve-budget.ts';
import { answerStream } from '../http/answer-stream.ts';
import { ApiError } from '../http/api-error.ts';
import { ChatRequestSchema, describeIssue } from '../http/chat-request.ts';
import { logEvent } from '../http/log.ts';
import { originPolicy } from '../http/origin-policy.ts';
import { enforceLimits } from '../http/request-limits.ts';
import { visitorGate } from '../http/visitor-gate.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { fitToContext } from '../model/context-window.ts';
import { resolveSystemMessage } from '../model/system-message.ts';
import { streamAnswer } from '../model/upstream.ts';

/** `POST /api/chat`: checks the visitor and the conversation, then streams the answer as SSE. */
export const chat = new Hono<WorkerEnv>();

chat.use(originPolicy({ allowedOrigins: (c) => c.get('config').allowedOrigins }));

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

    // Reserves before the upstream call (or refuses with 429); the answer's maximum may come back cut.
    const budget = await reserveBudget(c, { system, turns: fitted.turns, maxNewTokens: fitted.maxNewTokens });
    let upstreamStatus: number | undefined;
    let upstreamRespondedMs: number | undefined;
    let retries = 0;
    let upstreamResponded!: () => void;
    const upstreamHeaders = new Promise<void>((resolve) => (upstreamResponded = resolve));
    const upstream = new AbortController();
    const unmetered = streamAnswer(
      {
        system,
        turns: fitted.turns,
        // The element's slider stays in range; a hand-made request is brought into it rather than refused.
        temperature: Math.min(2, Math.max(0, body.temperature ?? config.defaultTemperature)),
        maxNewTokens: budget.maxNewTokens,
      },
      config.upstream,
      // Request.signal fires when the visitor goes (flag enable_request_signal); Hono's onAbort may not.
      AbortSignal.any([c.req.raw.signal, upstream.signal]),
      {
        batchMs: config.tokenBatchMs,
        firstTokenTimeoutMs: config.firstTokenTimeoutMs,
        answerTimeoutMs: config.answerTimeoutMs,
        retries: config.upstreamRetries,
        retryBaseMs: config.retryBaseMs,
        onUpstreamResponse: (status) => {
          upstreamStatus = status;
          upstreamRespondedMs ??= Date.now() - received;
          upstreamResponded();
        },
        onRetry: () => retries++,
      },
    );
    const answer = budget.meter(unmetered);

    // Starting the upstream call before answering lets Server-Timing report how long the
    // upstream took to respond; the wait is short, so the first heartbeat is never late.
    const firstStep = answer.next();
    // Failures travel in the stream as an error event; here they only end the wait.
    const firstStepSettled = firstStep.then(
      () => {},
      () => {},
    );
    await Promise.race([
      upstreamHeaders,
      firstStepSettled,
      new Promise((resolve) => setTimeout(resolve, Math.min(1000, config.heartbeatMs))),
    ]);
    const timings = [
      `checks;dur=${upstreamRespondedMs === undefined ? Date.now() - received : 0};desc="worker checks"`,
    ];
    if (upstreamRespondedMs !== undefined) timings.push(`upstream;dur=${upstreamRespondedMs};desc="upstream response"`);
    c.header('Server-Timing', timings.join(', '));
    c.header('Content-Type', 'text/event-stream');
    c.header('Cache-Control', 'no-cache');
    c.header('X-Accel-Buffering', 'no');

    return c.body(
      answerStream(answer, {
        firstStep,
        heartbeatMs: config.heartbeatMs,
        upstream,
        doneExtras: fitted.droppedTurns > 0 ? { droppedTurns: fitted.droppedTurns } : undefined,
        keepText: config.logContent,
        onEnd: (outcome) =>
          logEvent(outcome.status === 'error' ? 'warn' : 'info', 'answer', {
            requestId: c.get('requestId'),
            origin: c.req.header('Origin'),
            ...outcome,
            durationMs: Date.now() - received,
            upstreamStatus,
            upstreamResponseMs: upstreamRespondedMs,
            retries,
            droppedTurns: fitted.droppedTurns,
            question: config.logContent ? body.messages.at(-1)?.content : undefined,
          }),
      }),
    );
  },
);
