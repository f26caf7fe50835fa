import { IMAGE, LINK, parser_end, parser_write } from 'streaming-markdown';
import { createMarkdownParser, type MarkdownOptions, type MarkdownRenderer } from './dom-renderer.ts';
import { MAX_DESTINATION } from './safe-url.ts';
import { alignLastTable, TableAlignReader } from './table-align.ts';

/**
 * What the parser is given, and how. An answer's first 64 KiB are markdown
 * (ten times the longest answer the worker lets a model write), the rest is
 * plain text. The parser is fed in slices, and a marker it holds back longer
 * than a link (a run of `*`, digits, backticks, `<br   `…) ends the markdown
 * there: it copies what it holds back on every character, so an unbounded run
 * would cost the square of its length.
 */
export const MAX_MARKDOWN_CHARS = 65_536;
/**
 * Laying out text costs time in proportion to its length, and a megabyte is
 * seconds of one frame: an answer shows its first 128 KiB (and of plain text
 * 2,048 lines), then `…` (its whole text stays in the conversation, and Copy
 * copies all of it).
 */
export const MAX_SHOWN_CHARS = 131_072;
export const MAX_SHOWN_LINES = 2_048;
const SLICE = 128;
const MAX_PENDING = 128;
/**
 * A whole answer (restored, or replaced by the page) is not rendered in one
 * task: its first characters at once, the rest a slice per frame, each slice
 * at most FRAME_MS of building and FRAME_CHARS of text, an element it makes
 * counted as ELEMENT_CHARS (the frame then styles, lays out and paints only
 * what the slice added, at about 25 µs an element: 1,000 of them were 30 ms),
 * so no task grows with the answer. Streamed tokens are already paced per
 * frame (text-pacer.ts).
 */
const FIRST_CHARS = 2_048;
const FRAME_MS = 8;
const FRAME_CHARS = 8_192;
const ELEMENT_CHARS = 32;
const PIECE = SLICE * 4;

