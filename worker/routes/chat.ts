import { vValidator } from '@hono/valibot-validator';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { ApiError } from '../http/api-error.ts';
import { relayAnswer } from '../http/answer-stream.ts';
import { ChatRequestSchema, describeIssue } from '../http/chat-request.ts';
import { originPolicy } from '../http/origin-policy.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { streamAnswer } from '../model/upstream.ts';

/** `POST /api/chat`: validates the conversation, then streams the answer as SSE. */
export const chat = new Hono<WorkerEnv>();

chat.use(originPolicy({ allowedOrigins: (c) => c.get('config').allowedOrigins }));

chat.post(
  '/',
  bodyLimit({
    maxSize: 256 * 1024,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', 'The request body must be at most 256 KB.');
    },
  }),
  async function requireJson(c, next) {
    if (!/^application\/json\b/i.test(c.req.header('Content-Type') ?? '')) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the conversation as JSON (Content-Type: application/json).');
    }
    await next();
  },
  vValidator('json', ChatRequestSchema, (result) => {
    if (!result.success) throw new ApiError(400, 'invalid_request', describeIssue(result.issues[0]));
  }),
  (c) => {
    const config = c.get('config');
    const body = c.req.valid('json');
    const upstream = new AbortController();
    const started = Date.now();
    const answer = streamAnswer(
      {
        system: body.system ?? config.systemMessage,
        turns: body.messages,
        temperature: body.temperature ?? config.defaultTemperature,
        maxNewTokens: Math.min(body.maxNewTokens ?? config.defaultMaxNewTokens, config.maxNewTokensCap),
      },
      config.upstream,
      // Request.signal fires when the visitor goes (flag enable_request_signal); Hono's onAbort may not.
      AbortSignal.any([c.req.raw.signal, upstream.signal]),
    );
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, (stream) =>
      relayAnswer(stream, answer, {
        heartbeatMs: config.heartbeatMs,
        upstream,
        onEnd: (outcome) =>
          console.log(
            JSON.stringify({
              level: 'info',
              msg: 'answer',
              requestId: c.get('requestId'),
              ...outcome,
              durationMs: Date.now() - started,
            }),
          ),
      }),
    );
  },
);
