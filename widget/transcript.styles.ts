import { css } from 'lit';

/**
 * What only the rendered conversation shows (transcript.ts, message-view.ts), adopted with the answer chunk. The
 * bubbles, the error row and the composer are the entry's (falcon-chat.styles.ts): they show before this arrives.
 */
export const transcriptStyles = css`
  .jump {
    position: absolute;
    bottom: calc(var(--falcon-chat-spacing) / 2);
    inset-inline: 0;
    width: max-content;
    margin-inline: auto;
    border-radius: 1em;
    font-size: 0.875em;
    box-shadow: var(--falcon-chat-shadow);
  }

  .retry {
    padding-block: 0.125rem;
    font-size: inherit;
  }

  /* Answers' markdown rendered ahead of the first answer (markdown/warm-up.ts): laid out, never painted.
     !important because it carries part="message-content": a page's ::part rule beats this one unless it is. */
  .warm-up {
    position: absolute !important;
    inset: 0;
    visibility: hidden !important;
    contain: strict;
  }

  /* The message buttons' box (message-view.ts): their styles come with their chunk. */
  .buttons {
    display: contents;
  }
`;
