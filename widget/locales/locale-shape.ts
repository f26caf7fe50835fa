import type { ChatErrorCode } from '../chat-error-code.ts';

export type Sentence = string | ((retryAfterSeconds?: number) => string);

/**
 * Every word the element shows or announces. A locale is one object of this
 * shape; the `strings` property replaces any of them. Functions take the
 * values a sentence needs.
 */
export interface FalconChatStrings {
  heading: string;
  placeholder: string;
  inputLabel: string;
  transcriptLabel: string;
  send: string;
  stop: string;
  clear: string;
  retry: string;
  userLabel: string;
  assistantLabel: string;
  stopped: string;
  cutShort: string;
  settings: string;
  systemMessage: string;
  temperature: string;
  copy: string;
  copied: string;
  copyCode: string;
  edit: string;
  editLabel: string;
  cancel: string;
  regenerate: string;
  deleteExchange: string;
  jumpToLatest: string;
  openChat: string;
  closeChat: string;
  suggestionsLabel: string;
  /** The touch button that shows a message's Copy, Edit… buttons. */
  messageActions: string;
  /** Said (politely) when Enter is pressed while an answer is still streaming. */
  stillAnswering: string;
  /** Retry while a rate limit's wait runs down. */
  retryIn: (seconds: number) => string;
  /** Under an answer whose connection broke while it is picked up again. */
  reconnecting: string;
  errors: Record<ChatErrorCode, Sentence>;
}

/** What the `strings` property takes: any subset, `errors` included. */
export type FalconChatStringOverrides = Partial<Omit<FalconChatStrings, 'errors'>> & {
  errors?: Partial<FalconChatStrings['errors']>;
};

/** A sentence that names the wait when the service gave one. */
export const inSeconds = (seconds: number | undefined, now: string, later: (seconds: number) => string) =>
  seconds ? later(seconds) : now;
