// First, so that Lit's modules below can run without a DOM (server rendering).
import { lentGlobals } from './no-dom.ts';
import { FalconChat } from './falcon-chat.component.ts';

export * from './falcon-chat.component.ts';
export type { ChatMessage, ChatMessageInit } from './chat-message.ts';
export type { ChatErrorCode } from './chat-error-code.ts';
export * from './events.ts';

for (const name of lentGlobals) delete (globalThis as Record<string, unknown>)[name];

// Defined where there is a DOM. A page may load the script twice (say, the ES and the classic build): the first wins.
if (typeof customElements !== 'undefined' && !customElements.get('falcon-chat')) {
  customElements.define('falcon-chat', FalconChat);
}

declare global {
  interface HTMLElementTagNameMap {
    'falcon-chat': FalconChat;
  }
}
