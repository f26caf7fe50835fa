import type { ChatErrorCode } from './chat-error-code.ts';

/** What is about to be sent; a `falcon-chat-send` listener may change both. */
export interface FalconChatSendDetail {
  /** The question as it will be shown and sent. */
  text: string;
  /** The system message for this one request (the element's `systemMessage`, or `undefined` for the worker's). */
  system?: string;
}

/**
 * Fired before a question goes out: sent, retried, regenerated or edited.
 * Cancel it to keep the question from being sent; change `detail.text` or
 * `detail.system` to add to it (say, the page the visitor is on).
 */
export class FalconChatSendEvent extends Event {
  readonly detail: FalconChatSendDetail;

  constructor(detail: FalconChatSendDetail) {
    super('falcon-chat-send', { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

export interface FalconChatResponseDetail {
  /** The whole answer, as markdown. */
  text: string;
  /** `stop` for a natural end, `length` at the token limit, or the model's own word. */
  finishReason: string;
}

/** Fired when an answer is complete. */
export class FalconChatResponseEvent extends Event {
  readonly detail: FalconChatResponseDetail;

  constructor(detail: FalconChatResponseDetail) {
    super('falcon-chat-response', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

export interface FalconChatErrorDetail {
  code: ChatErrorCode;
  /** The sentence shown to the visitor. */
  message: string;
  /** The worker's own code and message, for the site owner's diagnosis. */
  serverCode?: string;
  serverMessage?: string;
  /** Seconds the service asked to wait before asking again, when it said. */
  retryAfter?: number;
}

/** Fired when a question could not be answered (a stopped answer is not an error). */
export class FalconChatErrorEvent extends Event {
  readonly detail: FalconChatErrorDetail;

  constructor(detail: FalconChatErrorDetail) {
    super('falcon-chat-error', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired when the floating panel opens (by the visitor, `show()`, `toggle()` or the `open` attribute). */
export class FalconChatOpenEvent extends Event {
  constructor() {
    super('falcon-chat-open', { bubbles: true, composed: true });
  }
}

/** Fired when the floating panel closes. */
export class FalconChatCloseEvent extends Event {
  constructor() {
    super('falcon-chat-close', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'falcon-chat-send': FalconChatSendEvent;
    'falcon-chat-response': FalconChatResponseEvent;
    'falcon-chat-error': FalconChatErrorEvent;
    'falcon-chat-open': FalconChatOpenEvent;
    'falcon-chat-close': FalconChatCloseEvent;
  }
}
