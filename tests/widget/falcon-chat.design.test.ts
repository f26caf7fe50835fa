import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { answerHasStarted, input, offline, part, parts, typeInto } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

const DESKTOP = { width: 1280, height: 720 };
const PHONE = { width: 390, height: 844 };

/** The pricing table: short words that a tight panel used to break ("Busi/ness", "$99/ mo"). */
const PRICING = [
  '| Plan | Business | Price | Seats | Support | Storage |',
  '|---|:---:|---:|---|---|---|',
  '| Starter | Small teams | $9/mo | 3 | Email | 10 GB |',
  '| Business | Growing companies | $99/mo | 25 | Priority | 1 TB |',
].join('\n');

/** Each word of `element`'s text, as the page lays it out: how many lines it takes. */
function linesPerWord(element: Element): { word: string; lines: number }[] {
  const words: { word: string; lines: number }[] = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    for (const match of node.data.matchAll(/\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      words.push({ word: match[0], lines: tops.size });
    }
  }
  return words;
}

function within(inner: DOMRect, outer: DOMRect): boolean {
  return inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5;
}

/** The element's focused control, or null when focus is outside it. */
const focusedInside = (el: FalconChat) => (document.activeElement === el ? el.shadowRoot!.activeElement : null);

/**
 * The focused control's part, as text: a failed comparison of two elements of the shadow root never reaches the
 * report (the runner hangs serialising them), so a regression would show as a 120 s timeout instead of this.
 */
const focusedPart = (el: FalconChat) => {
  const focused = focusedInside(el);
  return focused ? (focused.getAttribute('part') ?? focused.tagName.toLowerCase()) : 'nothing in the element';
};

