import type { ChatErrorCode } from './chat-error-code.ts';
import { en, errorSentence } from './strings.ts';

export type { ChatErrorCode };

export interface ChatErrorDetails {
  /** The worker's own code, e.g. `upstream_rate_limited`, when it sent one. */
  serverCode?: string;
  /** The worker's own message: for the site owner's console, not always for visitors. */
  serverMessage?: string;
  /** How long the service asked us to wait before trying again. */
  retryAfterSeconds?: number;
  /** Shown instead of the element's sentence for `code` (a message the worker wrote for visitors). */
  visitorMessage?: string;
  /** The worker's bound a refused request went over (its error body's `limit`). */
  limit?: number;
}

/** A failed answer. `message` is what the visitor reads (in English; the element shows its own locale's sentence). */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly serverCode?: string;
  readonly serverMessage?: string;
  readonly retryAfterSeconds?: number;
  /** The worker's sentence, when the element has none of its own for this code. */
  readonly visitorMessage?: string;
  readonly limit?: number;

  /** False when asking again cannot help until someone changes the site or the worker: no Retry is offered. */
  readonly retryable: boolean;

  constructor(
    readonly code: ChatErrorCode,
    { serverCode, serverMessage, retryAfterSeconds, visitorMessage, limit }: ChatErrorDetails = {},
  ) {
    super(visitorMessage ?? errorSentence(en, code, retryAfterSeconds));
    this.retryable = !FINAL_CODES.has(code) && !FINAL_SERVER_CODES.has(serverCode ?? '');
    this.serverCode = serverCode;
    this.serverMessage = serverMessage;
    this.retryAfterSeconds = retryAfterSeconds;
    this.visitorMessage = visitorMessage;
    this.limit = limit;
  }
}

/** Failures the same request meets again: the page's origin, the worker's setup, the question itself. */
const FINAL_CODES = new Set<ChatErrorCode>([
  'forbidden',
  'misconfigured',
  'no-api',
  'bad-request',
  'too-large',
  'limit-today',
  'limit-now',
]);
const FINAL_SERVER_CODES = new Set(['upstream_auth', 'model_not_found']);
const told = new Set<string>();

/**
 * Tells the site owner, once per page and message, what a failure no retry fixes needs from them,
 * in the worker's words (e.g. the origin to add to ALLOWED_ORIGINS).
 */
export function tellSiteOwner(error: ChatError): void {
  const note = error.serverMessage ?? error.serverCode;
  if (error.retryable || !note || told.has(note)) return;
  told.add(note);
  console.warn(`<falcon-chat>: ${note}`);
}
