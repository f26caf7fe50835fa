import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ChatError } from './chat-error.ts';
import type { DoneData, StreamEventName, TokenData } from './wire-contract.ts';

/**
 * One piece of the worker's answer, in order: the resume handle, tokens, then
 * exactly one `done` (or `stopped`, when Stop or nobody reading ended it).
 * `id` is the event's SSE id, the point a resume continues from.
 */
export type ChatStreamEvent = (
  | { type: 'handle'; handle: string }
  | { type: 'token'; text: TokenData['text'] }
  | { type: 'done'; finishReason: DoneData['finishReason'] }
  | { type: 'stopped' }
) & { id?: number };

/**
 * Turns the worker's response into answer events. Throws `ChatError` for an
 * HTTP error, an `event: error`, or a stream that ends without `done` (the
 * connection was lost, so the answer is unfinished even if nothing failed
 * loudly). An aborted request throws the signal's `AbortError` unchanged.
 */
export async function* readChatResponse(response: Response): AsyncGenerator<ChatStreamEvent> {
  const contentType = response.headers.get('Content-Type') ?? '';
  const error = !response.ok
    ? await serverErrors().then(
        ({ errorFromResponse }) => errorFromResponse(response),
        () => new ChatError('server', { serverMessage: `HTTP ${response.status}` }),
      )
    : !response.body || !/^text\/event-stream\b/i.test(contentType)
      ? // Typically a page served where the chat API was expected.
        new ChatError('no-api', { serverMessage: `Expected text/event-stream, got "${contentType}"` })
      : undefined;
  if (error?.code === 'no-api') warnNoApi(response.url);
  if (error) throw error;
  yield* readChatEvents(response.body!);
}

const warnedUrls = new Set<string>();

/** Tells the site owner, once per address, the likeliest fix: the element was not told where its worker is. */
function warnNoApi(url: string): void {
  if (warnedUrls.has(url)) return;
  warnedUrls.add(url);
  console.warn(`<falcon-chat>: no chat API at ${url}. Set its endpoint attribute to your worker's /api/chat URL.`);
}

/**
 * Bytes parsed in one go. A burst (an answer sent as fast as the network
 * goes) can arrive as one chunk of hundreds of kilobytes; it is parsed a
 * piece at a time, letting the page run between pieces, so no task grows
 * with the burst. Small pieces also keep eventsource-parser's line
 * splitting cheap: it searches the rest of its input for a CR on every
 * line (3.0.6), which costs the square of the input's length when the
 * lines end in LF alone, as the worker's do.
 */
const PIECE_BYTES = 4096;

/** The SSE body as answer events; chunks may split events and characters anywhere. */
export async function* readChatEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ChatStreamEvent> {
  const parsed: EventSourceMessage[] = [];
  // Heartbeat comments (`: ping`) only keep proxies from closing the stream; the parser drops them.
  const parser = createParser({ onEvent: (message) => parsed.push(message) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const chunk = await readChunk(reader);
      for (const [index, text] of decodePieces(decoder, chunk).entries()) {
        if (index > 0) await nextTask();
        parser.feed(text);
        for (const message of parsed.splice(0)) {
          if (message.event === ('error' satisfies StreamEventName)) throw await streamError(message.data);
          const event = toChatEvent(message);
          if (!event) continue;
          yield event;
          if (event.type === 'done' || event.type === 'stopped') return;
        }
      }
      if (chunk.done) throw new ChatError('connection-lost');
    }
  } finally {
    // Frees the connection when the reader stops early (Stop, a superseded run).
    reader.cancel().catch(() => {});
  }
}

/** A chunk as text, in pieces of PIECE_BYTES at most; stream mode keeps a multi-byte character split between pieces or chunks for the next call. */
function decodePieces(decoder: TextDecoder, { done, value }: ReadableStreamReadResult<Uint8Array>): string[] {
  if (done) return [decoder.decode()];
  const pieces: string[] = [];
  for (let at = 0; at < value.length; at += PIECE_BYTES) {
    pieces.push(decoder.decode(value.subarray(at, at + PIECE_BYTES), { stream: true }));
  }
  return pieces;
}

/** Resolves in a task of its own, after whatever the browser has queued (a frame, input); unlike a timer, never throttled. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      // An open port with a listener is never collected.
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>) {
  try {
    return await reader.read();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ChatError('connection-lost');
  }
}

function toChatEvent(message: EventSourceMessage): ChatStreamEvent | undefined {
  const event = toEvent(message);
  // A resume continues after the last id seen; ids are whole numbers, anything else is not one.
  if (event && message.id && /^\d{1,9}$/.test(message.id)) event.id = Number(message.id);
  return event;
}

function toEvent({ event, data }: EventSourceMessage): ChatStreamEvent | undefined {
  switch (event) {
    case 'answer' satisfies StreamEventName: {
      const { handle } = parseJson(data);
      return typeof handle === 'string' ? { type: 'handle', handle } : undefined;
    }
    case 'stopped' satisfies StreamEventName:
      return { type: 'stopped' };
    case 'token' satisfies StreamEventName: {
      const { text } = parseJson(data);
      if (typeof text !== 'string') throw malformed(data);
      return { type: 'token', text };
    }
    case 'done' satisfies StreamEventName: {
      const { finishReason } = parseJson(data);
      return { type: 'done', finishReason: typeof finishReason === 'string' ? finishReason : 'stop' };
    }
    default:
      // Unknown events are for newer elements; older ones skip them.
      return undefined;
  }
}

/**
 * The worker's failures in the element's terms (server-errors.ts) are a chunk of their own, loaded when an
 * answer fails; when it cannot be loaded either, the failure is a plain server error (its sentence says to try again).
 */
const serverErrors = () => import('./server-errors.ts');

/** An `event: error`: what the worker said went wrong. */
async function streamError(data: string): Promise<ChatError> {
  const fields = parseJson(data);
  return serverErrors().then(
    ({ errorFromStreamEvent }) => errorFromStreamEvent(fields),
    () => new ChatError('server', { serverMessage: typeof fields.message === 'string' ? fields.message : undefined }),
  );
}

function parseJson(data: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch {
    // Reported below as a malformed event.
  }
  throw malformed(data);
}

function malformed(data: string): ChatError {
  return new ChatError('server', { serverMessage: `Malformed event data: ${data.slice(0, 100)}` });
}
