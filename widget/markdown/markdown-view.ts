import type { Parser } from 'streaming-markdown';
import type { MarkdownOptions } from './dom-renderer.ts';

type MarkdownEngine = typeof import('./markdown-engine.ts');

let engine: MarkdownEngine | undefined;
let loading: Promise<MarkdownEngine> | undefined;

/**
 * Loads the markdown renderer once per page. A failed load (offline, blocked)
 * leaves answers as plain text and is tried again by the next caller.
 */
export function loadMarkdown(): Promise<MarkdownEngine> {
  loading ??= import('./markdown-engine.ts').then(
    (loaded) => (engine = loaded),
    (error: unknown) => {
      loading = undefined;
      console.warn('falcon-chat: the markdown renderer did not load; answers show as plain text.', error);
      throw error;
    },
  );
  return loading;
}

/**
 * One answer rendered as markdown into `root`, which the element places in
 * its template once and never re-renders. Tokens are appended as they
 * arrive: the parser sees only the new text and the DOM only grows at its
 * end, so a token costs the same at the end of a long answer as at its
 * start, and a selection in the finished part survives. Until the renderer
 * has loaded, the text shows as it is, and is rendered once it arrives.
 */
export class MarkdownView {
  readonly root: HTMLElement;
  private parser?: Parser;
  /** Text shown as it is, while there is no parser yet. */
  private plain?: Text;
  /** Characters written so far (so the element can tell whether it missed any). */
  private written = 0;
  private ended = false;
  /** The whole text, once the view was given it whole (not while it is built from tokens). */
  private source?: string;

  constructor(private readonly options: MarkdownOptions) {
    this.root = document.createElement('div');
    this.restart();
    if (!engine)
      loadMarkdown().then(
        () => this.upgrade(),
        () => {},
      );
  }

  /** Adds the next piece of a streaming answer. */
  append(text: string): void {
    if (this.ended) return;
    if (this.parser) {
      engine!.parser_write(this.parser, text);
    } else {
      this.plain ??= this.root.appendChild(new Text());
      this.plain.appendData(text);
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
      this.end(content);
      return;
    }
    this.restart();
    this.append(content);
    if (!streaming) this.end(content);
  }

  private end(content: string): void {
    if (this.parser) engine!.parser_end(this.parser);
    this.ended = true;
    this.source = content;
  }

  /** The renderer has arrived: what was shown as plain text is rendered as markdown. */
  private upgrade(): void {
    if (this.parser) return;
    const { ended, source } = this;
    const text = this.plain?.data ?? '';
    this.restart();
    this.append(text);
    if (ended) this.end(source ?? text);
  }

  private restart(): void {
    this.root.replaceChildren();
    this.parser = engine?.createMarkdownParser(this.root, this.options);
    this.plain = undefined;
    this.written = 0;
    this.ended = false;
    this.source = undefined;
  }
}
