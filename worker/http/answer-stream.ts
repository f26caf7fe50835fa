import type { AnswerEvent } from '../model/upstream.ts';
import { UpstreamError } from '../model/upstream-error.ts';
import type { DoneData, ErrorData, StreamEvent, WorkerErrorCode } from '../../widget/wire-contract.ts';

/** How one answer went, for the log line. */
export interface AnswerOutcome {
  status: 'done' | 'error' | 'cancelled';
  code?: WorkerErrorCode;
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

function encodeEvent({ id, event, data }: StreamEvent): Uint8Array {
  return encoder.encode(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** What the visitor is told about a failure during the answer: an `UpstreamError`'s own words, else a generic line. */
export function failureData(error: unknown): ErrorData {
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
  options: AnswerStreamOptions,
): ReadableStream<Uint8Array> {
  const relay = new AnswerRelay(answer, options);
  return new ReadableStream<Uint8Array>(
    {
      start: (controller) => relay.start(controller),
      pull: (controller) => relay.pull(controller),
      cancel: () => relay.cancel(),
    },
    // The runtime asks for the next event only when the last one has gone out.
    { highWaterMark: 0 },
  );
}

/** One answer's trip from the model to the visitor's connection: a source for `answerStream`'s body. */
class AnswerRelay {
  private takenStep?: Promise<IteratorResult<AnswerEvent>>;
  private readonly started = Date.now();
  private readonly outcome: AnswerOutcome;
  private heartbeat?: ReturnType<typeof setInterval>;
  private ended = false;

  constructor(
    private readonly answer: AsyncIterator<AnswerEvent>,
    private readonly options: AnswerStreamOptions,
  ) {
    this.takenStep = options.firstStep;
    this.outcome = { status: 'cancelled', pieces: 0, text: options.keepText ? '' : undefined };
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.heartbeat = setInterval(() => controller.enqueue(PING), this.options.heartbeatMs);
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    let step: IteratorResult<AnswerEvent>;
    try {
      const pending = this.takenStep ?? this.answer.next();
      this.takenStep = undefined;
      step = await pending;
    } catch (error) {
      // The visitor left meanwhile: there is nobody to tell, and the body is already cancelled.
      if (this.ended) return;
      if (!this.options.upstream.signal.aborted) this.sendFailure(controller, error);
      this.close(controller);
      return;
    }
    if (this.ended) return;
    if (step.done) this.close(controller);
    else if (step.value.type === 'text') this.sendText(controller, step.value.text);
    else this.sendDone(controller, step.value);
  }

  async cancel(): Promise<void> {
    this.options.upstream.abort(new DOMException('The visitor left', 'AbortError'));
    this.end();
    // Runs the generator's cleanup, which cancels the upstream request.
    await this.answer.return?.();
  }

  private sendText(controller: ReadableStreamDefaultController<Uint8Array>, text: string): void {
    this.outcome.firstTokenMs ??= Date.now() - this.started;
    this.outcome.pieces++;
    if (this.options.keepText) this.outcome.text += text;
    // The hot path, once per token: one string, no intermediate object (the contract's TokenData).
    controller.enqueue(encoder.encode(`event: token\ndata: {"text":${JSON.stringify(text)}}\n\n`));
  }

  private sendDone(
    controller: ReadableStreamDefaultController<Uint8Array>,
    { type: _type, ...done }: Extract<AnswerEvent, { type: 'done' }>,
  ): void {
    controller.enqueue(encodeEvent({ event: 'done', data: { ...done, ...this.options.doneExtras } }));
    Object.assign(this.outcome, {
      status: 'done',
      finishReason: done.finishReason,
      completionTokens: done.completionTokens,
    });
  }

  private sendFailure(controller: ReadableStreamDefaultController<Uint8Array>, error: unknown): void {
    const data = failureData(error);
    controller.enqueue(encodeEvent({ event: 'error', data }));
    Object.assign(this.outcome, { status: 'error', code: data.code });
  }

  private close(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.end();
    controller.close();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.options.onEnd(this.outcome);
  }
}
