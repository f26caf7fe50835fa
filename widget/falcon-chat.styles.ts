import { css } from 'lit';

/**
 * Every colour, radius, font and spacing is a `--falcon-chat-*` property
 * declared on :host, so a site restyles the element without reaching inside.
 */
export const styles = css`
  :host {
    --falcon-chat-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --falcon-chat-font-size: 1rem;
    --falcon-chat-line-height: 1.5;
    --falcon-chat-color: #1f2328;
    --falcon-chat-muted-color: #59636e;
    --falcon-chat-background: #ffffff;
    --falcon-chat-border-color: #d1d9e0;
    --falcon-chat-radius: 0.75rem;
    --falcon-chat-spacing: 0.75rem;
    --falcon-chat-height: 32rem;
    --falcon-chat-accent-color: #0b57d0;
    --falcon-chat-accent-text-color: #ffffff;
    --falcon-chat-user-background: #dbe7fb;
    --falcon-chat-user-color: #0f1f3d;
    --falcon-chat-assistant-background: #f2f4f6;
    --falcon-chat-assistant-color: #1f2328;
    --falcon-chat-error-background: #fdecec;
    --falcon-chat-error-color: #8c1515;
    --falcon-chat-focus-ring-color: #0b57d0;

    display: block;
    box-sizing: border-box;
    font-family: var(--falcon-chat-font-family);
    font-size: var(--falcon-chat-font-size);
    line-height: var(--falcon-chat-line-height);
    color: var(--falcon-chat-color);
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .chat {
    display: flex;
    flex-direction: column;
    gap: var(--falcon-chat-spacing);
    height: var(--falcon-chat-height);
    padding: var(--falcon-chat-spacing);
    background: var(--falcon-chat-background);
    border: 1px solid var(--falcon-chat-border-color);
    border-radius: var(--falcon-chat-radius);
  }

  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--falcon-chat-spacing);
  }

  h2 {
    margin: 0;
    font-size: 1.125em;
  }

  .transcript {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: var(--falcon-chat-spacing);
    padding: calc(var(--falcon-chat-spacing) / 2);
    border-radius: calc(var(--falcon-chat-radius) / 2);
  }

  .message {
    max-width: 85%;
    padding: calc(var(--falcon-chat-spacing) * 0.75) var(--falcon-chat-spacing);
    border-radius: var(--falcon-chat-radius);
  }

  .message.user {
    align-self: flex-end;
    background: var(--falcon-chat-user-background);
    color: var(--falcon-chat-user-color);
  }

  .message.assistant {
    align-self: flex-start;
    background: var(--falcon-chat-assistant-background);
    color: var(--falcon-chat-assistant-color);
  }

  .content {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  /* Something to look at while the first words are on their way. */
  .content.streaming:empty::after {
    content: '…';
    color: var(--falcon-chat-muted-color);
  }

  .note {
    margin: calc(var(--falcon-chat-spacing) / 3) 0 0;
    font-size: 0.875em;
    font-style: italic;
    color: var(--falcon-chat-muted-color);
  }

  .error {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--falcon-chat-spacing) / 2);
    margin-top: calc(var(--falcon-chat-spacing) / 2);
    padding: calc(var(--falcon-chat-spacing) / 2);
    border-radius: calc(var(--falcon-chat-radius) / 2);
    background: var(--falcon-chat-error-background);
    color: var(--falcon-chat-error-color);
  }

  .error p {
    margin: 0;
    flex: 1 1 12rem;
  }

  .composer {
    display: flex;
    gap: calc(var(--falcon-chat-spacing) / 2);
    align-items: flex-end;
  }

  textarea {
    flex: 1;
    min-height: 2.75em;
    resize: vertical;
    padding: calc(var(--falcon-chat-spacing) / 2);
    font: inherit;
    color: inherit;
    background: var(--falcon-chat-background);
    border: 1px solid var(--falcon-chat-border-color);
    border-radius: calc(var(--falcon-chat-radius) / 2);
  }

  textarea::placeholder {
    color: var(--falcon-chat-muted-color);
  }

  button {
    padding: calc(var(--falcon-chat-spacing) / 2) var(--falcon-chat-spacing);
    font: inherit;
    color: var(--falcon-chat-color);
    background: var(--falcon-chat-background);
    border: 1px solid var(--falcon-chat-border-color);
    border-radius: calc(var(--falcon-chat-radius) / 2);
    cursor: pointer;
  }

  button.primary {
    color: var(--falcon-chat-accent-text-color);
    background: var(--falcon-chat-accent-color);
    border-color: var(--falcon-chat-accent-color);
  }

  :focus-visible {
    outline: 2px solid var(--falcon-chat-focus-ring-color);
    outline-offset: 2px;
  }

  details {
    font-size: 0.875em;
  }

  summary {
    cursor: pointer;
    color: var(--falcon-chat-muted-color);
  }

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

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
