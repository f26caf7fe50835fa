import { html } from 'lit';
import type { ChatMessage } from './chat-message.ts';
import type { MessageState } from './message-view.ts';

export { editStyles } from './edit-form.styles.ts';

/** The form that edits a question in place: a chunk of its own, loaded when the visitor first presses Edit. */
export function renderEditor(message: ChatMessage, { strings, actions }: MessageState) {
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
