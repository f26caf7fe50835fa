import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { offline, parts } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

// A page of its own: the warm-up runs once per page, and this one must not have had a focus first.
describe('<falcon-chat> markdown warm-up without focus', () => {
  it('warms up when the page asks through send(), leaving the page its focus and the answer unchanged', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div><input aria-label="Page search" /><falcon-chat endpoint=${endpoint}></falcon-chat></div>`,
    );
    const pageInput = wrapper.querySelector('input')!;
    const el = wrapper.querySelector<FalconChat>('falcon-chat')!;
    await el.updateComplete;
    pageInput.focus();
    let warmUpSeen = false;
    const rootObserver = new MutationObserver(() => {
      warmUpSeen ||= el.shadowRoot!.querySelector('.warm-up') !== null;
    });
    rootObserver.observe(el.shadowRoot!, { subtree: true, childList: true });

    const response = oneEvent(el, 'falcon-chat-response');
    expect(el.send(offline('Hello', { delay: 40 }))).to.equal(true);
    await waitUntil(() => warmUpSeen && !el.shadowRoot!.querySelector('.warm-up'), 'no warm-up ran for send()', {
      timeout: 10_000,
    });
    await response;
    rootObserver.disconnect();

    expect(document.activeElement).to.equal(pageInput);
    expect(parts(el, 'assistant-message')).to.have.length(1);
    expect(parts(el, 'assistant-message')[0].classList.contains('warm-up')).to.equal(false);
    expect(parts(el, 'assistant-message')[0].textContent).to.match(/offline/i);
  });
});
