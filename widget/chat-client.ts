import { ChatError } from './chat-error.ts';
import type { ChatStreamEvent } from './chat-stream.ts';
import {
  ANSWER_HEADER,
  type ChatRequestBody,
  type ChatTurn,
  type ErrorBody,
  type SessionRequestBody,
  type SessionResponseBody,
} from './wire-contract.ts';

export type { ChatTurn };
/** The body of `POST {endpoint}`. */
export type ChatRequest = ChatRequestBody;

/**
 * The one place the element touches the network: posts `body` as JSON. A
 * request that never got an answer throws `ChatError('network')`, or `no-api`
 * when the address answers but not to this page (`noChatApi` in server-errors.ts); an aborted one
 * throws the abort reason.
 */
async function postJson(
  url: string | URL,
  body: unknown,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    // The worker's error codes' chunk: only a failed request pays for the question.
    const noApi = await import('./server-errors.ts').then(
      ({ noChatApi }) => noChatApi(url, signal),
      () => undefined,
    );
    throw noApi ?? new ChatError('network');
  }
}

type AnswerReader = typeof import('./answer-chunk.ts');
let reader: Promise<AnswerReader> | undefined;

/**
 * The answer's reader (the SSE parser, resuming, pacing) comes in the answer
 * chunk (answer-chunk.ts). It is fetched while the question is on its way,
 * and earlier when the visitor shows intent (the element's `warmUp`); a failed load
 * is tried again with the next question.
 */
export function loadAnswerReader(): Promise<AnswerReader> {
  reader ??= import('./answer-chunk.ts').catch((error: unknown) => {
    reader = undefined;
    throw error;
  });
  return reader;
}

/**
 * Reads the response with the answer reader once both are there; without the reader the answer is lost as a
 * network failure (told before the handle, so nothing tries to resume what could not be read).
 */
async function* readWith(
  reading: Promise<AnswerReader>,
  responding: Promise<Response>,
): AsyncGenerator<ChatStreamEvent> {
  const response = await responding;
  let readChatResponse: AnswerReader['readChatResponse'];
  try {
    ({ readChatResponse } = await reading);
  } catch (error) {
    response.body?.cancel().catch(() => {});
    console.warn('falcon-chat: the answer reader did not load.', error);
    throw new ChatError('network');
  }
  // Known from the headers, the answer can be resumed even if the connection breaks before its first event.
  const handle = response.headers.get(ANSWER_HEADER);
  if (handle) yield { type: 'handle', handle, id: 0 };
  yield* readChatResponse(response);
}

/**
 * Reads `responding` as an answer. The request is already on its way (a generator would not start it until
 * read), and the reader chunk loads beside it.
 */
function answerFrom(responding: Promise<Response>): AsyncGenerator<ChatStreamEvent> {
  const reading = loadAnswerReader();
  reading.catch(() => {});
  responding.catch(() => {});
  return readWith(reading, responding);
}

/**
 * Asks the worker at `endpoint` and yields the answer as it streams. The question goes out at once. Throws
 * `ChatError`, or the abort reason when `signal` aborts.
 */
export function streamChat(
  endpoint: string,
  request: ChatRequest,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): AsyncGenerator<ChatStreamEvent> {
  return answerFrom(postJson(endpoint, request, signal, { Accept: 'text/event-stream', ...headers }));
}

/** Continues the answer `handle` after event `from` (the last id received), as it streams. */
export function resumeChat(
  endpoint: string,
  handle: string,
  from: number,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): AsyncGenerator<ChatStreamEvent> {
  const responding = fetch(`${endpoint}/${encodeURIComponent(handle)}?from=${from}`, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal,
  }).catch((error: unknown) => {
    throw signal.aborted ? error : new ChatError('network');
  });
  return answerFrom(responding);
}

/**
 * Cancels the answer `handle` at the worker, whichever tab or connection is
 * reading it. `keepalive` lets it go out while the page unloads; failures are
 * quiet (the worker cancels an answer nobody reads anyway).
 */
export function stopChat(endpoint: string, handle: string, headers: Record<string, string> = {}): void {
  fetch(`${endpoint}/${encodeURIComponent(handle)}/stop`, { method: 'POST', headers, keepalive: true }).catch(() => {});
}

/** Trades a passed Turnstile challenge for a session at the worker's `/api/session` (next to `endpoint`). */
export async function requestSession(
  endpoint: string,
  turnstileToken: string,
  signal: AbortSignal,
): Promise<SessionResponseBody> {
  const request: SessionRequestBody = { turnstileToken };
  const response = await postJson(new URL('session', endpoint), request, signal);
  const body = (await response.json().catch(() => ({}))) as Partial<SessionResponseBody & ErrorBody>;
  if (!response.ok || !body.sessionToken) {
    throw new ChatError(response.status === 503 ? 'busy' : 'forbidden', {
      serverCode: body.error?.code,
      serverMessage: body.error?.message,
    });
  }
  return { sessionToken: body.sessionToken, expiresIn: body.expiresIn ?? 60 };
}
