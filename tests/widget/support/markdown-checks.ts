import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { MAX_DEPTH, MAX_ELEMENTS, MAX_REST_LINES, SECTION_CHARS } from '../../../widget/markdown/dom-renderer.ts';
import { MAX_SHOWN_CHARS, MAX_SHOWN_LINES } from '../../../widget/markdown/markdown-writer.ts';
import { MarkdownView } from '../../../widget/markdown/markdown-view.ts';

/** What an answer rendered to: the facts a hostile answer must not be able to push past a bound. */
export interface RenderedFacts {
  depth: number;
  elements: number;
  nodes: number;
  /** Anything that could run or fetch: script-ish tags, on* attributes, hrefs or srcs outside http(s)/mailto. */
  dangers: string[];
}

const DANGEROUS_TAGS = new Set(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE', 'LINK', 'META', 'BASE', 'FORM', 'SVG']);

/** The only style the renderer sets: a finished section or block laid aside at its measured size (sections.ts). */
const LAID_ASIDE = /^contain-intrinsic-size: auto [\d.]+px auto [\d.]+px; content-visibility: auto;$/;

export function factsOf(root: HTMLElement, allowImages: boolean): RenderedFacts {
  const facts: RenderedFacts = { depth: 0, elements: 0, nodes: 0, dangers: [] };
  const walk = (node: Node, depth: number) => {
    facts.nodes += 1;
    if (node instanceof Element) {
      facts.elements += 1;
      facts.depth = Math.max(facts.depth, depth);
      const tag = node.tagName.toUpperCase();
      if (DANGEROUS_TAGS.has(tag) || (tag === 'IMG' && !allowImages)) facts.dangers.push(`<${tag}>`);
      for (const { name, value } of node.attributes) {
        if (name.startsWith('on') || (name === 'style' && !LAID_ASIDE.test(value)) || name === 'srcdoc')
          facts.dangers.push(`${name}=`);
        if ((name === 'href' || name === 'src') && !/^(https?:|mailto:)/i.test(value))
          facts.dangers.push(`${name}=${value}`);
      }
    }
    for (let child = node.firstChild; child; child = child.nextSibling) walk(child, depth + 1);
  };
  walk(root, 0);
  return facts;
}

/** Renders `markdown` with the element's own view: whole (a stored answer), or in the given pieces (a stream). */
export function render(markdown: string, pieces?: string[], allowImages = false): HTMLElement {
  const view = new MarkdownView({ allowImages, copyCodeLabel: 'Copy code' });
  document.body.append(view.root);
  if (pieces) {
    for (const piece of pieces) view.append(piece);
    view.sync(markdown, true);
  }
  view.sync(markdown, false);
  // A long answer renders a slice per frame in the element; here all of it at once.
  view.flush();
  return view.root;
}

/** Pieces of `text` at the given cut points (as tokens arrive). */
export function split(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let at = 0;
  for (const point of points) {
    pieces.push(text.slice(at, point));
    at = point;
  }
  pieces.push(text.slice(at));
  return pieces;
}

/** Markdown's markers and the payloads of security.md, as the atoms of hostile answers. */
const ATOMS = [
  '>',
  '> ',
  '*',
  '**',
  '_',
  '__',
  '~~',
  '`',
  '```',
  '    ',
  '\t',
  '|',
  '|-|',
  '[',
  ']',
  '](',
  ')',
  '![',
  '#',
  '# ',
  '- ',
  '+ ',
  '1. ',
  '99. ',
  '- [ ] ',
  '- [x] ',
  '\\',
  '\\(',
  '\\[',
  '$',
  '$$',
  '<br>',
  '<',
  '\n',
  '\n\n',
  ' ',
  'http://',
  'https://example.test/',
  'javascript:',
  'JaVaScRiPt:',
  '&#106;',
  '&colon;',
  'data:text/html,',
  'vbscript:',
  '<script>window.__fuzz=1</script>',
  '<img src=x onerror=window.__fuzz=1>',
  '"',
  "'",
  'onerror=',
  '\u202e',
  '\u2066',
  '\u200f',
  'x',
  'word',
  '🦅',
  '\u0000',
  '\ud800',
];

/** Random answers: atoms, atoms repeated hundreds of times (the nesting and backtracking bombs), and any Unicode. */
export const hostileMarkdown = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...ATOMS) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...ATOMS), fc.integer({ min: 2, max: 3_000 }))
          .map(([atom, n]) => atom.repeat(n)),
      },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/**
 * Issue 11, the page: hostile answers stay within bounds of depth, size and
 * work. The DOM one answer makes is at most MAX_DEPTH tokens deep (a token
 * makes at most two levels: a table's scroller and table, a row's section
 * and row) and MAX_ELEMENTS elements, plus the plain-text paragraph that
 * takes the rest, in blocks of at least MAX_REST_LINES characters (a block
 * ends after that many lines at the earliest) of the text an answer shows.
 */
