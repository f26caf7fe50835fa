import { createParser } from 'eventsource-parser';
import { UpstreamError } from './upstream-error.ts';

// One options object for every read, not one per read.
const STREAMING = { stream: true };

/** The fields this worker reads from OpenAI-style completion and chat chunks. */
export interface StreamChunk {
  choices?: { text?: string | null; delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
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
 * An error the upstream reports inside the stream, or a chunk that is not
 * JSON, ends it with an `UpstreamError`, after the chunks before it.
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
  const parser = createParser({
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
  });

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
      parser.feed(read.done ? decoder.decode() : decoder.decode(read.value, STREAMING));
      if (read.done) break;
    }
    if (batch.length > 0) yield batch;
    if (failure) throw failure;
  } finally {
    clearTimeout(holdTimer);
    // Also settles a read still waiting; the caller aborts the request itself.
    reader.cancel().catch(() => {});
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
