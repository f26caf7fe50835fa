import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from './chat-message.ts';
import { plainMessage } from './plain-message.ts';
import type { FalconChatStrings } from './strings.ts';

/** What the visitor can do to a message; the element implements them. */
export interface MessageActions {
  copy(message: ChatMessage): void;
  startEdit(message: ChatMessage): void;
  submitEdit(message: ChatMessage, text: string): void;
  cancelEdit(): void;
  regenerate(): void;
  deleteLast(): void;
  /** Touch: shows or hides the message's buttons (no hover there). */
  reveal(message: ChatMessage): void;
}

export interface MessageState {
  strings: FalconChatStrings;
  actions: MessageActions;
  /** The rendered markdown of an answer (a node the element keeps); questions are plain text. */
  body?: Node;
  /** The last answer: it may be regenerated or deleted, and its buttons always show. */
  isLastAnswer: boolean;
  editing: boolean;
  copied: boolean;
  /** Touch: the visitor asked to see this message's buttons. */
  revealed: boolean;
  /** An answer is streaming somewhere in the conversation. */
  busy: boolean;
  /** The edit form (a chunk of its own), once loaded; while `editing`, a message stands in when it is missing. */
  renderEditor?: (message: ChatMessage, state: MessageState) => TemplateResult;
  /** Shown instead of the edit form when it could not be loaded. */
  editorUnavailable?: string;
  /** Seconds before Retry may be pressed (the service asked to wait). */
  retryIn?: number;
  /** The buttons under a message (a chunk of its own), once loaded. */
  renderActions?: (message: ChatMessage, state: MessageState) => TemplateResult;
  /** Shown under the last answer instead of its buttons when they could not be loaded. */
  actionsUnavailable?: string;
}

/** One message of the transcript: its bubble, then notes, the error row and the buttons under it. */
export function renderMessage(message: ChatMessage, state: MessageState): TemplateResult {
  const { strings } = state;
  const isUser = message.role === 'user';
  const streaming = message.status === 'streaming';
  const classes = `message ${isUser ? 'user' : 'assistant'} ${streaming ? 'streaming' : ''} ${state.isLastAnswer ? 'last' : ''} ${state.revealed ? 'revealed' : ''}`;
  return html`
    <div class=${classes} part="message ${isUser ? 'user-message' : 'assistant-message'}">
      <span class="visually-hidden">${isUser ? strings.userLabel : strings.assistantLabel}</span>
      ${
        state.editing && state.renderEditor
          ? state.renderEditor(message, state)
          : isUser
            ? html`<div class="content" part="message-content" dir="auto">${message.content}</div>`
            : state.body
      }
      ${state.editing && state.editorUnavailable ? html`<p class="note" part="message-note">${state.editorUnavailable}</p>` : nothing}
      ${message.status === 'stopped' ? html`<p class="note" part="message-note">${strings.stopped}</p>` : nothing}
      ${message.reconnecting ? html`<p class="note" part="message-note" role="status">${strings.reconnecting}</p>` : nothing}
      ${message.finishReason === 'length' ? html`<p class="note" part="message-note">${strings.cutShort}</p>` : nothing}
      ${message.error ? renderError(message.error.message, message.error.retryable !== false, state) : nothing}
      ${streaming || state.editing ? nothing : renderActionsOf(message, state)}
    </div>
  `;
}

/**
 * One message, built from `state()`. A message whose rendering throws (a page's faulty `strings` function, a
 * renderer fault on hostile or stored text) shows its words as plain text, with why an answer failed: nothing the
 * visitor wrote or read disappears, and the rest of the conversation and the composer still render.
 */
export function renderMessageSafely(message: ChatMessage, state: () => MessageState): TemplateResult {
  try {
    return renderMessage(message, state());
  } catch (error) {
    console.error('falcon-chat: a message could not be rendered; it is shown as plain text.', error);
    return plainMessage(message);
  }
}

/** A calm row under the answer: what went wrong, and Retry (held back while the service asks to wait). */
function renderError(sentence: string, retryable: boolean, { strings, actions, isLastAnswer, retryIn }: MessageState) {
  return html`<div class="error" part="error">
    <p>${sentence}</p>
    ${
      isLastAnswer && retryable
        ? html`<button type="button" class="retry" part="retry-button" ?disabled=${!!retryIn} @click=${actions.regenerate}>
          ${retryIn ? strings.retryIn(retryIn) : strings.retry}
        </button>`
        : nothing
    }
  </div>`;
}

/** The message's buttons from their chunk; under the last answer, a note when that chunk could not be loaded. */
function renderActionsOf(message: ChatMessage, state: MessageState) {
  // In a box of no layout of its own, there before them, so that their arrival is nothing a live region reads.
  return html`<div class="buttons" aria-live="off">${state.renderActions?.(message, state) ?? nothing}</div>${
    // A failed answer's own error row says what is wrong already.
    !state.renderActions && state.isLastAnswer && state.actionsUnavailable && !message.error
      ? html`<p class="note" part="message-note">${state.actionsUnavailable}</p>`
      : nothing
  }`;
}
