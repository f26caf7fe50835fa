import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { input, offline, part, parts, transcript, typeInto } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

describe('<falcon-chat> markdown warm-up', () => {
  it('renders markdown out of sight once the visitor focuses the input, leaving nothing behind and answers unchanged', async () => {
    // A page styling answers through ::part must not show the samples, which are laid out as answers are.
    const pageStyle = Object.assign(document.createElement('style'), {
      textContent: 'falcon-chat::part(message-content) { position: static; visibility: visible; }',
    });
    document.head.append(pageStyle);
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    const field = input(el);
    const boxes = () => JSON.stringify([field.getBoundingClientRect(), transcript(el).getBoundingClientRect()]);
    const layoutBefore = boxes();
    const transcriptChanges: MutationRecord[] = [];
    const logObserver = new MutationObserver((records) => transcriptChanges.push(...records));
    logObserver.observe(transcript(el), { subtree: true, childList: true, characterData: true, attributes: true });
    // The hidden markdown as it was after each step, checked while it was there.
    const steps: { hidden: boolean; inert: boolean; inLog: boolean; layoutChanged: boolean; text: string }[] = [];
    const rootObserver = new MutationObserver(() => {
      const box = el.shadowRoot!.querySelector<HTMLElement>('.warm-up');
      if (!box) return;
      steps.push({
        hidden: getComputedStyle(box).visibility === 'hidden' && getComputedStyle(box).position === 'absolute',
        inert: box.inert,
        inLog: transcript(el).contains(box),
        layoutChanged: boxes() !== layoutBefore,
        text: box.textContent ?? '',
      });
    });
    rootObserver.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });

    field.focus();
    typeInto(field, offline('Hello'));
    await waitUntil(() => steps.length > 0 && !el.shadowRoot!.querySelector('.warm-up'), 'the warm-up did not finish', {
      timeout: 10_000,
    });
    rootObserver.disconnect();
    logObserver.disconnect();

    expect(steps.length).to.be.greaterThan(1);
    for (const step of steps)
      expect(step).to.deep.equal({ ...step, hidden: true, inert: true, inLog: false, layoutChanged: false });
    expect(steps.map((step) => step.text).join(' ')).to.contain('✓');
    expect(transcriptChanges).to.have.length(0);
    expect(el.shadowRoot!.activeElement).to.equal(field);
    expect(field.value).to.equal(offline('Hello'));
    await expect(el).to.be.accessible();
    pageStyle.remove();

    const response = oneEvent(el, 'falcon-chat-response');
    part<HTMLButtonElement>(el, 'send-button')!.click();
    await response;
    await el.updateComplete;
    expect(parts(el, 'assistant-message')).to.have.length(1);
    expect(parts(el, 'user-message')[0].textContent).to.contain('Hello');

    el.send(offline('A long one', { tokens: 240 }));
    await oneEvent(el, 'falcon-chat-response');
    await el.updateComplete;
    const answer = parts(el, 'assistant-message')[1].querySelector('[part~="message-content"]')!;
    expect(answer.classList.contains('warm-up')).to.equal(false);
    expect([...answer.querySelectorAll('h3')].map((h) => h.textContent).slice(0, 2)).to.deep.equal([
      'Part 1',
      'Part 2',
    ]);
    expect(answer.querySelector('table')).to.not.equal(null);
    expect(answer.querySelectorAll('.code-block').length).to.be.greaterThan(1);
  });
});
