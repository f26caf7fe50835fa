import { css } from 'lit';

const darkPalette = css`
  --falcon-chat-color: #e6edf3;
  --falcon-chat-muted-color: #9da7b3;
  --falcon-chat-background: #15191e;
  --falcon-chat-border-color: #3d444d;
  --falcon-chat-accent-color: #8ab4f8;
  --falcon-chat-accent-text-color: #0b1d3a;
  --falcon-chat-user-background: #1d3a6b;
  --falcon-chat-user-color: #e6edf3;
  --falcon-chat-assistant-background: #232a33;
  --falcon-chat-assistant-color: #e6edf3;
  --falcon-chat-link-color: #9cc2ff;
  --falcon-chat-code-background: #0d1117;
  --falcon-chat-code-color: #e6edf3;
  --falcon-chat-error-background: #3d1516;
  --falcon-chat-error-color: #ffb4ab;
  --falcon-chat-focus-ring-color: #8ab4f8;
  color-scheme: dark;
`;

/**
 * Every colour, radius, font and spacing is a `--falcon-chat-*` property
 * declared on :host, so a site restyles the element without reaching inside;
 * the page's own rules for `falcon-chat` win over these defaults. Nothing is
 * set through a style attribute, so a strict `style-src` is no obstacle.
 */
export const styles = [
  css`
    :host {
      --falcon-chat-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
      --falcon-chat-code-font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
      --falcon-chat-font-size: 1rem;
      --falcon-chat-line-height: 1.5;
      --falcon-chat-color: #1f2328;
      --falcon-chat-muted-color: #59636e;
      --falcon-chat-background: #ffffff;
      --falcon-chat-border-color: #d1d9e0;
      --falcon-chat-radius: 0.75rem;
      --falcon-chat-spacing: 0.75rem;
      --falcon-chat-height: 32rem;
      --falcon-chat-width: 24rem;
      --falcon-chat-z-index: 1000;
      --falcon-chat-shadow: 0 0.5rem 2rem rgb(0 0 0 / 0.2);
      --falcon-chat-accent-color: #0b57d0;
      --falcon-chat-accent-text-color: #ffffff;
      --falcon-chat-user-background: #dbe7fb;
      --falcon-chat-user-color: #0f1f3d;
      --falcon-chat-assistant-background: #f2f4f6;
      --falcon-chat-assistant-color: #1f2328;
      --falcon-chat-link-color: #0b57d0;
      --falcon-chat-code-background: #ffffff;
      --falcon-chat-code-color: #1f2328;
      --falcon-chat-error-background: #fdecec;
      --falcon-chat-error-color: #8c1515;
      --falcon-chat-focus-ring-color: #0b57d0;
      color-scheme: light;

      display: block;
    }

    :host([theme='dark']) {
      ${darkPalette}
    }

    @media (prefers-color-scheme: dark) {
      :host([theme='auto']) {
        ${darkPalette}
      }
    }

    :host([hidden]) {
      display: none;
    }

    /*
     * Floating and fullscreen are positioned by the elements inside the shadow
     * root, which no page rule can reach: a page that restyles the host itself
     * (even all: unset !important) cannot pull the launcher into its flow.
     */
    :host([mode='floating']),
    :host([mode='fullscreen']) {
      z-index: var(--falcon-chat-z-index);
    }

    *,
    *::before,
    *::after {
      box-sizing: inherit;
    }

    [hidden] {
      display: none !important;
    }

    /*
     * Inherited text styles of the page stop here (direction still inherits).
     * Set again on the outermost inner elements, because a page can force its
     * own on the host, even with !important, and nothing inside may inherit them.
     */
    :host,
    .chat,
    .launcher {
      box-sizing: border-box;
      font-family: var(--falcon-chat-font-family);
      font-size: var(--falcon-chat-font-size);
      line-height: var(--falcon-chat-line-height);
      color: var(--falcon-chat-color);
      font-style: normal;
      font-weight: normal;
      font-variant: normal;
      font-stretch: normal;
      letter-spacing: normal;
      word-spacing: normal;
      text-align: start;
      text-indent: 0;
      text-transform: none;
      text-shadow: none;
      white-space: normal;
      word-break: normal;
      hyphens: manual;
      tab-size: 8;
      -webkit-text-stroke: 0;
      cursor: auto;
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

    :host([mode='fullscreen']) .chat {
      position: fixed;
      inset: 0;
      z-index: var(--falcon-chat-z-index);
      height: 100%;
      border: 0;
      border-radius: 0;
    }

    :host([mode='floating']) .chat,
    :host([mode='floating']) .launcher {
      position: fixed;
      top: auto;
      bottom: 1rem;
      inset-inline-start: auto;
      inset-inline-end: 1rem;
      z-index: var(--falcon-chat-z-index);
    }

    :host([mode='floating']) .chat {
      bottom: calc(1rem + 3.5rem + var(--falcon-chat-spacing));
      width: min(var(--falcon-chat-width), calc(100vw - 2rem));
      height: min(var(--falcon-chat-height), calc(100dvh - 6rem));
      box-shadow: var(--falcon-chat-shadow);
    }

    :host([mode='floating'][position]) .chat,
    :host([mode='floating'][position]) .launcher {
      inset-inline: auto;
    }

    :host([mode='floating'][position='bottom-right']) .chat,
    :host([mode='floating'][position='bottom-right']) .launcher {
      right: 1rem;
    }

    :host([mode='floating'][position='bottom-left']) .chat,
    :host([mode='floating'][position='bottom-left']) .launcher {
      left: 1rem;
    }

    .launcher {
      display: grid;
      place-items: center;
      width: 3.5rem;
      height: 3.5rem;
      padding: 0;
      border-radius: 50%;
      color: var(--falcon-chat-accent-text-color);
      background: var(--falcon-chat-accent-color);
      border-color: var(--falcon-chat-accent-color);
      box-shadow: var(--falcon-chat-shadow);
    }

    .launcher svg {
      width: 1.75rem;
      height: 1.75rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 2;
      stroke-linejoin: round;
      stroke-linecap: round;
    }

    /* Phones: the open panel is the whole visual viewport, above the on-screen keyboard. */
    @media (max-width: 639.98px) {
      :host([mode='floating']) .chat,
      :host([mode='fullscreen']) .chat {
        position: fixed;
        top: var(--falcon-chat-viewport-top, 0);
        right: 0;
        bottom: auto;
        left: 0;
        width: 100%;
        height: var(--falcon-chat-viewport-height, 100dvh);
        border: 0;
        border-radius: 0;
      }

      :host([mode='floating'][open]) .launcher {
        display: none;
      }

      /* iOS zooms into any field whose text is smaller than 16px. */
      :host textarea {
        font-size: max(16px, 1em);
      }
    }

    header {
      display: flex;
      align-items: center;
      gap: calc(var(--falcon-chat-spacing) / 2);
    }

    h2 {
      flex: 1;
      margin: 0;
      font-size: 1.125em;
    }

    .close {
      padding-block: 0;
      font-size: 1.5em;
      line-height: 1.5;
    }

    .transcript-frame {
      position: relative;
      flex: 1;
      min-height: 0;
      display: flex;
      flex-direction: column;
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

    .jump {
      position: absolute;
      bottom: calc(var(--falcon-chat-spacing) / 2);
      inset-inline: 0;
      width: max-content;
      margin-inline: auto;
      box-shadow: var(--falcon-chat-shadow);
    }

    .message {
      max-width: 85%;
      padding: calc(var(--falcon-chat-spacing) * 0.75) var(--falcon-chat-spacing);
      border-radius: var(--falcon-chat-radius);
      overflow-wrap: anywhere;
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

    .message.user .content {
      white-space: pre-wrap;
    }

    /* Something to look at while the first words are on their way. */
    .streaming .content:empty::after {
      content: '…';
    }

    .note {
      margin: calc(var(--falcon-chat-spacing) / 3) 0 0;
      font-size: 0.875em;
      font-style: italic;
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

    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: calc(var(--falcon-chat-spacing) / 3);
      margin-top: calc(var(--falcon-chat-spacing) / 3);
      margin-inline-start: calc(var(--falcon-chat-spacing) / -2);
    }

    button.action {
      padding: 0.125rem calc(var(--falcon-chat-spacing) / 2);
      font-size: 0.8125em;
      color: inherit;
      background: transparent;
      border-color: transparent;
    }

    button.action:hover {
      text-decoration: underline;
    }

    .edit {
      display: grid;
      gap: calc(var(--falcon-chat-spacing) / 2);
      min-width: min(20rem, 60vw);
    }

    .edit-buttons {
      display: flex;
      justify-content: flex-end;
      gap: calc(var(--falcon-chat-spacing) / 2);
    }

    .suggestions {
      display: flex;
      flex-wrap: wrap;
      gap: calc(var(--falcon-chat-spacing) / 2);
      margin: 0;
      padding: 0;
      list-style: none;
    }

    .suggestions button {
      border-radius: 1em;
      text-align: start;
    }

    .composer {
      display: flex;
      gap: calc(var(--falcon-chat-spacing) / 2);
      align-items: flex-end;
    }

    textarea {
      flex: 1;
      width: 100%;
      min-height: 2.75em;
      resize: vertical;
      padding: calc(var(--falcon-chat-spacing) / 2);
      font: inherit;
      color: var(--falcon-chat-color);
      background: var(--falcon-chat-background);
      border: 1px solid var(--falcon-chat-border-color);
      border-radius: calc(var(--falcon-chat-radius) / 2);
    }

    textarea::placeholder {
      color: var(--falcon-chat-muted-color);
      opacity: 1;
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

    /* Answers' markdown rendered ahead of the first answer (markdown/warm-up.ts): laid out, never painted.
       !important because it carries part="message-content": a page's ::part rule beats this one unless it is. */
    .warm-up {
      position: absolute !important;
      inset: 0;
      visibility: hidden !important;
      contain: strict;
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
  `,
  // markdownStyles come with the markdown renderer's chunk (adopted by the element when it loads).
];
