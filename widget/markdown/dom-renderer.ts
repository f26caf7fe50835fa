import * as md from 'streaming-markdown';
import { CODE_BLOCK_CLASS, COPY_CODE_CLASS } from './classes.ts';
import { safeUrl } from './safe-url.ts';
import { columnClass } from './table-align.ts';

export interface MarkdownOptions {
  /** Render `![alt](url)` as an image instead of a link to it. */
  allowImages: boolean;
  /** Label of the Copy button on code blocks. */
  copyCodeLabel: string;
  /** Called with each code block's `<code>` once its text is complete (to highlight it). */
  onCodeBlock?(code: HTMLElement): void;
}

interface RendererState extends MarkdownOptions {
  /** The element each open token writes into; `[0]` is the section being written (the answer's root before the first). */
  stack: HTMLElement[];
  root: HTMLElement;
  /** What the section being written holds: its text's length, an element counted as SECTION_ELEMENT_CHARS. */
  sectionSize: number;
  /** Elements made for this answer so far. */
  elements: number;
  /** Once a limit is reached: the paragraph that takes the rest of the answer as plain text. */
  rest?: HTMLElement;
  /** The rest's last block, and what it holds. */
  restBlock?: HTMLElement;
  restChars: number;
  restLines: number;
  /** Text (and line breaks) in the block being written since it opened. */
  blockChars: number;
  /** The markdown level of the answer's first heading, which becomes an h3 (the element's own heading is an h2). */
  headingBase?: number;
  /** The level of the last heading rendered, so that none skips a level. */
  lastHeading: number;
}

export { CODE_BLOCK_CLASS, COPY_CODE_CLASS };
/** The paragraph that holds, as plain text, what is past the limits below. */
export const PLAIN_REST_CLASS = 'plain-rest';

/**
 * Limits of one answer's DOM. Every marker of markdown may open an element
 * (a `>` a blockquote, a `*` an em), so a few kilobytes of markers would nest
 * thousands deep and kill the tab; past either limit the rest of the answer is
 * plain text. The parser itself keeps only 24 open tokens, so real markdown
 * never nests deeper than this; a long answer of 10,000 tokens makes about
 * 2,500 elements.
 */
export const MAX_DEPTH = 20;
export const MAX_ELEMENTS = 5_000;
/** A row of a thousand `|` is a thousand cells: past this, cells join the row's last one. */
export const MAX_COLUMNS = 32;
/**
 * Text is appended to the last text node, and the browser copies a node's
 * whole text on every append: past this length a new node starts, so a long
 * paragraph costs the same per token at its end as at its start.
 */
const MAX_TEXT_NODE = 1_024;
/**
 * The browser lays out (and, on every change of its text, re-reads) a
 * paragraph whole: one paragraph of 100 KiB is hundreds of milliseconds a
 * frame. So one block of markdown (a paragraph, an item, a cell, a code block)
 * holds at most this much text, a line break counted as LINE_BREAK_CHARS
 * (ten times the longest answer a worker lets a model write has blocks far
 * smaller); past it the rest of the answer is plain text, in blocks of at most
 * MAX_REST_BLOCK characters and MAX_REST_LINES lines.
 */
export const MAX_BLOCK_CHARS = 8_192;
const LINE_BREAK_CHARS = 64;
const MAX_REST_BLOCK = 4_096;
export const MAX_REST_LINES = 128;
/**
 * A section (sections.ts) holds top-level blocks up to about this much text,
 * an element counted as SECTION_ELEMENT_CHARS (or 500 elements): small enough
 * that a frame's work on the sections not laid aside stays small, large enough
 * that the browser tracks few of them (an answer has at most about 25).
 */
