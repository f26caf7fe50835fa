import { expect, fixture, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { MAX_DEPTH } from '../../widget/markdown/dom-renderer.ts';
import { offline, part, parts, uniqueTag, offlineLog } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

/** Issue 11, the page, 3 and 4: what storage and the page hand the element is checked before it is used. */

/** The console warnings given while `run` runs. */
async function warningsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    await run();
  } finally {
    console.warn = original;
  }
  return warnings;
}

function depthOf(node: Element): number {
  let deepest = 0;
  for (const child of node.children) deepest = Math.max(deepest, 1 + depthOf(child));
  return deepest;
}

describe('<falcon-chat> with a hostile stored conversation (issue 11, 3)', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => localStorage.clear());

  it('restores only messages of the stored shape, and never an answer as still streaming', async () => {
    localStorage.setItem(
      'falcon-chat',
      JSON.stringify({
        version: 1,
        messages: [
          { role: 'user', content: 'Kept question' },
          { role: 'assistant', content: 'Kept, cut short', status: 'streaming' },
          { role: 'assistant', content: 5 },
          { role: 'system', content: 'Not a turn' },
          { role: 'assistant', content: 'Bad status', status: 'thinking' },
          { role: 'assistant', content: 'Bad error', status: 'error', error: 'boom' },
          { role: 'assistant', content: 'Bad reason', finishReason: 7 },
          null,
          'text',
          [],
        ],
      }),
    );
    const el = await fixture<FalconChat>(html`<falcon-chat persist="local" endpoint=${endpoint}></falcon-chat>`);
    expect(el.messages.map(({ role, content, status }) => ({ role, content, status }))).to.deep.equal([
      { role: 'user', content: 'Kept question', status: undefined },
      { role: 'assistant', content: 'Kept, cut short', status: 'stopped' },
    ]);
    expect(parts(el, 'message')).to.have.length(2);
    expect(el.shadowRoot!.querySelector('.streaming')).to.equal(null);
    expect(part(el, 'send-button')).to.exist;
  });

  it('a stored answer of 20,000 nested quotes renders within the depth limit, with Clear', async () => {
    localStorage.setItem(
      'falcon-chat',
      JSON.stringify({
        version: 1,
        messages: [
          { role: 'user', content: 'Q' },
          { role: 'assistant', content: `${'>'.repeat(20_000)} *_`.repeat(5) },
        ],
      }),
    );
    const el = await fixture<FalconChat>(html`<falcon-chat persist="local" endpoint=${endpoint}></falcon-chat>`);
    const answer = parts(el, 'assistant-message')[0].querySelector('[part~="message-content"]')!;
    expect(depthOf(answer)).to.be.at.most(2 * MAX_DEPTH + 2);
    part<HTMLButtonElement>(el, 'clear-button')!.click();
    await el.updateComplete;
    expect(el.messages).to.deep.equal([]);
    expect(localStorage.getItem('falcon-chat')).to.equal(null);
  });
});

describe('<falcon-chat> attributes and properties out of range (issue 11, 4)', () => {
  afterEach(() => fixtureCleanup());

  for (const value of ['-5', '1.5', '1e309', 'many', '0']) {
    it(`max-new-tokens="${value}" falls back to the worker's default, with one warning, and questions still work`, async () => {
      let el!: FalconChat;
      const warnings = await warningsDuring(async () => {
        el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint} max-new-tokens=${value}></falcon-chat>`);
      });
      expect(el.maxNewTokens).to.equal(undefined);
      expect(warnings).to.have.length(1);
      expect(warnings[0])
        .to.contain('max-new-tokens')
        .and.to.contain(String(Number(value)));
      const tag = uniqueTag();
      const response = oneEvent(el, 'falcon-chat-response');
      el.send(offline('Still answered?', { tag }));
      await response;
      expect(JSON.stringify((await offlineLog(tag))[0].body)).not.to.contain('"max_tokens":-5');
    });
  }

  it('temperature removed, undefined, NaN or out of [0, 2] falls back to 0.7, and the settings still render', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat endpoint=${endpoint} show-settings temperature="0.3"></falcon-chat>`,
    );
    const output = () => part(el, 'settings')!.querySelector('output')!.textContent;
    expect(output()).to.equal('0.3');
    const warnings = await warningsDuring(async () => {
      el.removeAttribute('temperature');
      await el.updateComplete;
      expect([el.temperature, output()]).to.deep.equal([0.7, '0.7']);
      for (const bad of [undefined, Number.NaN, 2.5, -1, '0.5' as unknown as number]) {
        el.temperature = 0.2;
        await el.updateComplete;
        el.temperature = bad as number;
        await el.updateComplete;
        expect([el.temperature, output()], String(bad)).to.deep.equal([0.7, '0.7']);
      }
    });
    // Removed and undefined are unset, not wrong; NaN, 2.5, -1 and a string each warn once.
    expect(warnings).to.have.length(4);
    expect(warnings.every((warning) => warning.includes('temperature'))).to.equal(true);
  });

  it('unknown mode, theme, persist and position fall back to their defaults, one warning each', async () => {
    let el!: FalconChat;
    const warnings = await warningsDuring(async () => {
      el = await fixture<FalconChat>(
        html`<falcon-chat endpoint=${endpoint} mode="sideways" theme="neon" persist="forever" position="top"></falcon-chat>`,
      );
    });
    expect([el.mode, el.theme, el.persist, el.position]).to.deep.equal(['inline', 'light', 'none', undefined]);
    expect(el.getAttribute('mode')).to.equal('inline');
    expect(warnings).to.have.length(4);
    for (const [name, value] of [
      ['mode', 'sideways'],
      ['theme', 'neon'],
      ['persist', 'forever'],
      ['position', 'top'],
    ]) {
      expect(warnings.some((warning) => warning.includes(`${name}="${value}"`))).to.equal(true);
    }
    // A page's framework passing undefined, or the wrong type, for the rest.
    const more = await warningsDuring(async () => {
      Object.assign(el, { suggestions: 'a|b', storageKey: '', strings: 7, showSettings: 'yes', endpoint: undefined });
      await el.updateComplete;
    });
    expect(el.suggestions).to.deep.equal([]);
    expect(el.storageKey).to.equal('falcon-chat');
    expect(el.strings).to.equal(undefined);
    expect(el.showSettings).to.equal(false);
    expect(el.endpoint).to.be.a('string').and.not.equal('');
    expect(more).to.have.length(4);
  });
});
