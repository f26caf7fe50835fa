import type { SSEStreamingApi } from 'hono/streaming';
import type { AnswerEvent } from '../model/upstream.ts';
import { UpstreamError } from '../model/upstream-error.ts';

/** What the element receives on the wire, one SSE event each. */
export type WireEvent =
  | { event: 'token'; data: { text: string } }
  | { event: 'done'; data: { finishReason: string; promptTokens?: number; completionTokens?: number } }
  | { event: 'error'; data: { code: string; message: string; retryAfter?: number } };

export interface AnswerStreamOptions {
  heartbeatMs: number;
  /** Aborting it stops the upstream; fired here when the visitor is gone. */
  upstream: AbortController;
  onEnd: (outcome: { status: 'done' | 'error' | 'cancelled'; code?: string; pieces: number }) => void;
}

/**
 * Relays answer events as SSE. A `: ping` comment goes out every
 * `heartbeatMs` from the start, so proxies keep the stream open while the
 * model thinks. Hono's `onAbort` does not fire in workerd when the visitor
 * leaves, and its `write` swallows errors, so a write that fails or never
 * completes also counts as the visitor leaving.
 */
export async function relayAnswer(
  stream: SSEStreamingApi,
  answer: AsyncGenerator<AnswerEvent>,
  { heartbeatMs, upstream, onEnd }: AnswerStreamOptions,
): Promise<void> {
  const visitorGone = () => upstream.abort(new DOMException('The visitor left', 'AbortError'));
  stream.onAbort(visitorGone);
  const heartbeat = setInterval(() => void stream.write(': ping\n\n'), heartbeatMs);
  let pieces = 0;
  const send = async (wire: WireEvent) => {
    await stream.writeSSE({ event: wire.event, data: JSON.stringify(wire.data) });
    if (stream.aborted) visitorGone();
  };

  try {
    for await (const event of answer) {
      if (event.type === 'text') {
        pieces++;
        await send({ event: 'token', data: { text: event.text } });
      } else {
        const { type: _type, ...done } = event;
        await send({ event: 'done', data: done });
        onEnd({ status: 'done', pieces });
      }
    }
  } catch (error) {
    if (upstream.signal.aborted) {
      onEnd({ status: 'cancelled', pieces });
      return;
    }
    const failure = error instanceof UpstreamError ? error : undefined;
    const data = failure
      ? { code: failure.code, message: failure.message, retryAfter: failure.retryAfterSeconds }
      : { code: 'internal_error', message: 'Something went wrong on our side. Please try again.' };
    if (!failure) console.error(JSON.stringify({ level: 'error', msg: 'answer failed', error: (error as Error)?.name }));
    await send({ event: 'error', data });
    onEnd({ status: 'error', code: data.code, pieces });
  } finally {
    clearInterval(heartbeat);
  }
}
