import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { offline, part, parts } from './support/chat-helpers.ts';
import { endpoint, workerUrl } from './support/stack-urls.ts';

function lastAnswer(el: FalconChat): HTMLElement {
  return parts(el, 'assistant-message').at(-1)?.querySelector<HTMLElement>('[part~="message-content"]') as HTMLElement;
}

describe('<falcon-chat> answers in markdown', () => {
  let el: FalconChat;

  beforeEach(async () => {
    el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
  });

  it('renders lists, emphasis, inline and block code with its language and Copy, and safe links', async () => {
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Show me markdown'));
    await response;
    await el.updateComplete;
    const answer = lastAnswer(el);

    expect(answer.querySelectorAll('p').length).to.be.greaterThan(1);
    expect([...answer.querySelectorAll('ul > li')].map((li) => li.textContent)).to.have.length(3);
    expect(answer.querySelector('li strong')!.textContent).to.equal('Tokens');
    expect(answer.querySelector('p code, li code')!.textContent).to.equal('inline code');
    const block = answer.querySelector('.code-block')!;
    expect(block.querySelector('.code-language')!.textContent).to.equal('js');
    expect(block.querySelector('button')!.textContent).to.equal('Copy code');
    expect(block.querySelector('pre code')!.textContent).to.contain('console.log(');
    const link = answer.querySelector('a[href]') as HTMLAnchorElement;
    expect(link.href).to.equal('https://huggingface.co/tiiuae/falcon-7b-instruct');
    expect(link.rel).to.equal('noopener noreferrer nofollow');
    expect(link.target).to.equal('_blank');
    // The markdown syntax itself is gone from what the visitor reads.
    expect(answer.textContent).not.to.contain('**');
    expect(answer.textContent).not.to.contain('```');
  });

  it('renders headings, tables and code of a long answer', async () => {
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('A long one', { tokens: 240 }));
    await response;
    await el.updateComplete;
    const answer = lastAnswer(el);
    // "## Part 1", the answer's first heading: under the element's h2, it becomes an h3.
    expect([...answer.querySelectorAll('h3')].map((h) => h.textContent).slice(0, 2)).to.deep.equal([
      'Part 1',
      'Part 2',
    ]);
    const table = answer.querySelector('table')!;
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim())).to.deep.equal([
      'n',
      'square',
      'note',
    ]);
    expect([...table.querySelectorAll('tbody td')].map((td) => td.textContent!.trim())).to.deep.equal([
      '1',
      '1',
      'ok ✓',
    ]);
    expect(answer.querySelectorAll('.code-block').length).to.be.greaterThan(1);
  });

  it('renders block quotes and ordered lists, and shows the visitor’s own text as typed', async () => {
    el.messages = [
      { role: 'user', content: '**not bold** <b>not html</b>\n> not a quote' },
      { role: 'assistant', content: '> quoted\n\n3. three\n4. four\n\n---\n\n*em* ~~gone~~' },
    ];
    await el.updateComplete;
    const question = parts(el, 'user-message')[0].querySelector('[part~="message-content"]')!;
    expect(question.textContent).to.equal('**not bold** <b>not html</b>\n> not a quote');
    expect(question.children).to.have.length(0);
    const answer = lastAnswer(el);
    expect(answer.querySelector('blockquote')!.textContent).to.contain('quoted');
    expect(answer.querySelector('ol')!.getAttribute('start')).to.equal('3');
    expect(answer.querySelector('hr')).to.exist;
    expect(answer.querySelector('em')!.textContent).to.equal('em');
    expect(answer.querySelector('s')!.textContent).to.equal('gone');
  });

  it('does not link a javascript: URL or load an image the model writes', async () => {
    const resourcesBefore = performance.getEntriesByType('resource').length;
    const response = oneEvent(el, 'falcon-chat-response');
    // The offline model quotes the question, so its answer carries these.
    el.send(offline('[click](javascript:alert(1)) ![p](https://attacker.test/p.png?q=secret)'));
    await response;
    await el.updateComplete;
    const answer = lastAnswer(el);
    const hrefs = [...answer.querySelectorAll('a[href]')].map((link) => link.getAttribute('href'));
    expect(hrefs.some((href) => /^javascript:/i.test(href!))).to.equal(false);
    expect(hrefs).to.include('https://attacker.test/p.png?q=secret');
    expect(answer.querySelector('img')).to.equal(null);
    const requested = performance
      .getEntriesByType('resource')
      .slice(resourcesBefore)
      .map((entry) => entry.name);
    expect(requested.filter((url) => url.includes('attacker.test'))).to.deep.equal([]);
  });

  it('shows images with allow-images', async () => {
    el.allowImages = true;
    const image = `${workerUrl}/favicon.svg`;
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline(`![The logo](${image})`));
    await response;
    await el.updateComplete;
    const img = lastAnswer(el).querySelector('img')!;
    expect(img.getAttribute('src')).to.equal(image);
    expect(img.alt).to.equal('The logo');
    expect(img.referrerPolicy).to.equal('no-referrer');
  });
});

