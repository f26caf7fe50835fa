import asm from '@speed-highlight/core/languages/asm.js';
import bash from '@speed-highlight/core/languages/bash.js';
import c from '@speed-highlight/core/languages/c.js';
import css from '@speed-highlight/core/languages/css.js';
import diff from '@speed-highlight/core/languages/diff.js';
import go from '@speed-highlight/core/languages/go.js';
import htmlLanguage from '@speed-highlight/core/languages/html.js';
import java from '@speed-highlight/core/languages/java.js';
import js from '@speed-highlight/core/languages/js.js';
import jsdoc from '@speed-highlight/core/languages/jsdoc.js';
import json from '@speed-highlight/core/languages/json.js';
import py from '@speed-highlight/core/languages/py.js';
import regex from '@speed-highlight/core/languages/regex.js';
import rs from '@speed-highlight/core/languages/rs.js';
import sql from '@speed-highlight/core/languages/sql.js';
import todo from '@speed-highlight/core/languages/todo.js';
import ts from '@speed-highlight/core/languages/ts.js';
import xml from '@speed-highlight/core/languages/xml.js';
import yaml from '@speed-highlight/core/languages/yaml.js';
import { tokenizeWith } from '@speed-highlight/core/tokenize';
import { highlightStyles } from './highlight.styles.ts';

/**
 * Syntax highlighting of code blocks, in a chunk of its own that the element
 * loads with the first block that names its language. It changes no node:
 * each token becomes a Range in a CSS Custom Highlight (`::highlight()` in
 * markdown.styles.ts), so the answer's DOM, the live region, the selection
 * and Copy code are untouched, and no HTML is ever parsed (Trusted Types and
 * a strict CSP need nothing). Browsers without `CSS.highlights` show plain code.
 * The colours (highlight.styles.ts) are adopted by the element's shadow root
 * with the first block highlighted in it.
 */

const LANGUAGES = {
  asm,
  bash,
  c,
  css,
  diff,
  go,
  html: htmlLanguage,
  java,
  js,
  jsdoc,
  json,
  py,
  regex,
  rs,
  sql,
  todo,
  ts,
  xml,
  yaml,
};
type Language = keyof typeof LANGUAGES;

/** What models write after the fence, and the grammar each one means. */
const ALIASES: Record<string, Language> = {
  javascript: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
  node: 'js',
  typescript: 'ts',
  tsx: 'ts',
  python: 'py',
  python3: 'py',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  shellsession: 'bash',
  scss: 'css',
  jsonc: 'json',
  json5: 'json',
  htm: 'html',
  svg: 'xml',
  vue: 'html',
  golang: 'go',
  rust: 'rs',
  kotlin: 'java',
  csharp: 'java',
  cs: 'java',
  cpp: 'c',
  'c++': 'c',
  h: 'c',
  hpp: 'c',
  yml: 'yaml',
  patch: 'diff',
};

/** The tokenizer's kinds and the highlight that colours each (the rest stays in the code's colour). */
const KINDS: Record<string, string> = {
  kwd: 'keyword',
  // Tag names in HTML and XML, private names in JavaScript.
  var: 'keyword',
  str: 'string',
  cmnt: 'comment',
  num: 'number',
  bool: 'number',
  func: 'function',
  class: 'type',
  type: 'type',
  insert: 'string',
  deleted: 'keyword',
};

/** Longer blocks stay plain: the tokenizer's work must stay small next to the answer's. */
const MAX_CHARACTERS = 20_000;
/**
 * Chromium rebuilds every highlight's markers from all of its ranges and
 * repaints their text whenever the page's DOM or style changes, so each frame
 * of a streaming answer costs in proportion to the ranges on the page (about
 * 4 ms a frame for 10,000 of them): past this many, the oldest blocks lose
 * their colours (the newest are the ones being read).
 */
export const MAX_RANGES = 4_000;

interface Block {
  text: Text;
  ranges: [Highlight, StaticRange][];
}
/** The blocks highlighted, oldest first; their ranges; how many blocks there were at the last look for detached ones. */
let blocks: Block[] = [];
let ranges = 0;
let blocksLooked = 0;

function registry(kind: string): Highlight {
  const name = `falcon-chat-${kind}`;
  let highlight = CSS.highlights.get(name);
  if (!highlight) {
    highlight = new Highlight();
    CSS.highlights.set(name, highlight);
  }
  return highlight;
}

function forget(block: Block): void {
  for (const [highlight, range] of block.ranges) highlight.delete(range);
  ranges -= block.ranges.length;
}

/**
 * Drops the ranges of code blocks that left the page (a cleared conversation,
 * a replaced answer), looking once as many blocks were added since the last
 * time, and of the oldest blocks past MAX_RANGES: a block's share of the work
 * does not grow with the blocks before it.
 */
function makeRoom(): void {
  if (blocks.length >= 2 * blocksLooked) {
    const kept = blocks.filter((block) => block.text.isConnected);
    for (const block of blocks) if (!block.text.isConnected) forget(block);
    blocks = kept;
    blocksLooked = blocks.length;
  }
  let oldest = 0;
  while (ranges > MAX_RANGES && oldest < blocks.length - 1) forget(blocks[oldest++]);
  if (oldest) blocks = blocks.slice(oldest);
}

/** The colours, in the shadow root (or document) that `code` is in. */
function adoptStyles(code: HTMLElement): void {
  const root = code.getRootNode() as Partial<DocumentOrShadowRoot>;
  const sheet = highlightStyles.styleSheet;
  if (sheet && root.adoptedStyleSheets && !root.adoptedStyleSheets.includes(sheet))
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/** Highlights one complete code block: `<code class="language-x">` holding one text node. */
export function highlightCode(code: HTMLElement): void {
  const text = code.firstChild;
  const name = code.className.replace('language-', '').toLowerCase();
  const language = Object.hasOwn(LANGUAGES, name) ? (name as Language) : ALIASES[name];
  if (typeof CSS === 'undefined' || !CSS.highlights || !language) return;
  if (!(text instanceof Text) || text.length > MAX_CHARACTERS || code.lastChild !== text) return;
  adoptStyles(code);
  const block: Block = { text, ranges: [] };
  let offset = 0;
  tokenizeWith(
    text.data,
    language,
    (token: string, type?: string) => {
      const kind = type && KINDS[type];
      if (kind && token.trim()) {
        // Static: a live Range is updated on every change to the page's DOM, and a streaming answer makes many.
        const range = new StaticRange({
          startContainer: text,
          startOffset: offset,
          endContainer: text,
          endOffset: offset + token.length,
        });
        const highlight = registry(kind);
        highlight.add(range);
        block.ranges.push([highlight, range]);
      }
      offset += token.length;
    },
    { languages: LANGUAGES },
  );
  blocks.push(block);
  ranges += block.ranges.length;
  makeRoom();
}
