import { createParser } from 'eventsource-parser';
import { UpstreamError } from './upstream-error.ts';

// One options object for every read, not one per read.
const STREAMING = { stream: true };

/**
 * The longest event (and so the longest line) an upstream may send, in
 * characters. A chunk event is a few hundred; past this the stream is broken
 * or hostile, and it fails instead of growing in the worker's memory.
 */
export const MAX_EVENT_CHARS = 64 * 1024;

/**
 * An OpenAI-style completion or chat chunk as the upstream sent it: this worker
 * reads `choices[0].text`, `choices[0].delta.content`, `choices[0].finish_reason`
 * and `usage`, and trusts none of their types (upstream.ts checks each).
 */
export interface StreamChunk {
  choices?: unknown;
  usage?: unknown;
}

/**
 * Reads an upstream's event stream (`data: {chunk}` … `data: [DONE]`) and
 * yields its chunks in batches: the first as soon as it arrives, then at most
 * one batch every `batchMs`, holding whatever arrives meanwhile. A model that
 * streams slower than that gets each token relayed on its own the moment it
 * arrives; a fast one costs the worker and the visitor one event per
 * `batchMs` instead of one per token (every event is a wake-up, a write and a
 * parse on each side, which is what limited throughput). Nothing is held
 * longer than `batchMs`, under the frame the element renders at.
 *
 * An error the upstream reports inside the stream, a chunk that is not JSON,
 * or an event longer than `MAX_EVENT_CHARS` ends it with an `UpstreamError`,
 * after the chunks before it.
 */
export async function* readChunkBatches(
  body: ReadableStream<Uint8Array>,
  batchMs: number,
): AsyncGenerator<StreamChunk[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let batch: StreamChunk[] = [];
  let failure: UpstreamError | undefined;
  let finished = false;
  const parser = new LineFramer(
    createParser({
      onEvent({ data }) {
        if (finished || data === '') return;
        if (data === '[DONE]') {
          finished = true;
          return;
        }
        let chunk: unknown;
        try {
          chunk = JSON.parse(data);
        } catch {
          chunk = undefined;
        }
        if (!isRecord(chunk)) failure = new UpstreamError('upstream_malformed', 200);
        else if ('error' in chunk) failure = inStreamError(chunk);
        else batch.push(chunk as StreamChunk);
        if (failure) finished = true;
      },
    }),
  );

  let pendingRead: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  let sentAt = -Infinity;
  // Settles when the batch being held must go out; one timer per batch, not one per read.
  let holdEnds: Promise<undefined> | undefined;
  let holdTimer: number | null = null;
  let holdOver = false;
  try {
    while (!finished) {
      // Once the timer has fired the batch goes, whatever the clock says: workerd's clock only moves between events.
      if (batch.length > 0 && (holdOver || Date.now() >= sentAt + batchMs)) {
        yield batch;
        batch = [];
        sentAt = Date.now();
        holdEnds = undefined;
        holdOver = false;
        continue;
      }
      pendingRead ??= reader.read();
      if (batch.length > 0) {
        holdEnds ??= new Promise((resolve) => {
          clearTimeout(holdTimer);
          holdTimer = setTimeout(resolve, sentAt + batchMs - Date.now());
        });
        // A read result is never undefined: this is the timer.
        if ((await Promise.race([pendingRead, holdEnds])) === undefined) {
          holdOver = true;
          continue;
        }
      }
      const read = await pendingRead;
      pendingRead = undefined;
      if (read.done) {
        if (parser.end(decoder.decode())) break;
      } else if (parser.push(decoder.decode(read.value, STREAMING))) continue;
      // An event past the bound: the stream is broken, and the chunks before it still go out.
      failure ??= new UpstreamError('upstream_malformed', 200);
      break;
    }
    if (batch.length > 0) yield batch;
    if (failure) throw failure;
  } finally {
    clearTimeout(holdTimer);
    // Also settles a read still waiting; the caller aborts the request itself.
    reader.cancel().catch(() => {});
  }
}

const LINE_END = /\r\n?|\n/g;

/**
 * Hands the event-stream parser whole lines only, and refuses an event longer
 * than `MAX_EVENT_CHARS`. The parser keeps an unfinished line and rescans it,
 * joined to the next read, on every read: an endless line sent in small reads
 * costs it quadratic time. Here each read is scanned once, the unfinished line
 * waits in `held` (bounded), and only finished lines go on.
 */
class LineFramer {
  /** Text after the last line end, not yet given to the parser. */
  private held = '';
  /** Characters of the line not yet ended. */
  private lineChars = 0;
  /** Characters of the event since the last blank line. */
  private eventChars = 0;
  /** The last read ended in a CR, so an LF at the start of this one completes a CRLF. */
  private afterCr = false;

  constructor(private readonly parser: { feed(text: string): void }) {}

  /**
   * Feeds one decoded read; false once the event has grown past the bound
   * (the whole lines before it still go to the parser; nothing more should be pushed).
   */
  push(text: string): boolean {
    let lineStart = this.afterCr && text.startsWith('\n') ? 1 : 0;
    this.afterCr = false;
    let whole = 0;
    let fits = true;
    LINE_END.lastIndex = lineStart;
    for (let end = LINE_END.exec(text); end !== null && fits; end = LINE_END.exec(text)) {
      const length = this.lineChars + end.index - lineStart;
      this.lineChars = 0;
      // A blank line ends the event.
      this.eventChars = length === 0 ? 0 : this.eventChars + length + 1;
      fits = this.eventChars <= MAX_EVENT_CHARS;
      lineStart = end.index + end[0].length;
      // A CR at the very end may be half a CRLF: the parser gets that line with the next read.
      if (!fits || (lineStart === text.length && end[0] === '\r')) this.afterCr = fits;
      else whole = lineStart;
    }
    if (fits) {
      this.lineChars += text.length - lineStart;
      fits = this.eventChars + this.lineChars <= MAX_EVENT_CHARS;
    }
    if (whole > 0) {
      const lines = this.held + text.slice(0, whole);
      this.held = text.slice(whole);
      this.parser.feed(lines);
    } else {
      this.held += text;
    }
    return fits;
  }

  /** The stream has ended: the parser gets the rest (an unfinished event is not dispatched). */
  end(text: string): boolean {
    if (!this.push(text)) return false;
    this.parser.feed(this.held);
    this.held = '';
    return true;
  }
}

/** What an error event inside a 200 stream means: TGI sends `{error, error_type}`, its OpenAI routes `{error: {message}}`. */
export function inStreamError(body: unknown): UpstreamError {
  const errorType = isRecord(body) ? body.error_type : undefined;
  const error = isRecord(body) ? body.error : undefined;
  const message = typeof error === 'string' ? error : isRecord(error) ? String(error.message) : '';
  if (errorType === 'overloaded' || /overloaded/i.test(message)) return new UpstreamError('upstream_busy', 200);
  if (errorType === 'validation' || /validation error/i.test(message))
    return new UpstreamError('upstream_rejected', 200);
  if (errorType === 'incomplete_generation_stream' || /incomplete generation/i.test(message))
    return new UpstreamError('upstream_incomplete', 200);
  return new UpstreamError('upstream_error', 200);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
