import type { ChatRequestBody as ChatRequest, ChatTurn } from './wire-contract.ts';

/** The worker's bounds on one request (MAX_MESSAGES, MAX_BODY_BYTES, MAX_MESSAGE_CHARS). */
export interface RequestBounds {
  maxMessages: number;
  maxBodyBytes: number;
  maxMessageChars: number;
}

/** wrangler.toml's defaults: what a worker takes unless its operator changed them. */
export const DEFAULT_BOUNDS: RequestBounds = { maxMessages: 50, maxBodyBytes: 65_536, maxMessageChars: 4000 };

const utf8 = new TextEncoder();
const jsonBytes = (value: unknown) => utf8.encode(JSON.stringify(value)).length;

/**
 * The request with as many of the newest turns as the worker takes: the oldest are left out
 * first, a turn over `maxMessageChars` ends the window (with everything before it), and the
 * window starts with a question. The newest question always goes, so an over-long one is
 * refused by the worker with words that say so rather than dropped here.
 */
export function fitRequest(request: ChatRequest, bounds: RequestBounds = DEFAULT_BOUNDS): ChatRequest {
  const { messages } = request;
  // The body without turns, plus a comma per turn: the sum is the JSON's exact size.
  let bytes = jsonBytes({ ...request, messages: [] });
  let first = messages.length;
  while (first > 0) {
    const turn = messages[first - 1];
    const cost = jsonBytes(turn) + (first < messages.length ? 1 : 0);
    const newest = first === messages.length;
    if (!newest) {
      if (messages.length - first >= bounds.maxMessages) break;
      if (bytes + cost > bounds.maxBodyBytes || turn.content.length > bounds.maxMessageChars) break;
    }
    bytes += cost;
    first--;
  }
  // An answer whose question was left out would open the conversation.
  while (first < messages.length - 1 && messages[first].role !== 'user') first++;
  return first === 0 ? request : { ...request, messages: messages.slice(first) as ChatTurn[] };
}
