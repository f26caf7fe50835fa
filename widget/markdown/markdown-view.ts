import type { MarkdownOptions } from './dom-renderer.ts';
import type { MarkdownWriter } from './markdown-writer.ts';

type MarkdownEngine = typeof import('../answer-chunk.ts');

let engine: MarkdownEngine | undefined;
let loading: Promise<MarkdownEngine> | undefined;

/**
 * Loads the markdown renderer (in the answer chunk) once per page. A failed load (offline, blocked)
 * leaves answers as plain text and is tried again by the next caller.
 */
export function loadMarkdown(): Promise<MarkdownEngine> {
  loading ??= import('../answer-chunk.ts').then(
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
 * Characters shown as plain text until the renderer is there (it then renders
 * the whole answer, a slice per frame); if it never comes, the first 32 KiB
 * (five times the longest answer a worker lets a model write): plain text is
 * laid out in one task, and 128 KiB of it took 60–80 ms, 32 KiB about 20.
 */
const SHOWN_BEFORE = 4_096;
const SHOWN_WITHOUT = 32_768;

/**
 * One answer rendered as markdown into `root`, which the element places in its
 * template once and never re-renders. The work is the renderer's
 * (markdown-writer.ts, in its chunk); until it has loaded, the start of the
 * text shows as it is, and is rendered once it arrives.
 */
export class MarkdownView {
  readonly root = document.createElement('div');
  private writer?: MarkdownWriter;
  /** Until the renderer is there: the text so far, whether it is complete, and what of it shows. */
  private text = '';
  private ended = false;
  private plain?: Text;
  private arriving?: Promise<void>;

  constructor(private readonly options: MarkdownOptions) {
    if (engine) this.writer = new engine.MarkdownWriter(this.root, options);
    else
      this.arriving = loadMarkdown().then(
        () => this.upgrade(),
        () => this.showPlain(SHOWN_WITHOUT),
      );
  }

  /** While the answer is still being rendered (loaded, or laid out a slice per frame): resolves once it is all there. */
  get rendering(): Promise<void> | undefined {
    return this.writer ? this.writer.rendering : this.arriving;
  }

  /** Adds the next piece of a streaming answer. */
  append(text: string): void {
    if (this.writer) this.writer.append(text);
    else if (!this.ended) this.showPlain(SHOWN_BEFORE, this.text + text);
  }

  /**
   * Brings the view up to `content`: pieces given to `append` are not
   * rendered again, and anything else (a conversation restored or replaced
   * by the page) is rendered anew, once.
   */
  sync(content: string, streaming: boolean): void {
    // A page can set any messages; a content that is not text is shown as text.
    if (typeof content !== 'string') content = String(content ?? '');
    if (this.writer) this.writer.sync(content, streaming);
    else if (content !== this.text || this.ended === streaming) {
      this.ended = !streaming;
      this.showPlain(SHOWN_BEFORE, content);
    }
  }

  /** Renders what is left of a long answer now, in this task (tests; the element lets it render a slice per frame). */
  flush(): void {
    this.writer?.flush();
  }

  private showPlain(limit: number, text = this.text): void {
    this.text = text;
    this.plain ??= this.root.appendChild(new Text());
    this.plain.data = text.length > limit ? `${text.slice(0, limit)} …` : text;
  }

  /** The renderer has arrived: the text is rendered as markdown. */
  private upgrade(): Promise<void> | undefined {
    this.writer = new engine!.MarkdownWriter(this.root, this.options);
    this.writer.sync(this.text, !this.ended);
    this.text = '';
    this.plain = undefined;
    return this.writer.rendering;
  }
}
