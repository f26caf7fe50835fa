import { ChatError } from './chat-error.ts';
import { readChatResponse, type ChatStreamEvent } from './chat-stream.ts';

/** One turn of the conversation as the worker takes it. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** The body of `POST {endpoint}`; omitted settings take the worker's defaults. */
export interface ChatRequest {
  /** Oldest first; the last one is the visitor's question. */
  messages: ChatTurn[];
  system?: string;
  temperature?: number;
  maxNewTokens?: number;
  /** Where the element keeps the conversation: with persistence the worker waits a while for a reader to come back. */
  persist?: 'none' | 'session' | 'local';
}

/**
 * Asks the worker at `endpoint` and yields the answer as it streams. The one
 * place the element touches the network. Throws `ChatError`, or the abort
 * reason when `signal` aborts.
 */
export async function* streamChat(
  endpoint: string,
  request: ChatRequest,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): AsyncGenerator<ChatStreamEvent> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...headers },
      body: JSON.stringify(request),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ChatError('network');
  }
  yield* readChatResponse(response);
}

/** Continues the answer `handle` after event `from` (the last id received), as it streams. */
export async function* resumeChat(
  endpoint: string,
  handle: string,
  from: number,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): AsyncGenerator<ChatStreamEvent> {
  let response: Response;
  try {
    response = await fetch(`${endpoint}/${encodeURIComponent(handle)}?from=${from}`, {
      headers: { Accept: 'text/event-stream', ...headers },
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ChatError('network');
  }
  yield* readChatResponse(response);
}

/**
 * Cancels the answer `handle` at the worker, whichever tab or connection is
 * reading it. `keepalive` lets it go out while the page unloads; failures are
 * quiet (the worker cancels an answer nobody reads anyway).
 */
export function stopChat(endpoint: string, handle: string, headers: Record<string, string> = {}): void {
  fetch(`${endpoint}/${encodeURIComponent(handle)}/stop`, { method: 'POST', headers, keepalive: true }).catch(() => {});
}
