import { vValidator } from '@hono/valibot-validator';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { WorkerConfig } from '../config.ts';
import { type AnswerPlan, planAnswer } from '../http/answer-plan.ts';
import { type AnswerOutcome, answerStream } from '../http/answer-stream.ts';
import { reserveBudget } from '../budget/reserve-budget.ts';
import { ApiError } from '../http/api-error.ts';
import { ChatRequestSchema, describeIssue } from '../http/chat-request.ts';
import { refuseUnworkableUpstream } from '../http/config-verdict.ts';
import { logEvent } from '../http/log.ts';
import { originPolicy } from '../http/origin-policy.ts';
import { visitorGate } from '../http/visitor-gate.ts';
import { UpstreamWatch } from '../http/upstream-watch.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { type AnswerPolicy, streamAnswer } from '../model/upstream.ts';

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
  async function answerChat(c) {
    const watch = new UpstreamWatch(Date.now());
    const config = c.get('config');
    const body = c.req.valid('json');
    refuseUnworkableUpstream(config.upstream, c.get('requestId'));
    const plan = planAnswer(body, config);
    // Reserves before the upstream call (or refuses with 429); the answer's maximum may come back cut.
    const budget = await reserveBudget(c, plan.request);
    const upstream = new AbortController();
    const unmetered = streamAnswer(
      { ...plan.request, maxNewTokens: budget.maxNewTokens },
      config.upstream,
      // Request.signal fires when the visitor goes (flag enable_request_signal); Hono's onAbort may not.
      AbortSignal.any([c.req.raw.signal, upstream.signal]),
      answerPolicy(config, watch),
    );
    const answer = budget.meter(unmetered);
    // Starting the upstream call before answering lets Server-Timing report how long the
    // upstream took to respond; the wait is short, so the first heartbeat is never late.
    const firstStep = answer.next();
    await watch.upstreamStarted(firstStep, Math.min(1000, config.heartbeatMs));
    setStreamHeaders(c, watch.serverTiming());
    return c.body(
      answerStream(answer, {
        firstStep,
        heartbeatMs: config.heartbeatMs,
        upstream,
        doneExtras: plan.droppedTurns > 0 ? { droppedTurns: plan.droppedTurns } : undefined,
        keepText: config.logContent,
        onEnd: (outcome) => logAnswer(c, outcome, { watch, plan, question: body.messages.at(-1)?.content }),
      }),
    );
  },
);

/** The answer's time limits and retries from the configuration, reporting to `watch`. */
function answerPolicy(config: WorkerConfig, watch: UpstreamWatch): AnswerPolicy {
  return {
    batchMs: config.tokenBatchMs,
    firstTokenTimeoutMs: config.firstTokenTimeoutMs,
    answerTimeoutMs: config.answerTimeoutMs,
    retries: config.upstreamRetries,
    retryBaseMs: config.retryBaseMs,
    ...watch.hooks,
  };
}

function setStreamHeaders(c: Context<WorkerEnv>, serverTiming: string): void {
  c.header('Server-Timing', serverTiming);
  c.header('Content-Type', 'text/event-stream');
  c.header('Cache-Control', 'no-cache');
  c.header('X-Accel-Buffering', 'no');
}

/** The answer's one log line, when its stream ends. */
function logAnswer(
  c: Context<WorkerEnv>,
  outcome: AnswerOutcome,
  { watch, plan, question }: { watch: UpstreamWatch; plan: AnswerPlan; question?: string },
): void {
  const config = c.get('config');
  logEvent(outcome.status === 'error' ? 'warn' : 'info', 'answer', {
    requestId: c.get('requestId'),
    clientRequestId: c.get('clientRequestId'),
    origin: c.req.header('Origin'),
    ...outcome,
    durationMs: Date.now() - watch.received,
    upstreamStatus: watch.status,
    upstreamResponseMs: watch.respondedMs,
    retries: watch.retries,
    droppedTurns: plan.droppedTurns,
    question: config.logContent ? question : undefined,
  });
}
