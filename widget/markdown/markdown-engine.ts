/**
 * The markdown renderer, a chunk of its own: the streaming parser, its DOM
 * renderer and the warm-up. The element loads it when the visitor shows
 * intent to chat (focus, a first question); answers show as plain text until
 * it is there (see markdown-view.ts).
 */
export { IMAGE, LINK, parser_end, parser_write } from 'streaming-markdown';
export { createMarkdownParser } from './dom-renderer.ts';
export { markdownStyles } from './markdown.styles.ts';
export { MAX_DESTINATION } from './safe-url.ts';
export { alignLastTable, TableAlignReader } from './table-align.ts';
export { warmUpMarkdown } from './warm-up.ts';
