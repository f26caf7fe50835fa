import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from './chat-message.ts';
import type { FalconChatStrings } from './strings.ts';

/**
 * Characters of one message shown as plain text (five times the longest answer a worker lets a model write): plain
 * text is laid out in one task, and 128 KiB of it took 60–80 ms, 32 KiB about 20.
 */
const SHOWN_AT_MOST = 32_768;

/**
 * A message as plain text, with why an answer failed: how the element shows the conversation until its renderer (in
 * the answer chunk) is there or when that cannot load, and what a message whose rendering throws falls back to (then
 * without `strings`, which may be what threw).
 */
export function plainMessage(message: ChatMessage, strings?: FalconChatStrings): TemplateResult {
  const role = message.role === 'user' ? 'user' : 'assistant';
  const content = String(message.content ?? '');
  return html`<div class="message ${role} ${message.status === 'streaming' ? 'streaming' : ''}" part="message ${role}-message">
    ${strings ? html`<span class="visually-hidden">${role === 'user' ? strings.userLabel : strings.assistantLabel}</span>` : nothing}
    <div class="content" part="message-content" dir="auto">${content.length > SHOWN_AT_MOST ? `${content.slice(0, SHOWN_AT_MOST)} …` : content}</div>
    ${message.error ? html`<div class="error" part="error"><p>${message.error.message}</p></div>` : nothing}
  </div>`;
}
