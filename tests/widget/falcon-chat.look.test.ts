import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { input, offline, part, parts } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

const background = (element: Element) => getComputedStyle(element).backgroundColor;
const CONVERSATION = [
  { role: 'user' as const, content: 'Hello' },
  { role: 'assistant' as const, content: 'Hi! Here is `code` and a [link](https://example.com).' },
];

describe('<falcon-chat> themes', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it('is light by default, dark with theme="dark", and follows prefers-color-scheme with theme="auto"', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    const light = background(part(el, 'base')!);
    expect(light).to.equal('rgb(255, 255, 255)');

    el.theme = 'dark';
    await el.updateComplete;
    const dark = background(part(el, 'base')!);
    expect(dark).not.to.equal(light);

    el.theme = 'auto';
    await el.updateComplete;
    await emulateMedia({ colorScheme: 'light' });
    expect(background(part(el, 'base')!)).to.equal(light);
    await emulateMedia({ colorScheme: 'dark' });
    expect(background(part(el, 'base')!)).to.equal(dark);
  });

  it('takes every colour, size and font from custom properties the page sets, and exposes parts', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div>
      <style>
        .themed {
          --falcon-chat-accent-color: rgb(123, 44, 191);
          --falcon-chat-radius: 3px;
          --falcon-chat-font-family: Georgia, serif;
        }
        .themed::part(send-button) {
          text-transform: uppercase;
        }
      </style>
      <falcon-chat class="themed" theme="dark" endpoint=${endpoint}></falcon-chat>
    </div>`);
    const el = wrapper.querySelector('falcon-chat') as FalconChat;
    await el.updateComplete;
    const send = part(el, 'send-button')!;
    // The page's value wins over the element's defaults, in dark mode too.
    expect(background(send)).to.equal('rgb(123, 44, 191)');
    expect(getComputedStyle(part(el, 'base')!).borderTopLeftRadius).to.equal('3px');
    expect(getComputedStyle(input(el)).fontFamily).to.equal('Georgia, serif');
    expect(getComputedStyle(send).textTransform).to.equal('uppercase');
  });

  it('lets nothing leak in from the page’s styles, or out to it', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div class="page">
      <style>
        .page {
          letter-spacing: 4px;
          text-transform: uppercase;
          text-align: center;
          font-style: italic;
        }
        .page p,
        .page button,
        .page a {
          color: rgb(255, 0, 0) !important;
          margin: 40px !important;
        }
      </style>
      <p class="outside">Page text</p>
      <button class="outside">Page button</button>
      <falcon-chat endpoint=${endpoint}></falcon-chat>
    </div>`);
    const el = wrapper.querySelector('falcon-chat') as FalconChat;
    el.messages = CONVERSATION;
    await el.updateComplete;
    const answer = parts(el, 'assistant-message')[0];
    const paragraph = answer.querySelector('p')!;
    for (const element of [paragraph, part(el, 'send-button')!, answer.querySelector('a')!]) {
      const style = getComputedStyle(element);
      expect(style.color).not.to.equal('rgb(255, 0, 0)');
      expect(style.letterSpacing).to.equal('normal');
      expect(style.textTransform).to.equal('none');
      expect(style.fontStyle).to.equal('normal');
    }
    expect(getComputedStyle(paragraph).textAlign).to.equal('start');
    // The element's own rules stay inside: the page's paragraph and button keep the page's look.
    const outside = wrapper.querySelector('p.outside')!;
    expect(getComputedStyle(outside).marginTop).to.equal('40px');
    expect(getComputedStyle(wrapper.querySelector('button.outside')!).borderTopLeftRadius).to.equal('0px');
  });
});

describe('<falcon-chat> language and direction', () => {
  it('speaks French with lang="fr", including its error messages', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat lang="fr" endpoint="http://127.0.0.1:9/api/chat"></falcon-chat>`,
    );
    expect(part(el, 'send-button')!.textContent).to.equal('Envoyer');
    expect(part(el, 'heading')!.textContent).to.equal('Discussion');
    expect(input(el).placeholder).to.equal('Posez une question…');
    expect(part(el, 'base')!.getAttribute('lang')).to.equal('fr');
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send('Bonjour');
    const { detail } = await failed;
    expect(detail.code).to.equal('network');
    expect(detail.message).to.contain('injoignable');
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.contain('injoignable');
  });

  it('takes the language of the page around it', async () => {
    const wrapper = await fixture<HTMLElement>(
      html`<div lang="fr-CA"><falcon-chat endpoint=${endpoint}></falcon-chat></div>`,
    );
    const el = wrapper.querySelector('falcon-chat') as FalconChat;
    await el.updateComplete;
    expect(part(el, 'clear-button')!.textContent).to.equal('Effacer');
  });

  it('is right to left in Arabic, mirroring the layout', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat lang="ar" endpoint=${endpoint}></falcon-chat>`);
    el.messages = CONVERSATION;
    await el.updateComplete;
    const base = part(el, 'base')!;
    expect(base.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(base).direction).to.equal('rtl');
    expect(part(el, 'send-button')!.textContent).to.equal('إرسال');
    const [question, answer] = parts(el, 'message');
    // The visitor's messages are at the inline end: the left, in right-to-left.
    expect(question.getBoundingClientRect().left).to.be.below(answer.getBoundingClientRect().left);
    expect(question.getBoundingClientRect().right).to.be.below(answer.getBoundingClientRect().right);
    // The Send button comes first from the right: it is on the left of the input.
    expect(part(el, 'send-button')!.getBoundingClientRect().right).to.be.at.most(
      input(el).getBoundingClientRect().left,
    );
  });

  it('mirrors under dir="rtl" in any language', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat dir="rtl" endpoint=${endpoint}></falcon-chat>`);
    el.messages = CONVERSATION;
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'base')!).direction).to.equal('rtl');
    const [question, answer] = parts(el, 'message');
    expect(question.getBoundingClientRect().left).to.be.below(answer.getBoundingClientRect().left);
  });

  it('gives every message dir="auto", so each one runs in its own script’s direction', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    el.messages = [
      { role: 'user', content: 'مرحبا، كيف حالك؟' },
      { role: 'assistant', content: 'Fine, thanks.\n\nשלום' },
    ];
    await el.updateComplete;
    const contents = parts(el, 'message-content');
    expect(contents.map((content) => content.getAttribute('dir'))).to.deep.equal(['auto', 'auto']);
    expect(getComputedStyle(contents[0]).direction).to.equal('rtl');
    expect(getComputedStyle(contents[1].querySelector('p')!).direction).to.equal('ltr');
    expect(getComputedStyle(contents[1].querySelectorAll('p')[1]).direction).to.equal('rtl');
  });

  it('replaces any word through the strings property', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat lang="fr" endpoint="http://127.0.0.1:9/api/chat"></falcon-chat>`,
    );
    el.strings = { send: 'Go', clear: 'Start over', errors: { network: 'You are offline.' } };
    await el.updateComplete;
    expect(part(el, 'send-button')!.textContent).to.equal('Go');
    expect(part(el, 'clear-button')!.textContent).to.equal('Start over');
    // The rest stays French.
    expect(part(el, 'heading')!.textContent).to.equal('Discussion');
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(offline('Hello'));
    expect((await failed).detail.message).to.equal('You are offline.');
  });
});