export const SECTION_CHARS = 8_192;
const SECTION_ELEMENT_CHARS = 16;
/** Bidirectional controls (LRE…RLO, LRI…PDI, LRM, RLM, ALM) would let a link's text show another host than its href. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const BLOCK_TAGS: Partial<Record<md.Token, string>> = {
  [md.PARAGRAPH]: 'p',
  [md.BLOCKQUOTE]: 'blockquote',
  [md.LIST_UNORDERED]: 'ul',
  [md.LIST_ORDERED]: 'ol',
  [md.LIST_ITEM]: 'li',
  [md.EQUATION_BLOCK]: 'pre',
};

const INLINE_TAGS: Partial<Record<md.Token, string>> = {
  [md.ITALIC_AST]: 'em',
  [md.ITALIC_UND]: 'em',
  [md.STRONG_AST]: 'strong',
  [md.STRONG_UND]: 'strong',
  [md.STRIKE]: 's',
  [md.CODE_INLINE]: 'code',
  [md.EQUATION_INLINE]: 'code',
  // A link's URL arrives after its text; until then (and for ever, if it is unsafe) it is an <a> without href: text.
  [md.LINK]: 'a',
  [md.RAW_URL]: 'a',
  [md.IMAGE]: 'a',
};

function element(tag: string, className?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

/** Elements each kind of token makes (a code block is six); the rest make one. */
function cost(type: md.Token): number {
  if (type === md.CODE_FENCE || type === md.CODE_BLOCK) return 6;
  return type === md.TABLE || type === md.TABLE_ROW ? 2 : 1;
}

/**
 * Lays a finished section or block aside (sections.ts, a chunk of its own:
 * only long answers have one to lay aside; without it they stay as they are).
 */
function layAsideLater(done: Element | null | undefined): void {
  if (done)
    void import('./sections.ts').then(
      (chunk) => chunk.layAside(done as HTMLElement),
      () => {},
    );
}

/**
 * Starts the next section if the last is full and a block of `type` may start
 * one. A section holds its blocks' margins (as it must once it is laid aside,
 * so that its size does not change then), so one starts only at a block with
 * no top margin (not a heading, rule or equation): the previous block's bottom
 * margin alone spaces them, as it did. Called before a top-level block opens
 * and where the plain rest starts; the sections depend only on the text, not
 * on how it came.
 */
function sectionFor(state: RendererState, type: md.Token = md.PARAGRAPH): void {
  const { stack, root } = state;
  if (
    stack[0] !== root &&
    (state.sectionSize < SECTION_CHARS ||
      (type >= md.HEADING_1 && type <= md.HEADING_6) ||
      type === md.RULE ||
      type === md.EQUATION_BLOCK)
  )
    return;
  // A div of its own: every child of the answer's root is a section.
  const section = root.appendChild(element('div'));
  // Two behind the one being written: neither that one nor the one after it changes meanwhile.
  if (stack[0] !== root) layAsideLater(stack[0].previousElementSibling);
  stack[0] = section;
  state.sectionSize = 0;
}

