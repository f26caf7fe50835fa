import { html, type TemplateResult } from 'lit';

/**
 * The element's icons: one stroked path each on a 24-unit grid, drawn in the
 * button's text colour (see `.icon svg` in the styles). Inline, so no request
 * and no CSP directive is needed for them. The message buttons' own are in
 * message-actions.ts, a chunk no first view needs.
 */
export const icons = {
  chat: 'M4 5h16v11H9l-5 4z',
  close: 'M6 6l12 12M18 6L6 18',
  send: 'M12 19V5m-6 6l6-6 6 6',
  stop: 'M8 8h8v8H8z',
};

export const icon = (path: string): TemplateResult =>
  html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${path}></path></svg>`;

/** An icon with its name: read by screen readers, shown as a tooltip on hover and keyboard focus. */
export const labelledIcon = (path: string, label: string): TemplateResult =>
  html`${icon(path)}<span class="tip">${label}</span>`;