describe('<falcon-chat> streaming markdown incrementally', () => {
  it('never replaces what it has rendered, so a selection in the finished part stays selected', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Stream a long answer', { delay: 10, tokens: 500 }));
    // Part 1 is finished once Part 2 has started.
    await waitUntil(() => lastAnswer(el)?.querySelectorAll('h3').length >= 2, 'Part 2 never arrived', {
      timeout: 10_000,
    });
    const answer = lastAnswer(el);
    const firstItem = answer.querySelector('li')!;
    const textNode = firstItem.firstChild!;
    const range = document.createRange();
    range.selectNodeContents(firstItem);
    const selection = document.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
    const selected = range.toString();
    expect(selected).to.contain('item 1.1');
    const lengthThen = el.messages.at(-1)!.content.length;

    await waitUntil(() => el.messages.at(-1)!.content.length > lengthThen + 300, 'the answer stopped growing', {
      timeout: 10_000,
    });
    expect(el.messages.at(-1)!.status).to.equal('streaming');
    // Identities are compared as booleans: chai's diff of a DOM node is slow.
    expect(answer.querySelector('li') === firstItem).to.equal(true);
    expect(firstItem.firstChild === textNode).to.equal(true);
    expect(selection.rangeCount).to.equal(1);
    expect(selection.getRangeAt(0) === range).to.equal(true);
    expect(range.toString()).to.equal(selected);
    expect(range.startContainer === firstItem).to.equal(true);

    await response;
    expect(lastAnswer(el) === answer).to.equal(true);
    expect(range.toString()).to.equal(selected);
    selection.removeAllRanges();
  });

  it('does per-token DOM work that does not grow with the answer’s length', async () => {
    // Rendered as markdown from the first token: on a busy machine the lazily loaded chunk can arrive mid-answer,
    // and its catching up would count as the work of the answer's first half.
    await import('../../widget/answer-chunk.ts');
    // The worker's MAX_NEW_TOKENS is the longest answer there is.
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint} max-new-tokens="1024"></falcon-chat>`);
    const response = oneEvent(el, 'falcon-chat-response');
    // A token every 5 ms, so that each frame shows a few: the work is attributed to where in the answer it is done
    // (one token a millisecond came in bursts of hundreds of characters a frame, and a third of the answer was
    // counted from a handful of bursts, so the ratio below depended on where they fell).
    el.send(offline('Count the work', { delay: 5, tokens: 1100 }));
    // From the end of the first block on (the intro paragraph is finished once the first heading starts).
    await waitUntil(() => lastAnswer(el)?.querySelector('h3'), 'no heading', { timeout: 15_000 });
    const answer = lastAnswer(el);

    // Nodes added per character of answer, in thirds of the answer. Nodes, not mutation records: how many tokens
    // one render takes in depends on the machine's speed, how many nodes the answer's markdown makes does not.
    const records: { at: number; count: number; removed: number }[] = [];
    const observer = new MutationObserver((mutations) => {
      const count = mutations.reduce((sum, mutation) => sum + mutation.addedNodes.length, 0);
      const removed = mutations.reduce((sum, mutation) => sum + mutation.removedNodes.length, 0);
      records.push({ at: el.messages.at(-1)!.content.length, count, removed });
    });
    observer.observe(answer, { subtree: true, childList: true, characterData: true });
    // The answer's first block (in its first section, sections.ts).
    const firstBlock = answer.firstElementChild?.firstElementChild;
    const firstBlockText = firstBlock?.textContent;
    const { detail } = await response;
    observer.disconnect();

    const total = detail.text.length;
    const third = (from: number, to: number) => {
      const inThird = records.filter((record) => record.at > from && record.at <= to);
      return inThird.reduce((sum, record) => sum + record.count, 0) / (to - from);
    };
    const early = third(total / 6, total / 2);
    const late = third(total / 2, (total * 5) / 6);
    // Same kind of markdown throughout, so about the same work per character; re-rendering would make `late` many times `early`.
    expect(late).to.be.below(early * 2 + 0.05);
    expect(records.reduce((sum, record) => sum + record.removed, 0)).to.equal(0);
    // The first block is the very same node, unchanged. (Identity is compared as a boolean: chai's diff of a DOM node is slow.)
    expect(answer.firstElementChild?.firstElementChild === firstBlock).to.equal(true);
    expect(firstBlock?.textContent).to.equal(firstBlockText);
    expect(part(el, 'message-content')).to.exist;
  });
});