function addToken(state: RendererState, type: md.Token): void {
  if (!state.rest && state.stack.length === 1) sectionFor(state, type);
  if (type === md.LINE_BREAK) state.blockChars += LINE_BREAK_CHARS;
  else if (!INLINE_TAGS[type] && type !== md.CHECKBOX) state.blockChars = 0;
  if (
    !state.rest &&
    (state.stack.length >= MAX_DEPTH ||
      state.elements + cost(type) > MAX_ELEMENTS ||
      state.blockChars > MAX_BLOCK_CHARS)
  )
    startPlainRest(state);
  if (state.rest) {
    // Past a limit, tokens make nothing: their text goes on as plain text, line breaks as newlines.
    if (type === md.LINE_BREAK || type === md.RULE) appendRest(state, '\n');
    state.stack.push(state.rest);
    return;
  }
  const elements = cost(type);
  state.elements += elements;
  state.sectionSize += elements * SECTION_ELEMENT_CHARS;
  const parent = state.stack.at(-1)!;
  let node: HTMLElement;
  let container: HTMLElement = parent;
  if (type === md.CODE_FENCE || type === md.CODE_BLOCK) {
    // <div class="code-block"><div class="code-header"><span class="code-language"/><button/></div><pre><code/></pre></div>
    const block = parent.appendChild(element('div', CODE_BLOCK_CLASS));
    const header = block.appendChild(element('div', 'code-header'));
    header.appendChild(element('span', 'code-language'));
    const copy = header.appendChild(element('button', COPY_CODE_CLASS));
    copy.setAttribute('type', 'button');
    copy.textContent = state.copyCodeLabel;
    const pre = block.appendChild(element('pre'));
    // A long line scrolls sideways, and keyboard users need to reach that scroller too.
    pre.tabIndex = 0;
    pre.dir = 'ltr';
    container = pre;
    node = element('code');
  } else if (type === md.TABLE) {
    container = parent.appendChild(element('div', 'table-scroll'));
    container.tabIndex = 0;
    node = element('table');
  } else if (type === md.TABLE_ROW) {
    // The first row is the header; the delimiter row is never rendered.
    const table = parent;
    const section = (table.lastElementChild as HTMLElement | null) ?? table.appendChild(element('thead'));
    container =
      section.tagName === 'THEAD' && section.childElementCount ? table.appendChild(element('tbody')) : section;
    node = element('tr');
  } else if (type === md.TABLE_CELL && parent.childElementCount >= MAX_COLUMNS) {
    const last = parent.lastElementChild as HTMLElement;
    state.blockChars += 3;
    appendText(last, ' | ');
    state.stack.push(last);
    return;
  } else if (type === md.TABLE_CELL) {
    node = element(parent.parentElement?.tagName === 'THEAD' ? 'th' : 'td');
    node.dir = 'auto';
    // A column's alignment, once its delimiter row was read (table-align.ts).
    const align = columnClass(parent.closest('table'), parent.childElementCount);
    if (align) node.className = align;
  } else if (type === md.LINE_BREAK || type === md.RULE) {
    parent.appendChild(element(type === md.RULE ? 'hr' : 'br'));
    // The parser ends these at once; keep the stack balanced.
    node = parent;
    state.stack.push(node);
    return;
  } else if (type >= md.HEADING_1 && type <= md.HEADING_6) {
    // Answers sit under the element's h2: the first heading is an h3, the rest follow it without skipping a level.
    const level = type - md.HEADING_1 + 1;
    state.headingBase ??= level;
    state.lastHeading = Math.max(3, Math.min(6, 3 + level - state.headingBase, state.lastHeading + 1));
    node = element(`h${state.lastHeading}`);
    node.dir = 'auto';
  } else if (type === md.CHECKBOX) {
    node = element('span', 'task');
  } else if (BLOCK_TAGS[type]) {
    node = element(BLOCK_TAGS[type]!);
    if (type !== md.EQUATION_BLOCK) node.dir = 'auto';
  } else {
    node = element(INLINE_TAGS[type] ?? 'span', type === md.IMAGE ? 'image-link' : undefined);
  }
  container.appendChild(node);
  state.stack.push(node);
}

function endToken(state: RendererState): void {
  const node = state.stack.pop()!;
  if (node.classList.contains('task') && !node.textContent) node.textContent = '☐ ';
  if (node.tagName === 'CODE' && node.parentElement?.tagName === 'PRE') state.onCodeBlock?.(node);
}

/** Text is appended to the node's last text node (nothing that is already there is replaced), or starts a new one. */
function appendText(node: HTMLElement, text: string): void {
  const last = node.lastChild;
  if (last?.nodeType === Node.TEXT_NODE && (last as Text).length < MAX_TEXT_NODE) (last as Text).appendData(text);
  else node.appendChild(document.createTextNode(text));
}

function addText(state: RendererState, text: string): void {
  state.blockChars += text.length;
  if (!state.rest && state.blockChars > MAX_BLOCK_CHARS) startPlainRest(state);
  if (state.rest) {
    appendRest(state, text);
    return;
  }
  state.sectionSize += text.length;
  const node = state.stack.at(-1)!;
  appendText(node, node.closest('a') ? text.replace(BIDI_CONTROLS, '') : text);
}

/** From here on, the answer is plain text in one block at the end of the answer. */
function startPlainRest(state: RendererState): HTMLElement {
  if (!state.rest) {
    sectionFor(state);
    // A div of divs: each block is laid out on its own, and none takes a paragraph's margins.
    state.rest = state.stack[0].appendChild(element('div', PLAIN_REST_CLASS));
    state.rest.dir = 'auto';
  }
  return state.rest;
}

/**
 * Plain text at the end of the rest, in blocks of bounded size. A block ends
 * at the first line end or space past half its size (or at its size, or its
 * last line), wherever the pieces of text were cut: a streamed answer and the
 * same answer given whole make the same blocks.
 */
