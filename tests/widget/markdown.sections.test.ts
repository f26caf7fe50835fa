import { expect, waitUntil } from '@open-wc/testing';
import { markdownStyles } from '../../widget/markdown/markdown.styles.ts';
import { MarkdownView } from '../../widget/markdown/markdown-view.ts';

const ORDINARY =
  '## A heading\n\nSome *emphasis*, **strong** words, `inline code` and a [link](https://example.test/page).\n\n' +
  '- one item\n- another item\n  - nested\n\n1. first\n2. second\n\n> a quote\n\n' +
  '| a | b | c |\n|---|:-:|--:|\n| 1 | 2 | 3 |\n\n```js\nconst answer = 42;\nconsole.log(answer);\n```\n\n';
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const NEEDLE = 'A needle in the first section';
/** Long enough for a dozen sections, and past the markdown's limits into the plain rest. */
const LONG = `${NEEDLE}.\n\n${fill(ORDINARY, 128 * 1024)}`;

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
/** Every child of an answer's root is a section. */
const sectionsOf = (root: HTMLElement) => [...root.children] as HTMLElement[];
const laidAside = (section: HTMLElement) => getComputedStyle(section).contentVisibility === 'auto';
/** Whether the browser skips the section's contents (laid aside and out of sight). */
const skipped = (section: HTMLElement) => !section.firstElementChild!.checkVisibility({ contentVisibilityAuto: true });

/** The answer as the element shows it (its styles, a phone's width), rendered and laid aside. */
async function show(content: string): Promise<HTMLElement> {
  const view = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
  view.root.className = 'markdown';
  view.root.style.width = '360px';
  document.body.append(view.root);
  view.sync(content, false);
  view.flush();
  const sections = sectionsOf(view.root);
  await waitUntil(
    () => sections.filter(laidAside).length === sections.length - 2,
    'the finished sections were not laid aside',
  );
  await frame();
  return view.root;
}

/** Everything laid out again, as without sections laid aside. */
async function takeBack(root: HTMLElement): Promise<void> {
  for (const laidAside of root.querySelectorAll('[style]')) laidAside.removeAttribute('style');
  await frame();
}

describe('a long answer lays its finished sections aside (issue 11)', () => {
  before(() => {
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, markdownStyles.styleSheet!];
  });
  afterEach(() => {
    for (const root of document.body.querySelectorAll(':scope > .markdown')) root.remove();
    getSelection()?.removeAllRanges();
    scrollTo(0, 0);
  });

  it('all but the last two sections skip their contents out of sight, and nothing moves', async () => {
    const root = await show(LONG);
    const sections = sectionsOf(root);
    expect(sections.length).to.be.at.least(8);
    for (const section of sections.slice(0, -2)) expect(laidAside(section)).to.equal(true);
    for (const section of sections.slice(-2)) expect(laidAside(section)).to.equal(false);
    // The page shows the answer's start: the sections below it are skipped.
    expect(skipped(sections[0])).to.equal(false);
    expect(skipped(sections.at(-3)!)).to.equal(true);

    // The plain rest past the markdown's limits: its blocks are laid aside the same way.
    const restBlocks = [...root.querySelectorAll<HTMLElement>('.plain-rest > div')];
    expect(restBlocks.length).to.be.at.least(4);
    await waitUntil(() => restBlocks.slice(0, -2).every(laidAside), 'the plain rest was not laid aside');
    const height = root.getBoundingClientRect().height;
    const lastTop = sections.at(-1)!.getBoundingClientRect().top;
    await takeBack(root);
    expect(skipped(sections.at(-3)!)).to.equal(false);
    // Laid aside at their measured sizes: the answer is as tall, and its end where it was.
    expect(height).to.be.closeTo(root.getBoundingClientRect().height, 0.5);
    expect(lastTop).to.be.closeTo(sections.at(-1)!.getBoundingClientRect().top, 0.5);
  });

  it('text in a skipped section is found by find-in-page, and selected and copied with the rest', async () => {
    const root = await show(LONG);
    const [first] = sectionsOf(root);
    scrollTo(0, document.documentElement.scrollHeight);
    await frame();
    await frame();
    expect(skipped(first)).to.equal(true);

    const all = new Range();
    all.selectNodeContents(root);
    getSelection()!.addRange(all);
    const copied = getSelection()!.toString();
    getSelection()!.removeAllRanges();

    expect((window as unknown as { find(text: string): boolean }).find(NEEDLE)).to.equal(true);
    expect(getSelection()!.toString()).to.equal(NEEDLE);
    expect(first.contains(getSelection()!.anchorNode)).to.equal(true);
    getSelection()!.removeAllRanges();

    // What a visitor copies is the whole answer, as when nothing is laid aside.
    expect(copied).to.contain(NEEDLE);
    await takeBack(root);
    getSelection()!.addRange(all);
    expect(copied).to.equal(getSelection()!.toString());
  });

  it('a short answer is one section, and nothing is laid aside, in it or beside it', async () => {
    const view = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
    view.root.className = 'markdown';
    // In a message, as in the element: its label comes before the answer.
    const message = document.body.appendChild(document.createElement('div'));
    message.className = 'markdown';
    const label = message.appendChild(document.createElement('span'));
    label.textContent = 'The answer';
    message.append(view.root);
    view.sync(ORDINARY, false);
    for (let i = 0; i < 4; i++) await frame();
    expect(sectionsOf(view.root).length).to.equal(1);
    expect(laidAside(sectionsOf(view.root)[0])).to.equal(false);
    expect(label.hasAttribute('style')).to.equal(false);
  });
});
