import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from './chat-controller.ts';
import type { FalconChatStrings } from './strings.ts';

/** What the visitor can do to a message; the element implements them. */
export interface MessageActions {
  copy(message: ChatMessage): void;
  startEdit(message: ChatMessage): void;
  submitEdit(message: ChatMessage, text: string): void;
  cancelEdit(): void;
  regenerate(): void;
  deleteLast(): void;
}

export interface MessageState {
  strings: FalconChatStrings;
  actions: MessageActions;
  /** The rendered markdown of an answer (a node the element keeps); questions are plain text. */
  body?: Node;
  /** The last answer: it may be regenerated or deleted. */
  isLastAnswer: boolean;
  editing: boolean;
  copied: boolean;
  /** An answer is streaming somewhere in the conversation. */
  busy: boolean;
}

/** One message of the transcript with its notes, error and actions. */
export function renderMessage(message: ChatMessage, state: MessageState): TemplateResult {
  const { strings } = state;
  const isUser = message.role === 'user';
  const streaming = message.status === 'streaming';
  return html`
    <div
      class="message ${isUser ? 'user' : 'assistant'} ${streaming ? 'streaming' : ''}"
      part="message ${isUser ? 'user-message' : 'assistant-message'}"
    >
      <span class="visually-hidden">${isUser ? strings.userLabel : strings.assistantLabel}</span>
      ${
        state.editing
          ? renderEditor(message, state)
          : isUser
            ? html`<div class="content" part="message-content" dir="auto">${message.content}</div>`
            : state.body
      }
      ${message.status === 'stopped' ? html`<p class="note" part="message-note">${strings.stopped}</p>` : nothing}
      ${message.reconnecting ? html`<p class="note" part="message-note" role="status">${strings.reconnecting}</p>` : nothing}
      ${message.finishReason === 'length' ? html`<p class="note" part="message-note">${strings.cutShort}</p>` : nothing}
      ${
        message.error
          ? html`<div class="error" part="error">
            <p>${message.error.message}</p>
            ${
              state.isLastAnswer
                ? html`<button type="button" part="retry-button" @click=${state.actions.regenerate}>${strings.retry}</button>`
                : nothing
            }
          </div>`
          : nothing
      }
      ${streaming || state.editing ? nothing : renderActions(message, state)}
    </div>
  `;
}

function renderActions(message: ChatMessage, { strings, actions, isLastAnswer, copied, busy }: MessageState) {
  const button = (part: string, label: string, onClick: () => void) =>
    html`<button type="button" class="action" part="action-button ${part}" @click=${onClick}>${label}</button>`;
  // Not announced as part of the answer: the log reads the answer, not its buttons.
  return html`<div class="actions" part="message-actions" aria-live="off">
    ${message.content ? button('copy-button', copied ? strings.copied : strings.copy, () => actions.copy(message)) : nothing}
    ${message.role === 'user' ? button('edit-button', strings.edit, () => actions.startEdit(message)) : nothing}
    ${isLastAnswer && !busy && !message.error ? button('regenerate-button', strings.regenerate, actions.regenerate) : nothing}
    ${isLastAnswer && !busy ? button('delete-button', strings.deleteExchange, actions.deleteLast) : nothing}
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
