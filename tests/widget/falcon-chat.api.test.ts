import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import { FalconChat } from '../../widget/falcon-chat.ts';
import { input, offline, offlineLog, part, parts, typeInto, uniqueTag } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

describe('<falcon-chat> public API', () => {
  it('posts to /api/chat on the origin its script came from by default', () => {
    // This module was served by the test server, so that is where the element was loaded from.
    expect(new FalconChat().endpoint).to.equal(new URL('/api/chat', location.href).href);
    expect(document.createElement('falcon-chat')).to.be.instanceOf(FalconChat);
  });

  it('does not send a question a falcon-chat-send listener cancels', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    const tag = uniqueTag();
    const question = offline('Vetoed', { tag });
    el.addEventListener('falcon-chat-send', (event) => event.preventDefault(), { once: true });
    input(el).focus();
    typeInto(input(el), question);
    part(el, 'send-button')!.click();
    await el.updateComplete;

    expect(el.messages).to.deep.equal([]);
    expect(input(el).value).to.equal(question);
    expect(el.send(question)).to.equal(true);
    await oneEvent(el, 'falcon-chat-response');
    // Only the second, allowed send reached the model.
    expect(await offlineLog(tag)).to.have.length(1);
  });

  it('sends the settings the visitor chose in Advanced options with the next question', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat endpoint=${endpoint} show-settings system-message="Be brief." temperature="0.7"></falcon-chat>`,
    );
    const settings = part<HTMLDetailsElement>(el, 'settings')!;
    const systemMessage = part<HTMLTextAreaElement>(el, 'system-message-input')!;
    const temperature = part<HTMLInputElement>(el, 'temperature-input')!;
    expect(settings.open).to.equal(false);
    expect(systemMessage.value).to.equal('Be brief.');
    expect(temperature.value).to.equal('0.7');
    expect([temperature.min, temperature.max, temperature.step]).to.deep.equal(['0.1', '1', '0.1']);
    await expect(el).to.be.accessible();

    settings.querySelector('summary')!.click();
    typeInto(systemMessage, 'You are a pirate. Answer like one.');
    typeInto(temperature, '0.3');
    await el.updateComplete;
    expect(settings.querySelector('output')!.textContent).to.equal('0.3');
    expect(el.systemMessage).to.equal('You are a pirate. Answer like one.');
    expect(el.temperature).to.equal(0.3);

    const tag = uniqueTag();
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Ahoy?', { tag }));
    await response;
    const upstreamRequests = JSON.stringify(await offlineLog(tag));
    expect(upstreamRequests).to.contain('You are a pirate. Answer like one.');
    expect(upstreamRequests).to.match(/"temperature":0\.3\b/);
  });

  it('hides Advanced options unless show-settings is set', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    expect(part(el, 'settings')).to.equal(null);
  });

  it('sends the earlier turns with the next question', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    el.messages = [
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
    ];
    await el.updateComplete;
    expect(parts(el, 'message')).to.have.length(2);

    const tag = uniqueTag();
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('What is my name?', { tag }));
    await response;
    expect(el.messages).to.have.length(4);
    expect(JSON.stringify(await offlineLog(tag))).to.contain('Nice to meet you, Ada.');
  });

  it('uses its heading and placeholder attributes', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat endpoint=${endpoint} heading="Ask Falcon" placeholder="Type here"></falcon-chat>`,
    );
    expect(part(el, 'heading')!.textContent).to.equal('Ask Falcon');
    expect(input(el).placeholder).to.equal('Type here');
  });
});
