import { parser_end, parser_write, type Parser } from 'streaming-markdown';
import { createMarkdownParser, type MarkdownOptions } from './dom-renderer.ts';
import { alignLastTable, TableAlignReader } from './table-align.ts';

/**
 * One answer rendered as markdown into `root`, which the element places in
 * its template once and never re-renders. Tokens are appended as they
 * arrive: the parser sees only the new text and the DOM only grows at its
 * end, so a token costs the same at the end of a long answer as at its
 * start, and a selection in the finished part survives.
 */
export class MarkdownView {
  readonly root: HTMLElement;
  private parser!: Parser;
  /** Characters written so far (so the element can tell whether it missed any). */
  private written = 0;
  private ended = false;
  /** The whole text, once the view was given it whole (not while it is built from tokens). */
  private source?: string;
  private tables = new TableAlignReader();

  constructor(private readonly options: MarkdownOptions) {
    this.root = document.createElement('div');
    this.restart();
  }

  /** Adds the next piece of a streaming answer. */
  append(text: string): void {
    if (this.ended) return;
    for (const piece of this.tables.split(text)) {
      parser_write(this.parser, piece.text);
      if (piece.align) alignLastTable(this.root, piece.align);
    }
    this.written += text.length;
  }

  /**
   * Brings the view up to `content`. While the answer streams, its text only
   * grows by the pieces given to `append`, so a matching length means there
   * is nothing to do (and no O(length) comparison is made). Anything else
   * (a conversation restored or replaced by the page) is rendered anew, once.
   */
  sync(content: string, streaming: boolean): void {
    if (streaming) {
      if (this.source === undefined && !this.ended && content.length === this.written) return;
    } else if (this.source === content) {
      return;
    } else if (this.source === undefined && !this.ended && content.length === this.written) {
      // The stream is over: flush what the parser held back, and remember the text.
      parser_end(this.parser);
      this.ended = true;
      this.source = content;
      return;
    }
    this.restart();
    this.append(content);
    if (!streaming) {
      parser_end(this.parser);
      this.ended = true;
      this.source = content;
    }
  }

  private restart(): void {
    this.root.replaceChildren();
    this.parser = createMarkdownParser(this.root, this.options);
    this.tables = new TableAlignReader();
    this.written = 0;
    this.ended = false;
    this.source = undefined;
  }
}