/** `end`, moved back one if it would split a surrogate pair (and still past `start`). */
function cut(text: string, start: number, end: number): number {
  const code = text.charCodeAt(end - 1);
  return end < text.length && end - 1 > start && code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/**
 * One answer rendered as markdown into `root` (the view's, which the element
 * places in its template once and never re-renders), in the renderer's
 * chunk. Tokens are appended as they arrive: the parser sees only the new
 * text and the DOM only grows at its end, so a token costs the same at the
 * end of a long answer as at its start, and a selection in the finished part
 * survives.
 */
export class MarkdownWriter {
  private renderer!: MarkdownRenderer;
  /** Reads tables' column alignments from the raw text, which the parser drops. */
  private tables!: TableAlignReader;
  /** Characters written so far (so the element can tell whether it missed any). */
  private written = 0;
  private ended = false;
  /** Past a limit of the markdown: the parser is given nothing more. */
  private pastMarkdown = false;
  /** Past the length an answer shows: the rest is not laid out. */
  private cutShort = false;
  /** Lines of plain text shown. */
  private lines = 0;
  /** The whole text, once the view was given it whole (not while it is built from tokens). */
  private source?: string;
  /** Text given but not rendered yet, from `backlogAt` on: the rest of a long answer, a slice per frame. */
  private backlog = '';
  private backlogAt = 0;
  /** The parser is ended once the backlog is rendered. */
  private endWhenRendered = false;
  private nextSlice?: () => void;
  private settle?: () => void;
  /** While a long answer is still being rendered: resolves once all of it is in the DOM. */
  rendering?: Promise<void>;

  constructor(
    private readonly root: HTMLElement,
    private readonly options: MarkdownOptions,
  ) {
    this.restart();
  }

  /** Adds the next piece of a streaming answer. */
  append(text: string): void {
    if (this.ended) return;
    if (this.backlogAt < this.backlog.length) {
      // Behind the rest of a long answer (a resumed one): in its turn.
      this.backlog = this.backlog.slice(this.backlogAt) + text;
      this.backlogAt = 0;
    } else {
      this.write(text);
    }
  }

  /** Renders what is left of a long answer now, in this task (tests; the element lets it render a slice per frame). */
  flush(): void {
    if (this.backlogAt < this.backlog.length) this.write(this.backlog.slice(this.backlogAt));
    this.drained();
  }

  /** Renders `text`: its first characters now, the rest a slice per frame. */
  private feed(text: string): void {
    const first = cut(text, 0, Math.min(text.length, FIRST_CHARS));
    this.write(text.slice(0, first));
    if (first === text.length) {
      this.drained();
      return;
    }
    this.backlog = text.slice(first);
    this.backlogAt = 0;
    this.rendering ??= new Promise((resolve) => (this.settle = resolve));
    this.schedule();
  }

  private schedule(): void {
    // Called once: a view that started again meanwhile has a step of its own.
    const step = () => {
      if (this.nextSlice === step) this.renderSlice();
    };
    this.nextSlice = step;
    // A hidden page draws no frames; the answer still completes.
    if (document.hidden) setTimeout(step);
    else requestAnimationFrame(step);
  }

  private renderSlice(): void {
    const started = performance.now();
    const { backlog } = this;
    const elements = this.renderer.elements;
    for (let chars = 0; this.backlogAt < backlog.length; ) {
      const at = this.backlogAt;
      // Past the length an answer shows, the rest costs nothing: it is only counted.
      const end = this.cutShort ? backlog.length : cut(backlog, at, Math.min(backlog.length, at + PIECE));
      this.backlogAt = end;
      this.write(backlog.slice(at, end));
      chars += end - at;
      const cost = chars + (this.renderer.elements - elements) * ELEMENT_CHARS;
      if (cost >= FRAME_CHARS || performance.now() - started >= FRAME_MS) break;
    }
    if (this.backlogAt < backlog.length) this.schedule();
    else this.drained();
  }

  /** The backlog is rendered: the parser ends if the answer has, and whoever waits is told. */
  private drained(): void {
    this.backlog = '';
    this.backlogAt = 0;
    this.nextSlice = undefined;
    if (this.endWhenRendered) {
      this.endWhenRendered = false;
      this.endParser();
    }
    const settle = this.settle;
    this.settle = this.rendering = undefined;
    settle?.();
  }

  private write(text: string): void {
    const start = this.parse(text);
    if (start < text.length) this.appendRest(text, start);
    this.written += text.length;
  }

  /** Feeds `text` to the parser in slices while the markdown lasts; returns where it stopped. */
  private parse(text: string): number {
    const { renderer } = this;
    const { parser } = renderer;
    let start = 0;
    try {
      while (!this.pastMarkdown && start < text.length) {
        if (this.written + start >= MAX_MARKDOWN_CHARS) {
          this.leaveMarkdown();
          break;
        }
        const end = cut(text, start, Math.min(text.length, start + SLICE, start + MAX_MARKDOWN_CHARS - this.written));
        for (const piece of this.tables.split(text.slice(start, end))) {
          parser_write(parser, piece.text);
          if (piece.align) alignLastTable(this.root, piece.align);
        }
        start = end;
        const limit = parser.token === LINK || parser.token === IMAGE ? MAX_DESTINATION + 2 : MAX_PENDING;
        if (renderer.plain || parser.pending.length > limit) this.leaveMarkdown();
      }
    } catch {
      // Not expected; but an answer that breaks the renderer is still shown, as text.
      this.leaveMarkdown();
    }
    return start;
  }

  /** `text` from `start` on, as plain text, up to the length an answer shows. */
  private appendRest(text: string, start: number): void {
    let room = this.cutShort || this.lines >= MAX_SHOWN_LINES ? 0 : MAX_SHOWN_CHARS - (this.written + start);
    // Lines cost more than characters to lay out: past MAX_SHOWN_LINES of them, the answer is cut short too.
    for (let at = text.indexOf('\n', start); room > 0 && at >= 0 && at < start + room; at = text.indexOf('\n', at + 1))
      if (++this.lines >= MAX_SHOWN_LINES) room = at + 1 - start;
    if (room > 0)
      this.renderer.appendPlain(text.slice(start, cut(text, start, start + Math.min(room, text.length - start))));
    if (room < text.length - start && !this.cutShort) {
      this.cutShort = true;
      this.renderer.appendPlain(' …');
    }
  }

  /** From here on the answer is plain text, starting with what the parser held back. */
  private leaveMarkdown(): void {
    if (this.pastMarkdown) return;
    this.pastMarkdown = true;
    this.renderer.appendPlain(this.renderer.parser.pending);
  }

  /**
   * Brings the view up to `content`. While the answer streams, its text only
   * grows by the pieces given to `append`, so a matching length means there
   * is nothing to do (and no O(length) comparison is made). Anything else
   * (a conversation restored or replaced by the page) is rendered anew, once.
   */
  sync(content: string, streaming: boolean): void {
    // (The view made `content` text: a page can set any messages.)
    const given = this.written + this.backlog.length - this.backlogAt;
    if (streaming) {
      if (this.source === undefined && !this.ended && content.length === given) return;
    } else if (this.source === content) {
      return;
    } else if (this.source === undefined && !this.ended && content.length === given) {
      // The stream is over: flush what the parser held back, and remember the text.
      this.end(content);
      return;
    }
    this.restart();
    this.feed(content);
    if (!streaming) this.end(content);
  }

  private end(content: string): void {
    if (this.backlogAt < this.backlog.length) this.endWhenRendered = true;
    else this.endParser();
    this.ended = true;
    this.source = content;
  }

  private endParser(): void {
    try {
      if (!this.pastMarkdown) parser_end(this.renderer.parser);
    } catch {
      this.leaveMarkdown();
    }
  }

  private restart(): void {
    this.root.replaceChildren();
    this.renderer = createMarkdownParser(this.root, this.options);
    this.tables = new TableAlignReader();
    this.written = 0;
    this.ended = false;
    this.pastMarkdown = false;
    this.cutShort = false;
    this.lines = 0;
    this.source = undefined;
    this.backlog = '';
    this.backlogAt = 0;
    this.endWhenRendered = false;
    this.nextSlice = undefined;
  }
}
