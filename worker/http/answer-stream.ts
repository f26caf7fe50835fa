import type { SSEStreamingApi } from 'hono/streaming';
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
  /** Added to the `done` event. */
  doneExtras?: Partial<DoneData>;
  keepText?: boolean;
  onEnd: (outcome: AnswerOutcome) => void;
}

/**
 * Relays answer events as SSE. A `: ping` comment goes out every
 * `heartbeatMs` from the start, so proxies keep the stream open while the
 * model thinks. Hono's `onAbort` does not fire in workerd when the visitor
 * leaves, and its `write` swallows errors, so a write that fails also counts
 * as the visitor leaving (request.signal covers writes that never complete).
 */
export async function relayAnswer(
  stream: SSEStreamingApi,
  answer: AsyncIterable<AnswerEvent>,
  { heartbeatMs, upstream, doneExtras, keepText, onEnd }: AnswerStreamOptions,
): Promise<void> {
  const visitorGone = () => upstream.abort(new DOMException('The visitor left', 'AbortError'));
  stream.onAbort(visitorGone);
  const heartbeat = setInterval(() => void stream.write(': ping\n\n'), heartbeatMs);
  const started = Date.now();
  const outcome: AnswerOutcome = { status: 'cancelled', pieces: 0, text: keepText ? '' : undefined };
  const send = async (wire: WireEvent) => {
    await stream.writeSSE({ event: wire.event, data: JSON.stringify(wire.data) });
    if (stream.aborted) visitorGone();
  };

  try {
    for await (const event of answer) {
      if (event.type === 'text') {
        outcome.firstTokenMs ??= Date.now() - started;
        outcome.pieces++;
        if (keepText) outcome.text += event.text;
        await send({ event: 'token', data: { text: event.text } });
      } else {
        const { type: _type, ...done } = event;
        await send({ event: 'done', data: { ...done, ...doneExtras } });
        Object.assign(outcome, { status: 'done', finishReason: done.finishReason, completionTokens: done.completionTokens });
      }
    }
  } catch (error) {
    if (upstream.signal.aborted) return;
    const failure = error instanceof UpstreamError ? error : undefined;
    const data = failure
      ? { code: failure.code, message: failure.message, retryAfter: failure.retryAfterSeconds }
      : { code: 'internal_error', message: 'Something went wrong on our side. Please try again.' };
    await send({ event: 'error', data });
    Object.assign(outcome, { status: 'error', code: data.code });
  } finally {
    clearInterval(heartbeat);
    onEnd(outcome);
  }
}
