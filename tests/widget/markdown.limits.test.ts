import { expect } from '@open-wc/testing';
import { MAX_COLUMNS, MAX_DEPTH, PLAIN_REST_CLASS } from '../../widget/markdown/dom-renderer.ts';
import { MAX_MARKDOWN_CHARS, MAX_SHOWN_CHARS, MAX_SHOWN_LINES } from '../../widget/markdown/markdown-writer.ts';
import { safeUrl } from '../../widget/markdown/safe-url.ts';
import {
  checkHostileMarkdown,
  checkHostileMarkdownWithImages,
  DEPTH_BOUND,
  expectBounded,
  factsOf,
  render,
  split,
} from './support/markdown-checks.ts';

/** Runs of the property tests in npm test; `npm run attack:markdown-fuzz` runs 3,000 with a new seed each time. */
const FUZZ_RUNS = 150;

const plainRest = (root: HTMLElement) => root.querySelector(`.${PLAIN_REST_CLASS}`)?.textContent ?? '';

describe('markdown rendering is bounded (issue 11)', () => {
  // The renderer is in the answer chunk; until it is there the element shows an answer as plain text.
  before(() => import('../../widget/answer-chunk.ts'));
  afterEach(() => {
    for (const root of document.body.querySelectorAll(':scope > div')) root.remove();
  });

  it('5,000 nested blockquotes stop nesting at the limit, and the rest is plain text (1)', () => {
    const markdown = `${'>'.repeat(5_000)} deep\n\nafter the bomb`;
    const root = render(markdown);
    expectBounded(markdown, root);
    expect(root.querySelectorAll('blockquote').length).to.be.below(MAX_DEPTH);
    expect(plainRest(root)).to.contain('>>>>');
    expect(root.textContent).to.contain('after the bomb');
  });

  it('alternating emphasis markers, streamed token by token, stop nesting at the limit (1)', () => {
    const markdown = `${'*a _b '.repeat(3_000)}end`;
    const root = render(
      markdown,
      split(
        markdown,
        Array.from({ length: 4_000 }, (_, i) => i * 5),
      ),
    );
    expectBounded(markdown, root);
    expect(root.textContent).to.contain('end');
  });

  it('a stored answer goes through the same limits as a streamed one (1)', () => {
    const markdown = '> - *'.repeat(2_000);
    const whole = factsOf(render(markdown), false);
    const streamed = factsOf(render(markdown, split(markdown, [7, 100, 1_001, 5_000])), false);
    expect(whole.depth).to.be.at.most(DEPTH_BOUND);
    expect(streamed.depth).to.be.at.most(DEPTH_BOUND);
  });

  it('a run of 100,000 `|` makes a table of at most 32 columns, not 100,000 cells (2)', () => {
    const markdown = `${'|'.repeat(100_000)}\n|-|\n${'|x'.repeat(50_000)}|`;
    const root = render(markdown);
    expectBounded(markdown, root);
    for (const row of root.querySelectorAll('tr')) expect(row.children.length).to.be.at.most(MAX_COLUMNS);
  });

  it('an answer of many small elements stops at the element limit, with every word still shown (2)', () => {
    const markdown = Array.from({ length: 12_000 }, (_, i) => `**${i}**`).join(' ');
    const root = render(markdown);
    expectBounded(markdown, root);
    expect(root.textContent).to.contain('11999');
  });

  it('a link destination padded with 512 KiB of spaces is judged without backtracking, and stays text (2)', () => {
    const destination = `https://example.test/${' '.repeat(512 * 1024)}x "title"`;
    // The old title pattern took seconds per hundred kilobytes here; the test's timeout is 20 s.
    expect(safeUrl(destination)).to.equal(undefined);
    expect(safeUrl('https://example.test/a   "title"')).to.equal('https://example.test/a');
    expect(safeUrl("<https://example.test/b> 'title'")).to.equal('https://example.test/b');
    const markdown = `[link](${destination})`;
    const root = render(markdown);
    expectBounded(markdown, root);
    expect(root.querySelector('a[href]')).to.equal(null);
  });

  for (const [name, run] of [
    ['digits', '1'.repeat(300_000)],
    ['asterisks', '*'.repeat(300_000)],
    ['backticks', '`'.repeat(300_000)],
    ['an open <br', `<br${' '.repeat(300_000)}`],
    ['a link destination', `[a](${'x'.repeat(300_000)}`],
    ['a fence info string', `\`\`\`${'a'.repeat(300_000)}`],
  ] as const) {
    it(`300,000 characters of ${name} (a marker the parser holds back) are plain text past a bound (2)`, () => {
      const root = render(run);
      expectBounded(run, root);
      // Every character is still there, as text, up to the length an answer shows.
      expect(root.textContent!.length).to.be.at.least(MAX_SHOWN_CHARS - 8);
    });
  }

  it(`an answer of 1 MiB is markdown for its first ${MAX_MARKDOWN_CHARS} characters, then plain text, shown up to ${MAX_SHOWN_CHARS} (2)`, () => {
    const markdown = `${'## Title\n\n- **item** and `code`\n\n'.repeat(40_000)}`.slice(0, 1 << 20);
    const root = render(markdown);
    expectBounded(markdown, root);
    expect(root.querySelectorAll('h3, h4').length).to.be.at.most(Math.ceil(MAX_MARKDOWN_CHARS / 30));
    // Its first 128 KiB (or 2,048 lines of plain text) are shown; the rest is in the conversation (and Copy), not laid out.
    expect(plainRest(root).length).to.be.within(1, MAX_SHOWN_CHARS);
    expect(plainRest(root).split('\n').length).to.be.at.most(MAX_SHOWN_LINES + 1);
    expect(root.textContent).to.match(/ …$/);
  });

  it('bidirectional controls are taken out of link text, so it shows the host it goes to (5)', () => {
    const root = render(
      '[https://\u202eelgoog.com\u202c](https://evil.test/) and https://a.test/\u202ex and ![\u2067alt\u2069](https://i.test/p.png)',
    );
    const links = [...root.querySelectorAll('a')];
    expect(links).to.have.length(3);
    for (const link of links) expect(link.textContent).not.to.match(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(links[0].textContent).to.equal('https://elgoog.com');
    expect(links[0].getAttribute('href')).to.equal('https://evil.test/');
    // Outside links the text is the model's own (an Arabic answer may need its marks).
    expect(render('a \u200f b').textContent).to.equal('a \u200f b');
  });

  it(`random and adversarial markdown, whole and in random pieces, stays bounded, inert and requests nothing (${FUZZ_RUNS} runs)`, function (this: {
    timeout(ms: number): void;
  }) {
    // A shared machine may take a minute; no time is asserted (the bench measures it: npm run attack:markdown-tasks).
    this.timeout(180_000);
    checkHostileMarkdown(FUZZ_RUNS, 11);
  });

  it(`with allow-images, random markdown makes images only of http(s) URLs (${FUZZ_RUNS / 3} runs)`, function (this: {
    timeout(ms: number): void;
  }) {
    this.timeout(120_000);
    checkHostileMarkdownWithImages(FUZZ_RUNS / 3, 12);
  });
});
