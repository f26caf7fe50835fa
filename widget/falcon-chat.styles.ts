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
  --falcon-chat-code-keyword-color: #d2a8ff;
  --falcon-chat-code-string-color: #7ee787;
  --falcon-chat-code-comment-color: #8b949e;
  --falcon-chat-code-number-color: #ffa657;
  --falcon-chat-code-function-color: #79c0ff;
  --falcon-chat-code-type-color: #f0c674;
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
      --falcon-chat-column-width: 48rem;
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
      --falcon-chat-code-keyword-color: #a626a4;
      --falcon-chat-code-string-color: #2a7a2e;
      --falcon-chat-code-comment-color: #6a737d;
      --falcon-chat-code-number-color: #b25000;
      --falcon-chat-code-function-color: #0b57d0;
      --falcon-chat-code-type-color: #8a5a00;
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

    /* Not inherited: slotted content (the settings inside <details>) would inherit the slot's content-box. */
    *,
    *::before,
    *::after {
      box-sizing: border-box;
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

    /* Focused by the element itself (after a touch, instead of the input): no ring for that. */
    .chat:focus {
      outline: none;
    }

    :host([mode='fullscreen']) .chat {
      position: fixed;
      inset: 0;
      z-index: var(--falcon-chat-z-index);
      height: 100%;
      /* A reading column, centred on wide screens. */
      padding-inline: max(var(--falcon-chat-spacing), calc((100% - var(--falcon-chat-column-width)) / 2));
      border: 0;
      border-radius: 0;
    }

    /* Physical sides, from the host's direction: the panel opens above its launcher whatever its own language. */
    :host([mode='floating']) .chat,
    :host([mode='floating']) .launcher {
      position: fixed;
      top: auto;
      bottom: 1rem;
      right: 1rem;
      left: auto;
      z-index: var(--falcon-chat-z-index);
    }

    :host([mode='floating']:dir(rtl)) .chat,
    :host([mode='floating']:dir(rtl)) .launcher,
    :host([mode='floating'][position='bottom-left']) .chat,
    :host([mode='floating'][position='bottom-left']) .launcher {
      right: auto;
      left: 1rem;
    }

    :host([mode='floating'][position='bottom-right']) .chat,
    :host([mode='floating'][position='bottom-right']) .launcher {
      right: 1rem;
      left: auto;
    }

    :host([mode='floating']) .chat {
      bottom: calc(1rem + 3.5rem + var(--falcon-chat-spacing));
      width: min(var(--falcon-chat-width), calc(100vw - 2rem));
      height: min(var(--falcon-chat-height), calc(100dvh - 6rem));
      box-shadow: var(--falcon-chat-shadow);
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

    svg {
      width: 1.25rem;
      height: 1.25rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 2;
      stroke-linejoin: round;
      stroke-linecap: round;
    }

    .launcher svg {
      width: 1.75rem;
      height: 1.75rem;
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
      padding-bottom: calc(var(--falcon-chat-spacing) / 2);
      border-bottom: 1px solid var(--falcon-chat-border-color);
    }

    h2 {
      flex: 1;
      margin: 0;
      font-size: 1.0625em;
      font-weight: 600;
    }

    .transcript-frame {
      position: relative;
      flex: 1;
      min-height: 0;
      display: flex;
      flex-direction: column;
    }

    /* No inline padding: bubbles start at the heading's and the input's edge. */
    .transcript {
      flex: 1;
      min-height: 0;
      overflow: hidden auto;
      display: flex;
      flex-direction: column;
      gap: var(--falcon-chat-spacing);
      padding-block: calc(var(--falcon-chat-spacing) / 2);
    }

    .transcript:focus-visible {
      outline-offset: -2px;
    }

    .message {
      position: relative;
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      gap: calc(var(--falcon-chat-spacing) / 3);
      max-width: 85%;
      overflow-wrap: anywhere;
    }

    .message.user {
      align-self: flex-end;
      align-items: flex-end;
    }

    /* Answers may use the whole width: tables and code need it most on phones. */
    .message.assistant {
      align-self: flex-start;
      max-width: 100%;
    }

    .content {
      max-width: 100%;
      padding: calc(var(--falcon-chat-spacing) * 0.625) var(--falcon-chat-spacing);
      border-radius: var(--falcon-chat-radius);
    }

    .user .content {
      white-space: pre-wrap;
      background: var(--falcon-chat-user-background);
      color: var(--falcon-chat-user-color);
    }

    .assistant .content {
      background: var(--falcon-chat-assistant-background);
      color: var(--falcon-chat-assistant-color);
    }

    /* Something to look at while the first words are on their way; nothing once an answer failed wordless. */
    .streaming .content:empty::after {
      content: '…';
    }

    .message:not(.streaming) > .content:empty {
      display: none;
    }

    .note {
      margin: 0;
      font-size: 0.875em;
      font-style: italic;
      color: var(--falcon-chat-muted-color);
    }

    .error {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: calc(var(--falcon-chat-spacing) / 2);
      font-size: 0.875em;
      color: var(--falcon-chat-error-color);
    }

    .error p {
      margin: 0;
      flex: 1 1 12rem;
      padding-inline-start: calc(var(--falcon-chat-spacing) / 2);
      border-inline-start: 3px solid currentColor;
    }

    button:disabled {
      cursor: default;
      opacity: 0.6;
    }

    .icon {
      position: relative;
      display: inline-grid;
      place-items: center;
      width: 2rem;
      height: 2rem;
      padding: 0;
      color: var(--falcon-chat-muted-color);
      background: transparent;
      border-color: transparent;
      border-radius: 50%;
    }

    .icon:hover {
      color: var(--falcon-chat-color);
      background: color-mix(in srgb, currentColor 10%, transparent);
    }

    /* An icon button's name, shown above it on hover and keyboard focus. */
    .tip {
      position: absolute;
      bottom: calc(100% + 0.25rem);
      left: 50%;
      translate: -50%;
      z-index: 2;
      padding: 0.125rem 0.375rem;
      white-space: nowrap;
      font-size: 0.75rem;
      color: var(--falcon-chat-background);
      background: var(--falcon-chat-color);
      border-radius: 0.25rem;
      pointer-events: none;
      clip-path: inset(50%);
    }

    .icon:focus-visible > .tip {
      clip-path: none;
    }

    @media (hover: hover) {
      .icon:hover > .tip {
        clip-path: none;
      }
    }

    /* Send and Stop sit at the panel's inline end: their tips open toward its middle, never past its edge. */
    .composer .tip {
      left: auto;
      inset-inline-end: 0;
      translate: none;
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
      padding-block: 0.25rem;
      border-radius: 1em;
      text-align: start;
    }

    .suggestions button:hover {
      border-color: var(--falcon-chat-accent-color);
    }

    /* One line that grows with the text, the Send (or Stop) button inside its frame. */
    .composer {
      display: flex;
      gap: 0.25rem;
      align-items: flex-end;
      padding: 0.25rem;
      padding-inline-start: var(--falcon-chat-spacing);
      background: var(--falcon-chat-background);
      border: 1px solid var(--falcon-chat-border-color);
      border-radius: var(--falcon-chat-radius);
    }

    .composer:has(textarea:focus) {
      outline: 2px solid var(--falcon-chat-focus-ring-color);
      outline-offset: -1px;
    }

    .composer textarea {
      align-self: center;
      min-height: 0;
      max-height: 10lh;
      padding: 0.375rem 0;
      field-sizing: content;
      resize: none;
      border: 0;
      outline: none;
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

    .composer .icon {
      width: 2.25rem;
      height: 2.25rem;
    }

    .composer .send {
      color: var(--falcon-chat-accent-text-color);
      background: var(--falcon-chat-accent-color);
    }

    /* Unmistakable while an answer streams: a filled square in a dark pill that says Stop. */
    .composer .stop {
      display: inline-flex;
      gap: 0.375rem;
      width: auto;
      padding-inline: 0.75rem;
      border-radius: 1.125rem;
      color: var(--falcon-chat-background);
      background: var(--falcon-chat-color);
    }

    .stop svg {
      width: 1rem;
      height: 1rem;
      fill: currentColor;
    }

    .stop > .tip {
      position: static;
      padding: 0;
      translate: none;
      font-size: 0.875em;
      color: inherit;
      background: none;
      clip-path: none;
    }

    .notice {
      margin: calc(var(--falcon-chat-spacing) / -2) 0 0;
      font-size: 0.8125em;
      color: var(--falcon-chat-muted-color);
    }

    .notice:empty {
      position: absolute;
    }

    button {
      min-width: 24px;
      min-height: 24px;
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

    button.quiet {
      padding-block: 0.125rem;
      font-size: 0.875em;
      color: var(--falcon-chat-muted-color);
      background: transparent;
      border-color: transparent;
    }

    button.quiet:hover {
      color: var(--falcon-chat-color);
      border-color: var(--falcon-chat-border-color);
    }

    :focus-visible {
      outline: 2px solid var(--falcon-chat-focus-ring-color);
      outline-offset: 2px;
    }

    details {
      font-size: 0.875em;
    }

    summary {
      min-height: 24px;
      cursor: pointer;
      color: var(--falcon-chat-muted-color);
    }

    /* Touch: targets of at least 44 by 44 CSS pixels. */
    @media (pointer: coarse) {
      button,
      .icon,
      summary {
        min-width: 44px;
        min-height: 44px;
      }
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
  // The rendered conversation's styles (transcript.styles.ts, markdown.styles.ts) come with the answer chunk.
];
