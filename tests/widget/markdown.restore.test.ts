import { expect, fixtureCleanup } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { MAX_ELEMENTS } from '../../widget/markdown/dom-renderer.ts';
import { MarkdownView } from '../../widget/markdown/markdown-view.ts';
import { MAX_SHOWN_CHARS, MAX_SHOWN_LINES } from '../../widget/markdown/markdown-writer.ts';
import { parts } from './support/chat-helpers.ts';
import { ELEMENT_BOUND, markupOf } from './support/markdown-checks.ts';

const MiB = 1 << 20;
const ORDINARY =
  '## A heading\n\nSome *emphasis*, **strong** words, `inline code` and a [link](https://example.test/page).\n\n' +
  '- one item\n- another item\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```js\nconst answer = 42;\n```\n\n';
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Answers of 1 MiB of the kinds issue 11 names, and ordinary ones (timings are in the bench: tests/bench/markdown-tasks.ts). */
const ANSWERS: [string, string][] = [
  ['ordinary markdown', fill(ORDINARY, MiB)],
  ['deep > nesting', fill('>', MiB)],
  ['plain prose', fill('Some words of an ordinary sentence, and a few more. ', MiB)],
  ['one long line', fill('abcdefghij', MiB)],
];

function store(content: string): void {
  const messages = [
    { role: 'user', content: 'A question' },
    { role: 'assistant', content, status: 'complete' },
  ];
  localStorage.setItem('restore-test', JSON.stringify({ version: 1, messages }));
}

const answerContent = (el: FalconChat) =>
  parts(el, 'assistant-message').at(-1)?.querySelector<HTMLElement>('[part~="message-content"]');

/** The answer rendered by a view of its own, all at once. */
function renderedAtOnce(content: string): HTMLElement {
  const view = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
  view.sync(content, false);
  view.flush();
  return view.root;
}

describe('a long stored answer is restored a slice per frame (issue 11)', () => {
  before(() => Promise.all([import('../../widget/answer-chunk.ts'), customElements.whenDefined('falcon-chat')]));
  afterEach(() => {
    fixtureCleanup();
    localStorage.clear();
  });

  for (const [name, content] of ANSWERS) {
    it(`${name}, 1 MiB: other tasks run between its slices, its DOM is bounded, and it ends as rendered at once`, async () => {
      store(content);
      const el = document.createElement('falcon-chat') as FalconChat;
      el.setAttribute('persist', 'local');
      el.setAttribute('storage-key', 'restore-test');
      // What a timer (another task of the page, as an input event's handler is) sees of the answer while it renders.
      const seen: number[] = [];
      let watching = true;
      const watch = () => {
        seen.push((el.shadowRoot && answerContent(el)?.textContent?.length) ?? -1);
        if (watching) setTimeout(watch);
      };
      watch();
      document.body.append(el);
      await el.updateComplete;
      watching = false;

      const shown = answerContent(el)!;
      const final = shown.textContent!.length;
      // Partly rendered when other tasks ran: the answer took several tasks, with the page's own between them.
      expect(seen.filter((length) => length > 0 && length < final).length).to.be.at.least(1);
      expect(final).to.be.within(4_000, MAX_SHOWN_CHARS + 2);
      expect(shown.textContent).to.match(/ …$/);
      expect(shown.querySelectorAll('*').length).to.be.at.most(ELEMENT_BOUND);
      expect(markupOf(shown)).to.equal(markupOf(renderedAtOnce(content)));
      // The whole answer is still in the conversation (Copy copies all of it).
      expect(el.messages.at(-1)!.content).to.have.length(MiB);
      el.remove();
    });
  }

  it('1 MiB of short lines shows at most MAX_SHOWN_LINES of them, in bounded blocks', async () => {
    store(fill('a\n', MiB));
    const el = document.createElement('falcon-chat') as FalconChat;
    el.setAttribute('persist', 'local');
    el.setAttribute('storage-key', 'restore-test');
    document.body.append(el);
    await el.updateComplete;
    const shown = answerContent(el)!;
    expect(shown.textContent!.split('\n').length).to.be.within(MAX_SHOWN_LINES / 2, MAX_SHOWN_LINES + 200);
    expect(shown.querySelectorAll('*').length).to.be.at.most(ELEMENT_BOUND);
    expect(shown.textContent).to.match(/ …$/);
    el.remove();
  });

  it('an ordinary answer is rendered in the same task, as before', async () => {
    store(ORDINARY);
    const el = document.createElement('falcon-chat') as FalconChat;
    el.setAttribute('persist', 'local');
    el.setAttribute('storage-key', 'restore-test');
    document.body.append(el);
    await el.updateComplete;
    const view = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
    view.sync(ORDINARY, false);
    expect(view.rendering).to.equal(undefined);
    expect(markupOf(answerContent(el)!)).to.equal(markupOf(view.root));
    expect(answerContent(el)!.querySelectorAll('*').length).to.be.below(MAX_ELEMENTS);
    el.remove();
  });

  it('a streamed piece that arrives while a long answer still renders comes after it, in order', async () => {
    // Long enough to render over several frames, short enough to stay markdown to its end.
    const long = fill(ORDINARY, 20_000);
    const view = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
    document.body.append(view.root);
    view.sync(long, true);
    expect(view.rendering).not.to.equal(undefined);
    view.append('\n\nThe **end**.');
    view.sync(`${long}\n\nThe **end**.`, false);
    await view.rendering;
    expect(markupOf(view.root)).to.equal(markupOf(renderedAtOnce(`${long}\n\nThe **end**.`)));
    expect(view.root.lastElementChild!.lastElementChild!.outerHTML).to.equal(
      '<p dir="auto">The <strong>end</strong>.</p>',
    );
    view.root.remove();
  });
});
