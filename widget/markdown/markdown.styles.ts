import { css } from 'lit';

/** Rendered answers: compact, inside a message bubble, mirrored under `dir="rtl"` (logical properties). */
export const markdownStyles = css`
  /* Past the renderer's limits the answer goes on as plain text, its line breaks kept. */
  .markdown .plain-rest {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  /* An answer's blocks are in sections (sections.ts). */
  .markdown > :first-child > :first-child {
    margin-top: 0;
  }

  .markdown > :last-child > :last-child {
    margin-bottom: 0;
  }

  /* Each section holds its blocks' margins, as it must once it is laid aside, so that it is the same size
     then (each starts at a block with no top margin, and the one above's bottom margin spaces them); one
     laid aside clips what it paints to itself: room for a focus ring around a block at its edge. */
  .markdown > * {
    display: flow-root;
    margin: -4px -4px 0;
    padding: 4px 4px 0;
  }

  .markdown p,
  .markdown ul,
  .markdown ol,
  .markdown blockquote,
  .markdown .table-scroll,
  .markdown .code-block {
    margin: 0 0 0.5em;
  }

  .markdown :is(h3, h4, h5, h6) {
    margin: 0.75em 0 0.25em;
    line-height: 1.25;
  }

  .markdown h3 {
    font-size: 1.25em;
  }

  .markdown h4 {
    font-size: 1.125em;
  }

  .markdown h5,
  .markdown h6 {
    font-size: 1em;
  }

  .markdown :is(ul, ol) {
    padding-inline-start: 1.5em;
  }

  .markdown li > :is(ul, ol, p) {
    margin: 0;
  }

  .markdown blockquote {
    padding-inline-start: 0.75em;
    border-inline-start: 3px solid var(--falcon-chat-border-color);
  }

  .markdown a[href] {
    color: var(--falcon-chat-link-color);
    text-decoration: underline;
  }

  .markdown img {
    max-width: 100%;
    height: auto;
  }

  .markdown hr {
    border: 0;
    border-top: 1px solid var(--falcon-chat-border-color);
  }

  .markdown code,
  .markdown pre {
    font-family: var(--falcon-chat-code-font-family);
    font-size: 0.875em;
    color: var(--falcon-chat-code-color);
  }

  .markdown :not(pre) > code {
    padding: 0.1em 0.3em;
    background: var(--falcon-chat-code-background);
    border-radius: 0.25em;
  }

  .markdown pre code {
    font-size: inherit;
  }

  .markdown .table-scroll {
    overflow-x: auto;
    max-width: 100%;
  }

  /* A table keeps its words whole and scrolls sideways when it is too wide; the message's
     overflow-wrap: anywhere would otherwise let it shrink by breaking them ("Busi/ness"). */
  .markdown table {
    border-collapse: collapse;
    overflow-wrap: normal;
    word-break: normal;
  }

  .markdown :is(th, td) {
    min-width: 4.5em;
    padding: 0.25em 0.5em;
    text-align: start;
    vertical-align: top;
    border: 1px solid var(--falcon-chat-border-color);
  }

  .markdown th {
    white-space: nowrap;
  }

  .markdown .align-right {
    text-align: right;
  }

  .markdown .align-center {
    text-align: center;
  }

  .markdown .align-left {
    text-align: left;
  }

  .code-block {
    background: var(--falcon-chat-code-background);
    border: 1px solid var(--falcon-chat-border-color);
    border-radius: calc(var(--falcon-chat-radius) / 2);
    overflow: hidden;
  }

  .code-header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    padding: 0.125em 0.125em 0.125em 0.75em;
    font-size: 0.8125em;
    color: var(--falcon-chat-code-color);
    border-bottom: 1px solid var(--falcon-chat-border-color);
  }

  .code-header button {
    padding: 0.125em 0.5em;
    font-size: inherit;
    border-color: transparent;
    background: transparent;
    color: inherit;
  }

  .code-block pre {
    margin: 0;
    padding: 0.75em;
    overflow-x: auto;
    text-align: left;
  }
`;
