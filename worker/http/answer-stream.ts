import type { AnswerEvent } from '../model/upstream.ts';
import { UpstreamError } from '../model/upstream-error.ts';

/** What the element receives on the wire, one SSE event each. */
export type WireEvent =
  | { event: 'token'; data: { text: string } }
  | { event: 'done'; data: DoneData }
  | { event: 'error'; data: { code: string; message: string; retryAfter?: number } };

export interface DoneData {
  finishReason: string;
  promptTokens?: number;
  completionTokens?: number;
  /** Oldest turns left out so the conversation fit the model's context. */
  droppedTurns?: number;
}

/** How one answer went, for the log line. */
export interface AnswerOutcome {
  status: 'done' | 'error' | 'cancelled';
  code?: string;
  finishReason?: string;
  /** Token events sent. */
  pieces: number;
  completionTokens?: number;
  /** Milliseconds from the start of the stream to the first token event. */
  firstTokenMs?: number;
  /** The answer's text, only kept when the operator logs content. */
  text?: string;
}

export interface AnswerStreamOptions {
  heartbeatMs: number;
  /** Aborting it stops the upstream; fired here when the visitor is gone. */
  upstream: AbortController;
  /** The answer's first step, when the route has already taken it. */
  firstStep?: Promise<IteratorResult<AnswerEvent>>;
  /** Added to the `done` event. */
  doneExtras?: Partial<DoneData>;
  keepText?: boolean;
  onEnd: (outcome: AnswerOutcome) => void;
}

const encoder = new TextEncoder();
const PING = encoder.encode(': ping\n\n');

function encodeEvent({ event, data }: WireEvent): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** What the visitor is told about a failure during the answer: an `UpstreamError`'s own words, else a generic line. */
export function failureData(error: unknown): Extract<WireEvent, { event: 'error' }>['data'] {
  return error instanceof UpstreamError
    ? { code: error.code, message: error.message, retryAfter: error.retryAfterSeconds }
    : { code: 'internal_error', message: 'Something went wrong on our side. Please try again.' };
}

/**
 * The answer as an SSE body. Each event is encoded once and handed to the
 * runtime as it comes (Hono's `streamSSE` pipes every write through a
 * TransformStream of its own, a tenth of the worker's CPU per answer). The next
 * event is only asked for when the visitor's connection has taken the last one,
 * so a slow reader slows the upstream rather than filling the worker's memory.
 * A `: ping` comment goes out every `heartbeatMs` from the start, so proxies keep
 * the stream open while the model thinks. When the visitor leaves, the runtime
 * cancels this body, which stops the upstream (request.signal covers the rest).
 */
export function answerStream(
  answer: AsyncIterator<AnswerEvent>,
  { heartbeatMs, upstream, firstStep, doneExtras, keepText, onEnd }: AnswerStreamOptions,
): ReadableStream<Uint8Array> {
  let takenStep = firstStep;
  const started = Date.now();
  const outcome: AnswerOutcome = { status: 'cancelled', pieces: 0, text: keepText ? '' : undefined };
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    onEnd(outcome);
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        heartbeat = setInterval(() => controller.enqueue(PING), heartbeatMs);
      },
      async pull(controller) {
        let step: IteratorResult<AnswerEvent>;
        try {
          const pending = takenStep ?? answer.next();
          takenStep = undefined;
          step = await pending;
        } catch (error) {
          // The visitor left meanwhile: there is nobody to tell, and the body is already cancelled.
          if (ended) return;
          if (!upstream.signal.aborted) {
            const data = failureData(error);
            controller.enqueue(encodeEvent({ event: 'error', data }));
            Object.assign(outcome, { status: 'error', code: data.code });
          }
          end();
          controller.close();
          return;
        }
        if (ended) return;
        if (step.done) {
          end();
          controller.close();
          return;
        }
        const event = step.value;
        if (event.type === 'text') {
          outcome.firstTokenMs ??= Date.now() - started;
          outcome.pieces++;
          if (keepText) outcome.text += event.text;
          // The hot path, once per token: one string, no intermediate object.
          controller.enqueue(encoder.encode(`event: token\ndata: {"text":${JSON.stringify(event.text)}}\n\n`));
        } else {
          const { type: _type, ...done } = event;
          controller.enqueue(encodeEvent({ event: 'done', data: { ...done, ...doneExtras } }));
          Object.assign(outcome, {
            status: 'done',
            finishReason: done.finishReason,
            completionTokens: done.completionTokens,
          });
        }
      },
      async cancel() {
        upstream.abort(new DOMException('The visitor left', 'AbortError'));
        end();
        // Runs the generator's cleanup, which cancels the upstream request.
        await answer.return?.();
      },
    },
    // The runtime asks for the next event only when the last one has gone out.
    { highWaterMark: 0 },
  );
}
