import { FalconChat } from './falcon-chat.component.ts';

export * from './falcon-chat.component.ts';
export type { ChatMessage, ChatMessageInit } from './chat-message.ts';
export type { ChatErrorCode } from './chat-error-code.ts';
export * from './events.ts';

// A page may load the script twice (say, the ES and the classic build); the first one wins.
if (!customElements.get('falcon-chat')) customElements.define('falcon-chat', FalconChat);

declare global {
  interface HTMLElementTagNameMap {
    'falcon-chat': FalconChat;
  }
}
