import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from './chat-controller.ts';
import { strings } from './strings.ts';

/**
 * One message of the transcript. `onRetry` is given only to the failed answer
 * that can be asked again.
 */
export function renderMessage(message: ChatMessage, onRetry?: () => void): TemplateResult {
  const isUser = message.role === 'user';
  return html`
    <div class="message ${isUser ? 'user' : 'assistant'}" part="message ${isUser ? 'user-message' : 'assistant-message'}">
      <span class="visually-hidden">${isUser ? strings.userLabel : strings.assistantLabel}</span>
      ${renderContent(message)}
      ${message.status === 'stopped' ? html`<p class="note" part="message-note">${strings.stopped}</p>` : nothing}
      ${message.finishReason === 'length' ? html`<p class="note" part="message-note">${strings.cutShort}</p>` : nothing}
      ${message.error
        ? html`<div class="error" part="error">
            <p>${message.error.message}</p>
            ${onRetry
              ? html`<button type="button" part="retry-button" @click=${onRetry}>${strings.retry}</button>`
              : nothing}
          </div>`
        : nothing}
    </div>
  `;
}

/**
 * The text of a message, always as text (never parsed as HTML). This is the
 * one place a markdown renderer will take over for answers.
 */
function renderContent({ content, status }: ChatMessage): TemplateResult | typeof nothing {
  if (!content && status !== 'streaming') return nothing;
  return html`<div class="content ${status === 'streaming' ? 'streaming' : ''}" part="message-content" dir="auto">${content}</div>`;
}
