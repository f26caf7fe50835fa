import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ChatError, errorFromResponse, errorFromStreamEvent } from './chat-error.ts';

/** One piece of the worker's answer, in order: tokens, then exactly one `done`. */
export type ChatStreamEvent =
  | { type: 'token'; text: string }
  | { type: 'done'; finishReason: string };

/**
 * Turns the worker's response into answer events. Throws `ChatError` for an
 * HTTP error, an `event: error`, or a stream that ends without `done` (the
 * connection was lost, so the answer is unfinished even if nothing failed
 * loudly). An aborted request throws the signal's `AbortError` unchanged.
 */
export async function* readChatResponse(response: Response): AsyncGenerator<ChatStreamEvent> {
  if (!response.ok) throw await errorFromResponse(response);
  const contentType = response.headers.get('Content-Type') ?? '';
  if (!response.body || !/^text\/event-stream\b/i.test(contentType)) {
    // Typically a wrong `endpoint` answered by an HTML page.
    throw new ChatError('server', { serverMessage: `Expected text/event-stream, got "${contentType}"` });
  }
  yield* readChatEvents(response.body);
}

/** The SSE body as answer events; chunks may split events and characters anywhere. */
export async function* readChatEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ChatStreamEvent> {
  const parsed: EventSourceMessage[] = [];
  // Heartbeat comments (`: ping`) only keep proxies from closing the stream; the parser drops them.
  const parser = createParser({ onEvent: (message) => parsed.push(message) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await readChunk(reader);
      // Stream mode keeps a multi-byte character split across chunks for the next call.
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      for (const message of parsed.splice(0)) {
        const event = toChatEvent(message);
        if (!event) continue;
        yield event;
        if (event.type === 'done') return;
      }
      if (done) throw new ChatError('connection-lost');
    }
  } finally {
    // Frees the connection when the reader stops early (Stop, a superseded run).
    reader.cancel().catch(() => {});
  }
}

async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>) {
  try {
    return await reader.read();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ChatError('connection-lost');
  }
}

function toChatEvent({ event, data }: EventSourceMessage): ChatStreamEvent | undefined {
  switch (event) {
    case 'token': {
      const { text } = parseJson(data);
      if (typeof text !== 'string') throw malformed(data);
      return { type: 'token', text };
    }
    case 'done': {
      const { finishReason } = parseJson(data);
      return { type: 'done', finishReason: typeof finishReason === 'string' ? finishReason : 'stop' };
    }
    case 'error':
      throw errorFromStreamEvent(parseJson(data));
    default:
      // Unknown events are for newer elements; older ones skip them.
      return undefined;
  }
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