function appendRest(state: RendererState, text: string): void {
  const rest = startPlainRest(state);
  for (let start = 0; start < text.length; ) {
    if (!state.restBlock || state.restChars >= MAX_REST_BLOCK || state.restLines >= MAX_REST_LINES) {
      // Its blocks are laid aside as sections are (sections.ts), two behind the one being written.
      layAsideLater(state.restBlock?.previousElementSibling);
      state.restBlock = rest.appendChild(element('div'));
      state.restChars = state.restLines = 0;
    }
    const room = MAX_REST_BLOCK - state.restChars;
    const window = text.slice(start, start + room);
    const end = blockEnd(window, MAX_REST_BLOCK / 2 - state.restChars, MAX_REST_LINES - state.restLines);
    let piece = end < 0 ? window : window.slice(0, end);
    const last = piece.charCodeAt(piece.length - 1);
    // A full block does not end between the halves of a character.
    if (end < 0 && piece.length === room && piece.length > 1 && last >= 0xd800 && last <= 0xdbff)
      piece = piece.slice(0, -1);
    appendText(state.restBlock, piece);
    state.restChars = end < 0 && piece.length === window.length ? state.restChars + piece.length : MAX_REST_BLOCK;
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) state.restLines++;
    start += piece.length;
  }
}

/**
 * Where the block ends in `window` (the room left in it): after its `lines`-th
 * line end, or after the first line end or space from `soft` on; -1 if not
 * within the window.
 */
function blockEnd(window: string, soft: number, lines: number): number {
  let end = -1;
  for (let at = window.indexOf('\n'), seen = 1; at >= 0 && end < 0; at = window.indexOf('\n', at + 1), seen++)
    if (seen >= lines) end = at + 1;
  const from = Math.max(0, soft);
  for (const mark of ['\n', ' ']) {
    const at = window.indexOf(mark, from);
    if (at >= 0 && (end < 0 || at + 1 < end)) end = at + 1;
  }
  return end;
}

function setAttr(state: RendererState, type: md.Attr, value: string): void {
  const node = state.stack.at(-1)!;
  if (state.rest) return;
  switch (type) {
    case md.HREF: {
      const href = safeUrl(value);
      if (href) makeLink(node, href);
      break;
    }
    case md.SRC: {
      const src = safeUrl(value, 'image');
      if (!src) break;
      if (state.allowImages) {
        const image = element('img') as HTMLImageElement;
        image.alt = (node.textContent ?? '').replace(BIDI_CONTROLS, '');
        image.referrerPolicy = 'no-referrer';
        image.loading = 'lazy';
        image.src = src;
        node.replaceChildren(image);
      } else if (!node.textContent) {
        // An image with no alt text still needs words to be a usable link.
        node.textContent = src;
      }
      makeLink(node, src);
      break;
    }
    case md.LANG: {
      const language = value.trim().split(/\s/)[0];
      node.parentElement!.previousElementSibling!.firstElementChild!.textContent = language;
      node.className = `language-${language}`;
      break;
    }
    case md.START:
      if (/^\d{1,9}$/.test(value)) node.setAttribute('start', value);
      break;
    case md.CHECKED:
      node.textContent = '☑ ';
      break;
  }
}

function makeLink(node: HTMLElement, href: string): void {
  node.setAttribute('href', href);
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer nofollow');
}

export interface MarkdownRenderer {
  parser: md.Parser;
  /** Whether a limit was reached, so that the rest of the answer is plain text. */
  readonly plain: boolean;
  /** Elements made so far. */
  readonly elements: number;
  /** Appends `text` as plain text (from the first call on, the answer is plain text to its end). */
  appendPlain(text: string): void;
}

/**
 * A streaming-markdown parser that writes into `root` with DOM calls only
 * (createElement, textContent, setAttribute): the model's text is never
 * parsed as HTML, links and images keep only vetted URLs, and the DOM it
 * makes stays within the limits above.
 */
export function createMarkdownParser(root: HTMLElement, options: MarkdownOptions): MarkdownRenderer {
  const state: RendererState = {
    ...options,
    stack: [root],
    root,
    sectionSize: 0,
    lastHeading: 2,
    elements: 0,
    restChars: 0,
    restLines: 0,
    blockChars: 0,
  };
  const parser = md.parser({
    data: state,
    add_token: addToken,
    end_token: endToken,
    add_text: addText,
    set_attr: setAttr,
  });
  return {
    parser,
    get plain() {
      return state.rest !== undefined;
    },
    get elements() {
      return state.elements;
    },
    appendPlain: (text) => appendRest(state, text),
  };
}
