import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from './chat-message.ts';
import { labelledIcon } from './icons.ts';
import type { MessageState } from './message-view.ts';

export { actionStyles } from './message-actions.styles.ts';

/** The buttons' icons (see icons.ts): only here, since no first view shows them. */
const icons = {
  copy: 'M9 9h10v10H9zM5 15V5h10',
  copied: 'M5 12l5 5 9-10',
  edit: 'M4 20h4L19 9l-4-4L4 16zm9-13l4 4',
  regenerate: 'M20 11a8 8 0 1 0-2 6m2-12v6h-6',
  delete: 'M5 7h14m-9 0V4h4v3M7 7l1 13h8l1-13',
  more: 'M6 12h.01M12 12h.01M18 12h.01',
};

/**
 * The row of buttons under a message (Copy, Edit, Regenerate, Delete, and on
 * touch screens "⋯" to show them): a chunk of its own, loaded when the first
 * answer ends or the visitor first points at or focuses the transcript.
 */
export function renderActions(message: ChatMessage, state: MessageState): TemplateResult {
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
          part="actions-button"
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
