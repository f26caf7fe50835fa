import { css } from 'lit';

/** The buttons under messages (message-actions.ts), adopted when their chunk arrives. */
export const actionStyles = css`
  .actions {
    display: flex;
    gap: 0.125rem;
  }

  /* Every message's buttons show on hover and keyboard focus; the last answer's always. */
  .message:not(.last, .revealed) > .buttons > .actions {
    position: absolute;
    top: calc(100% - 0.5rem);
    z-index: 1;
    padding: 0.125rem;
    background: var(--falcon-chat-background);
    border: 1px solid var(--falcon-chat-border-color);
    border-radius: calc(var(--falcon-chat-radius) / 2);
    opacity: 0;
    pointer-events: none;
  }

  .message.user > .buttons > .actions {
    inset-inline-end: 0;
  }

  .message:focus-within > .buttons > .actions {
    opacity: 1;
    pointer-events: auto;
  }

  @media (hover: hover) {
    .message:hover > .buttons > .actions {
      opacity: 1;
      pointer-events: auto;
    }
  }

  /* Touch has no hover: "⋯" beside the bubble shows its buttons. */
  button.more {
    display: none;
  }

  @media (pointer: coarse) {
    button.more {
      display: inline-grid;
      position: absolute;
      bottom: 0;
      inset-inline-end: 0;
    }

    .message.assistant:not(.last) {
      padding-inline-end: 2.875rem;
    }

    .message.user > .buttons > .more {
      inset-inline: -2.875rem auto;
    }
  }

  .actions .tip {
    bottom: auto;
    top: calc(100% + 0.25rem);
  }

  /* An answer's row starts at the transcript's edge, a question's ends there (and the transcript clips sideways):
     the tips of those edge buttons open inward, as the composer's do. */
  .assistant > .buttons > .actions > :first-child > .tip,
  .user > .buttons > .actions > :last-child > .tip {
    left: auto;
    translate: none;
  }

  .assistant > .buttons > .actions > :first-child > .tip {
    inset-inline-start: 0;
  }

  .user > .buttons > .actions > :last-child > .tip {
    inset-inline-end: 0;
  }
`;
