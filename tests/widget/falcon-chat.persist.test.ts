import { expect, fixture, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { answerHasStarted, offline, parts } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

/** A new element on the same storage, as after a reload. */
function reload(persist: string, key = 'falcon-chat') {
  fixtureCleanup();
  return fixture<FalconChat>(
    html`<falcon-chat persist=${persist} storage-key=${key} endpoint=${endpoint}></falcon-chat>`,
  );
}

describe('<falcon-chat> persistence', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it('keeps nothing by default', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Forget me'));
    await response;
    expect(localStorage.length + sessionStorage.length).to.equal(0);
  });

  for (const [persist, storage] of [
    ['local', () => localStorage],
    ['session', () => sessionStorage],
  ] as const) {
    it(`persist="${persist}" restores the conversation after a reload, and clear() removes it`, async () => {
      let el = await reload(persist, 'shop-help');
      const response = oneEvent(el, 'falcon-chat-response');
      el.send(offline('Remember me'));
      const { detail } = await response;
      expect(storage().getItem('shop-help')).to.contain('Remember me');

      el = await reload(persist, 'shop-help');
      expect(el.messages.map(({ role, content }) => ({ role, content }))).to.deep.equal([
        { role: 'user', content: offline('Remember me') },
        { role: 'assistant', content: detail.text },
      ]);
      expect(parts(el, 'message')).to.have.length(2);
      // Another key is another conversation.
      expect((await reload(persist, 'other-key')).messages).to.deep.equal([]);

      el = await reload(persist, 'shop-help');
      el.clear();
      expect(storage().getItem('shop-help')).to.equal(null);
      expect((await reload(persist, 'shop-help')).messages).to.deep.equal([]);
    });
  }

  it('keeps an answer cut short by leaving the page as stopped', async () => {
    const el = await reload('local');
    el.send(offline('Long one', { delay: 50, tokens: 200 }));
    await answerHasStarted(el, 5);
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    const restored = await reload('local');
    expect(restored.messages.at(-1)).to.deep.include({ role: 'assistant', status: 'stopped' });
    expect(restored.messages.at(-1)!.content.length).to.be.greaterThan(0);
  });

  it('ignores storage it cannot read', async () => {
    localStorage.setItem('falcon-chat', '{not json');
    expect((await reload('local')).messages).to.deep.equal([]);
    localStorage.setItem(
      'falcon-chat',
      JSON.stringify({
        version: 1,
        messages: [
          { role: 'system', content: 'x' },
          { role: 'user', content: 'ok' },
        ],
      }),
    );
    expect((await reload('local')).messages.map((message) => message.content)).to.deep.equal(['ok']);
  });
});