/**
 * The answer's markup, as it was rendered: which of its sections and plain-text blocks the browser has laid aside
 * by now (their style, sections.ts; the renderer sets no other) depends on what has been laid out, not on the text.
 */
export function markupOf(root: HTMLElement): string {
  const copy = root.cloneNode(true) as HTMLElement;
  for (const laidAside of copy.querySelectorAll('[style]')) laidAside.removeAttribute('style');
  return copy.innerHTML;
}

export const DEPTH_BOUND = 2 * MAX_DEPTH + 2;
/**
 * The answer's own root, the plain-text paragraph and its blocks come on top, and its sections, each with a
 * plain-text paragraph of its own past the limits (a section holds SECTION_CHARS, an element counted as 16
 * characters and a line as 64, so the 5,000 elements, the shown text's 128 KiB and 2,048 lines make at most 42).
 */
export const ELEMENT_BOUND =
  MAX_ELEMENTS +
  2 +
  Math.ceil(MAX_SHOWN_CHARS / MAX_REST_LINES) +
  1 +
  2 * (Math.ceil((16 * MAX_ELEMENTS + MAX_SHOWN_CHARS + 64 * MAX_SHOWN_LINES) / SECTION_CHARS) + 1);
/** Nodes per character of answer: every node holds or consumed at least a character, a code block's six aside. */
export const NODES_PER_CHAR = 8;

type FuzzWindow = Window & { __fuzz?: number };

export function expectBounded(markdown: string, root: HTMLElement, allowImages = false) {
  const facts = factsOf(root, allowImages);
  expect(facts.depth, 'depth').to.be.at.most(DEPTH_BOUND);
  expect(facts.elements, 'elements').to.be.at.most(ELEMENT_BOUND);
  expect(facts.nodes, 'nodes').to.be.at.most(NODES_PER_CHAR * markdown.length + 10);
  expect(facts.dangers).to.deep.equal([]);
}

/** Random and adversarial markdown, whole and in random pieces: bounded, inert, and nothing requested. */
export function checkHostileMarkdown(numRuns: number, seed?: number): void {
  const resourcesBefore = performance.getEntriesByType('resource').length;
  fc.assert(
    fc.property(hostileMarkdown, fc.array(fc.nat(), { maxLength: 30 }), (markdown, cuts) => {
      expectBounded(markdown, render(markdown));
      expectBounded(markdown, render(markdown, split(markdown, cuts)));
      for (const root of document.body.querySelectorAll(':scope > div')) root.remove();
    }),
    { numRuns, seed },
  );
  expect((window as FuzzWindow).__fuzz).to.equal(undefined);
  expect(
    performance
      .getEntriesByType('resource')
      .slice(resourcesBefore)
      .map((entry) => entry.name),
  ).to.deep.equal([]);
}

/** With allow-images: images only of http(s) URLs, within the same bounds. */
export function checkHostileMarkdownWithImages(numRuns: number, seed?: number): void {
  fc.assert(
    fc.property(hostileMarkdown, (markdown) => {
      const root = render(markdown, undefined, true);
      expectBounded(markdown, root, true);
      root.remove();
    }),
    { numRuns, seed },
  );
  expect((window as FuzzWindow).__fuzz).to.equal(undefined);
}
