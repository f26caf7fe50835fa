import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { input, offline, part, parts } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

describe('<falcon-chat> when a message cannot be rendered', () => {
  it('keeps the question, the error and the composer on screen when a page’s strings function throws', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    // A site owner's override that throws: the countdown on Retry calls it while the element renders.
    el.strings = {
      retryIn: () => {
        throw new Error('a faulty override');
      },
    };
    const logged: unknown[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      const failed = oneEvent(el, 'falcon-chat-error');
      el.send(offline('Will this be lost?', { fault: 'http-429', 'retry-after': 30 }));
      const { detail } = await failed;
      await el.updateComplete;

      const visible = (node: Element | null | undefined) => !!node && node.getClientRects().length > 0;
      const question = parts(el, 'user-message').at(-1);
      expect(question?.textContent).to.contain('Will this be lost?');
      expect(visible(question)).to.equal(true);
      const error = parts(el, 'assistant-message').at(-1)?.querySelector('[part~="error"]');
      expect(error?.textContent).to.contain(detail.message);
      expect(visible(error)).to.equal(true);
      // The rest of the element kept rendering: the answer is over, so Send is back (not Stop).
      expect(visible(input(el))).to.equal(true);
      expect(visible(part(el, 'send-button'))).to.equal(true);
      expect(part(el, 'stop-button')).to.equal(null);
      expect(logged.length).to.be.greaterThan(0);
    } finally {
      console.error = consoleError;
    }
  });
});
