import { css } from 'lit';

/**
 * Syntax highlighting's colours, in its chunk (code-highlight.ts), which
 * adopts them where it highlights: a first answer without code is spared them.
 */
export const highlightStyles = css`
  ::highlight(falcon-chat-keyword) {
    color: var(--falcon-chat-code-keyword-color);
  }

  ::highlight(falcon-chat-string) {
    color: var(--falcon-chat-code-string-color);
  }

  ::highlight(falcon-chat-comment) {
    color: var(--falcon-chat-code-comment-color);
  }

  ::highlight(falcon-chat-number) {
    color: var(--falcon-chat-code-number-color);
  }

  ::highlight(falcon-chat-function) {
    color: var(--falcon-chat-code-function-color);
  }

  ::highlight(falcon-chat-type) {
    color: var(--falcon-chat-code-type-color);
  }
`;
