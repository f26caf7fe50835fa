import { css } from 'lit';

/** "Advanced options" (settings-panel.ts), adopted when its chunk arrives. */
export const settingsStyles = css`
  .settings {
    display: grid;
    gap: calc(var(--falcon-chat-spacing) / 2);
    padding-top: calc(var(--falcon-chat-spacing) / 2);
  }

  .slider {
    display: flex;
    align-items: center;
    gap: calc(var(--falcon-chat-spacing) / 2);
  }

  .slider input {
    flex: 1;
    accent-color: var(--falcon-chat-accent-color);
  }
`;
