/**
 * The markdown renderer, a chunk of its own: the streaming parser, its DOM
 * renderer, the writer that feeds them an answer, and the warm-up. The element loads it when the visitor shows
 * intent to chat (focus, a first question); answers show as plain text until
 * it is there (see markdown-view.ts).
 */
export { markdownStyles } from './markdown.styles.ts';
export { MarkdownWriter } from './markdown-writer.ts';
export { warmUpMarkdown } from './warm-up.ts';
