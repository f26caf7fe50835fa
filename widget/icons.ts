import { html, type TemplateResult } from 'lit';

/**
 * The element's icons: one stroked path each on a 24-unit grid, drawn in the
 * button's text colour (see `.icon svg` in the styles). Inline, so no request
 * and no CSP directive is needed for them.
 */
export const icons = {
  chat: 'M4 5h16v11H9l-5 4z',
  close: 'M6 6l12 12M18 6L6 18',
  send: 'M12 19V5m-6 6l6-6 6 6',
  stop: 'M8 8h8v8H8z',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  copied: 'M5 12l5 5 9-10',
  edit: 'M4 20h4L19 9l-4-4L4 16zm9-13l4 4',
  regenerate: 'M20 11a8 8 0 1 0-2 6m2-12v6h-6',
  delete: 'M5 7h14m-9 0V4h4v3M7 7l1 13h8l1-13',
  more: 'M6 12h.01M12 12h.01M18 12h.01',
};

export const icon = (path: string): TemplateResult =>
  html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${path}></path></svg>`;

/** An icon with its name: read by screen readers, shown as a tooltip on hover and keyboard focus. */
export const labelledIcon = (path: string, label: string): TemplateResult =>
  html`${icon(path)}<span class="tip">${label}</span>`;
