import type { ChatErrorCode } from './chat-error-code.ts';
import type { ChatTurn } from './wire-contract.ts';

/** One entry of the transcript. */
export interface ChatMessage extends ChatTurn {
  /** Given by the element to tell messages apart. */
  id: string;
  /** Answers only: absent means complete. */
  status?: 'streaming' | 'complete' | 'stopped' | 'error';
  /** Why a complete answer ended: `stop`, or `length` when it hit the token limit. */
  finishReason?: string;
  /** Why an answer failed, in the visitor's words. */
  error?: { code: ChatErrorCode; message: string; retryable?: boolean };
  /** An answer still streaming: where the worker keeps it (a reload resumes it from `resumeFrom`). */
  handle?: string;
  resumeFrom?: number;
  /** The connection broke and is being tried again. */
  reconnecting?: boolean;
}

/** A message as a host page (or the stored conversation) gives it: plain `{ role, content }` will do; any `id` is replaced. */
export type ChatMessageInit = Omit<ChatMessage, 'id'> & { id?: string };