describe('<falcon-chat> design bugs (issue 12)', () => {
  afterEach(() => setViewport(DESKTOP));

  it('keeps every word of a table cell on one line in the floating panel; the table scrolls sideways; ---: columns are right-aligned', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat mode="floating" open endpoint=${endpoint}></falcon-chat>`);
    el.messages = [
      { role: 'user', content: 'Compare the plans' },
      { role: 'assistant', content: PRICING },
    ];
    await el.updateComplete;
    const table = part(el, 'assistant-message')!.querySelector('table')!;
    const broken = [...table.querySelectorAll('th, td')].flatMap(linesPerWord).filter(({ lines }) => lines > 1);
    expect(broken.map(({ word }) => word)).to.deep.equal([]);
    const scroller = table.closest<HTMLElement>('.table-scroll')!;
    expect(scroller.scrollWidth).to.be.greaterThan(scroller.clientWidth);
    scroller.scrollLeft = 80;
    expect(scroller.scrollLeft).to.be.greaterThan(0);
    // The scroller stays inside the panel: only the table moves.
    expect(within(scroller.getBoundingClientRect(), part(el, 'base')!.getBoundingClientRect())).to.equal(true);
    const priceCells = [...table.rows].map((row) => row.cells[2]);
    expect(priceCells.map((cell) => getComputedStyle(cell).textAlign)).to.deep.equal(['right', 'right', 'right']);
    expect(getComputedStyle(table.rows[1].cells[1]).textAlign).to.equal('center');
    expect(getComputedStyle(table.rows[1].cells[0]).textAlign).to.equal('start');
  });

  it('aligns the columns of a table that streams in, token by token', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    const answer = btoa(PRICING).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Stream the table', { answer, 'split-at': 'every' }));
    await response;
    await el.updateComplete;
    const rows = [...part(el, 'assistant-message')!.querySelector('table')!.rows];
    expect(rows.map((row) => getComputedStyle(row.cells[2]).textAlign)).to.deep.equal(['right', 'right', 'right']);
  });

  it('opens the panel of lang="ar" mode="floating" on a left-to-right page on its launcher’s side', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat lang="ar" mode="floating" endpoint=${endpoint}></falcon-chat>`,
    );
    el.show();
    await el.updateComplete;
    const launcher = part(el, 'launcher')!.getBoundingClientRect();
    const panel = part(el, 'base')!.getBoundingClientRect();
    expect(window.innerWidth - launcher.right).to.be.within(8, 24);
    expect(Math.abs(panel.right - launcher.right)).to.be.below(1);
    expect(getComputedStyle(part(el, 'base')!).direction).to.equal('rtl');
  });

  it('lays out each suggestion in its own direction: an English one in an Arabic chat ends with its "?"', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat lang="ar" suggestions="What can you do?|ماذا تستطيع أن تفعل؟" endpoint=${endpoint}></falcon-chat>`,
    );
    const [english, arabic] = parts(el, 'suggestion').map((button) => {
      const text = document.createTreeWalker(button, NodeFilter.SHOW_TEXT).nextNode() as Text;
      const at = (index: number) => {
        const range = document.createRange();
        range.setStart(text, index);
        range.setEnd(text, index + 1);
        return range.getBoundingClientRect();
      };
      return { first: at(0), last: at(text.data.length - 1) };
    });
    // Read left to right, "?" comes after "W"; read right to left, "؟" comes after "م", to its left.
    expect(english.last.left).to.be.above(english.first.left);
    expect(arabic.last.right).to.be.below(arabic.first.right);
  });

  it('keeps every settings field inside the panel', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat mode="floating" open show-settings endpoint=${endpoint}></falcon-chat>`,
    );
    const details = part<HTMLDetailsElement>(el, 'settings')!;
    details.open = true;
    await el.updateComplete;
    const panel = part(el, 'base')!.getBoundingClientRect();
    const fields = [...details.querySelectorAll('textarea, input, output, label')];
    expect(fields.length).to.be.at.least(4);
    for (const field of fields) expect(within(field.getBoundingClientRect(), panel), field.outerHTML).to.equal(true);
  });

  it('shows a failed question once when it is sent again from the input', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    el.systemMessage = offline('', { fault: 'error-before-first' });
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send('Ask me once');
    await failed;
    await el.updateComplete;
    expect(input(el).value).to.equal('Ask me once');

    el.systemMessage = offline('');
    input(el).focus();
    const response = oneEvent(el, 'falcon-chat-response');
    await sendKeys({ press: 'Enter' });
    await response;
    await el.updateComplete;
    const questions = parts(el, 'user-message').map((message) => message.querySelector('.content')!.textContent);
    expect(questions).to.deep.equal(['Ask me once']);
    expect(parts(el, 'error')).to.have.length(0);
    expect(el.messages.map((message) => message.role)).to.deep.equal(['user', 'assistant']);
  });

  it('Retry of a question put back in the input asks it once and empties the input', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    el.systemMessage = offline('', { fault: 'error-before-first' });
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send('Retry me once');
    await failed;
    await el.updateComplete;
    el.systemMessage = offline('');
    const response = oneEvent(el, 'falcon-chat-response');
    part(el, 'retry-button')!.click();
    await response;
    await el.updateComplete;
    expect(input(el).value).to.equal('');
    expect(parts(el, 'user-message')).to.have.length(1);
  });

  for (const [name, viewport, mode] of [
    ['full screen', DESKTOP, 'fullscreen'],
    ['the floating panel on a phone', PHONE, 'floating'],
  ] as const) {
    it(`holds focus in ${name} under 30 Tabs, with the page behind inert`, async () => {
      await setViewport(viewport);
      const page = await fixture<HTMLElement>(html`<div>
        <a href="#before">Before</a>
        <falcon-chat mode=${mode} endpoint=${endpoint}></falcon-chat>
        <p><a href="#after">After</a></p>
      </div>`);
      const el = page.querySelector('falcon-chat') as FalconChat;
      el.messages = [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hi, with a [link](https://example.com).' },
      ];
      if (mode === 'floating') {
        part(el, 'launcher')!.focus();
        await sendKeys({ press: 'Enter' });
      }
      await el.updateComplete;
      expect(part(el, 'base')!.getAttribute('aria-modal')).to.equal('true');
      input(el).focus();
      const reached = new Set<string>();
      for (let step = 0; step < 30; step++) {
        await sendKeys({ press: step % 7 === 6 ? 'Shift+Tab' : 'Tab' });
        const focused = focusedInside(el);
        expect(focused, `Tab ${step + 1} left the panel`).to.not.equal(null);
        reached.add(focused!.getAttribute('part') ?? focused!.tagName);
      }
      expect(reached.size).to.be.at.least(4);
      for (const link of page.querySelectorAll('a'))
        expect(link.closest('[inert]'), link.textContent!).to.not.equal(null);

      if (mode === 'floating') {
        const closed = oneEvent(el, 'falcon-chat-close');
        await sendKeys({ press: 'Escape' });
        await closed;
        await el.updateComplete;
        expect(focusedPart(el)).to.equal('launcher');
        for (const link of page.querySelectorAll('a')) expect(link.closest('[inert]')).to.equal(null);
      }
    });
  }

  it('leaves the page alone when the panel does not cover it (floating on a desktop)', async () => {
    const page = await fixture<HTMLElement>(
      html`<div><a href="#x">Page</a><falcon-chat mode="floating" open endpoint=${endpoint}></falcon-chat></div>`,
    );
    await (page.querySelector('falcon-chat') as FalconChat).updateComplete;
    expect(page.querySelector('a')!.closest('[inert]')).to.equal(null);
  });

  it('on touch, opening the panel or tapping a suggestion leaves the keyboard down (no focused input)', async () => {
    await setViewport(PHONE);
    const el = await fixture<FalconChat>(
      html`<falcon-chat mode="floating" suggestions="Where is my order?|Returns" endpoint=${endpoint}></falcon-chat>`,
    );
    const tap = async (target: Element) => {
      const { left, top, width, height } = target.getBoundingClientRect();
      await executeServerCommand('falcon-touch', { x: left + width / 2, y: top + height / 2 });
    };
    const opened = oneEvent(el, 'falcon-chat-open');
    await tap(part(el, 'launcher')!);
    await opened;
    await el.updateComplete;
    expect(focusedPart(el)).to.equal('base');

    const response = oneEvent(el, 'falcon-chat-response');
    el.systemMessage = offline('');
    await tap(parts(el, 'suggestion')[0]);
    await response;
    await el.updateComplete;
    expect(el.messages[0].content).to.equal('Where is my order?');
    expect(focusedPart(el)).to.not.equal('input');

    // With a mouse or keys, the input is ready to type in, as before.
    el.hide();
    await el.updateComplete;
    part(el, 'launcher')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(focusedPart(el)).to.equal('input');
  });

  it('says that an answer is still coming when Enter is pressed during it, keeping the typed text', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    el.send(offline('A long one', { delay: 30, tokens: 300 }));
    await answerHasStarted(el);
    input(el).focus();
    typeInto(input(el), 'And another thing');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const notice = part(el, 'notice')!;
    expect(notice, 'a status line for notices').to.not.equal(null);
    expect(notice.getAttribute('role')).to.equal('status');
    expect(notice.textContent).to.contain('Press Stop');
    expect(notice.getBoundingClientRect().height).to.be.greaterThan(0);
    expect(input(el).value).to.equal('And another thing');
    expect(el.messages).to.have.length(2);
    el.stop();
    await el.updateComplete;
    expect(part(el, 'notice')!.textContent).to.equal('');
  });

  it('after a 429 with Retry-After, counts down on a disabled Retry and enables it when the wait is over', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(offline('Too many', { fault: 'http-429', 'retry-after': 3 }));
    const { detail } = await failed;
    await el.updateComplete;
    expect(detail.retryAfter).to.be.greaterThan(0);
    const retry = part<HTMLButtonElement>(el, 'retry-button')!;
    expect(retry.disabled).to.equal(true);
    expect(retry.textContent).to.match(/Retry in \d+ s/);
    await waitUntil(() => !part<HTMLButtonElement>(el, 'retry-button')!.disabled, 'Retry never came back', {
      timeout: 10_000,
    });
    expect(part(el, 'retry-button')!.textContent!.trim()).to.equal('Retry');
  });

  it('makes every button at least 24 by 24 CSS pixels', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat mode="floating" open show-settings endpoint=${endpoint}></falcon-chat>`,
    );
    el.messages = [
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Code:\n\n```js\nconst a = 1;\n```' },
      { role: 'user', content: 'More' },
      { role: 'assistant', content: 'Sure.' },
    ];
    await el.updateComplete;
    const buttons = [...el.shadowRoot!.querySelectorAll('button, summary')].filter((b) => b.getClientRects().length);
    expect(buttons.length).to.be.greaterThan(8);
    for (const button of buttons) {
      const { width, height } = button.getBoundingClientRect();
      expect(Math.min(width, height), button.outerHTML.slice(0, 80)).to.be.at.least(24);
    }
  });
});
