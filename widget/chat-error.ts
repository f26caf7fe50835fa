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
}

/** A failed answer. `message` is what the visitor reads (in English; the element shows its own locale's sentence). */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly serverCode?: string;
  readonly serverMessage?: string;
  readonly retryAfterSeconds?: number;
  /** The worker's sentence, when the element has none of its own for this code. */
  readonly visitorMessage?: string;

  constructor(
    readonly code: ChatErrorCode,
    { serverCode, serverMessage, retryAfterSeconds, visitorMessage }: ChatErrorDetails = {},
  ) {
    super(visitorMessage ?? errorSentence(en, code, retryAfterSeconds));
    this.serverCode = serverCode;
    this.serverMessage = serverMessage;
    this.retryAfterSeconds = retryAfterSeconds;
    this.visitorMessage = visitorMessage;
  }
}
