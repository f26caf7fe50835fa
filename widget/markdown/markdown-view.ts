import type { MarkdownOptions } from './dom-renderer.ts';
import { MarkdownWriter } from './markdown-writer.ts';

/**
 * One answer rendered as markdown into `root`, which the element places in
 * its template once and never re-renders. The work is the writer's
 * (markdown-writer.ts); this is the element's handle on it, in the answer
 * chunk with the transcript that holds one per answer (transcript.ts).
 */
export class MarkdownView {
  readonly root = document.createElement('div');
  private readonly writer: MarkdownWriter;

  constructor(options: MarkdownOptions) {
    this.writer = new MarkdownWriter(this.root, options);
  }

  /** While a long answer is still being laid out a slice per frame: resolves once it is all there. */
  get rendering(): Promise<void> | undefined {
    return this.writer.rendering;
  }

  /** Adds the next piece of a streaming answer. */
  append(text: string): void {
    this.writer.append(text);
  }

  /**
   * Brings the view up to `content`: pieces given to `append` are not
   * rendered again, and anything else (a conversation restored or replaced
   * by the page) is rendered anew, once.
   */
  sync(content: string, streaming: boolean): void {
    // A page can set any messages; a content that is not text is shown as text.
    this.writer.sync(typeof content === 'string' ? content : String(content ?? ''), streaming);
  }

  /** Renders what is left of a long answer now, in this task (tests; the element lets it render a slice per frame). */
  flush(): void {
    this.writer.flush();
  }
}
