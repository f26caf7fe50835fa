import type { ChatErrorCode } from './chat-error.ts';

/** Fired before a question goes out (also on Retry). Cancel it to keep the question from being sent. */
export class FalconChatSendEvent extends Event {
  readonly detail: { text: string };

  constructor(detail: { text: string }) {
    super('falcon-chat-send', { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

/** Fired when an answer is complete. */
export class FalconChatResponseEvent extends Event {
  /** `finishReason` is `stop` for a natural end, `length` at the token limit, or the model's own word. */
  readonly detail: { text: string; finishReason: string };

  constructor(detail: { text: string; finishReason: string }) {
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
}

/** Fired when a question could not be answered (a stopped answer is not an error). */
export class FalconChatErrorEvent extends Event {
  readonly detail: FalconChatErrorDetail;

  constructor(detail: FalconChatErrorDetail) {
    super('falcon-chat-error', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'falcon-chat-send': FalconChatSendEvent;
    'falcon-chat-response': FalconChatResponseEvent;
    'falcon-chat-error': FalconChatErrorEvent;
  }
}
