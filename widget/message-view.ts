import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from './chat-controller.ts';
import { icons, labelledIcon } from './icons.ts';
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
  /** Seconds before Retry may be pressed (the service asked to wait). */
  retryIn?: number;
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
        state.editing
          ? renderEditor(message, state)
          : isUser
            ? html`<div class="content" part="message-content" dir="auto">${message.content}</div>`
            : state.body
      }
      ${message.status === 'stopped' ? html`<p class="note" part="message-note">${strings.stopped}</p>` : nothing}
      ${message.finishReason === 'length' ? html`<p class="note" part="message-note">${strings.cutShort}</p>` : nothing}
      ${message.error ? renderError(message.error.message, state) : nothing}
      ${streaming || state.editing ? nothing : renderActions(message, state)}
    </div>
  `;
}

/** A calm row under the answer: what went wrong, and Retry (held back while the service asks to wait). */
function renderError(sentence: string, { strings, actions, isLastAnswer, retryIn }: MessageState) {
  return html`<div class="error" part="error">
    <p>${sentence}</p>
    ${
      isLastAnswer
        ? html`<button type="button" class="retry" part="retry-button" ?disabled=${!!retryIn} @click=${actions.regenerate}>
          ${retryIn ? strings.retryIn(retryIn) : strings.retry}
        </button>`
        : nothing
    }
  </div>`;
}

function renderActions(message: ChatMessage, state: MessageState) {
  const { strings, actions, isLastAnswer, copied, busy } = state;
  const button = (part: string, label: string, path: string, onClick: () => void) =>
    html`<button type="button" class="icon action" part="action-button ${part}" @click=${onClick}>${labelledIcon(path, label)}</button>`;
  // Not announced as part of the answer: the log reads the answer, not its buttons.
  return html`${
    isLastAnswer
      ? nothing
      : html`<button
          type="button"
          class="icon more"
          aria-expanded=${state.revealed ? 'true' : 'false'}
          @click=${() => actions.reveal(message)}
        >${labelledIcon(icons.more, strings.messageActions)}</button>`
  }<div class="actions" part="message-actions" aria-live="off">
    ${message.content ? button('copy-button', copied ? strings.copied : strings.copy, copied ? icons.copied : icons.copy, () => actions.copy(message)) : nothing}
    ${message.role === 'user' ? button('edit-button', strings.edit, icons.edit, () => actions.startEdit(message)) : nothing}
    ${isLastAnswer && !busy && !message.error ? button('regenerate-button', strings.regenerate, icons.regenerate, actions.regenerate) : nothing}
    ${isLastAnswer && !busy ? button('delete-button', strings.deleteExchange, icons.delete, actions.deleteLast) : nothing}
  </div>`;
}

function renderEditor(message: ChatMessage, { strings, actions }: MessageState) {
  const submit = (event: Event) => {
    event.preventDefault();
    const field = (event.currentTarget as HTMLElement).closest('form')!.querySelector('textarea')!;
    actions.submitEdit(message, field.value);
  };
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      // The visitor leaves the edit, not the chat: the floating panel stays open.
      event.stopPropagation();
      actions.cancelEdit();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      submit(event);
    }
  };
  return html`<form class="edit" part="edit-form" @submit=${submit}>
    <label class="visually-hidden" for="edit-input">${strings.editLabel}</label>
    <textarea id="edit-input" part="edit-input" rows="3" .value=${message.content} @keydown=${onKeydown}></textarea>
    <div class="edit-buttons">
      <button type="button" part="edit-cancel-button" @click=${actions.cancelEdit}>${strings.cancel}</button>
      <button type="submit" class="primary" part="edit-send-button">${strings.send}</button>
    </div>
  </form>`;
}
