import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { input, lastAnswerText, offline, part, parts, transcript } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

const DESKTOP = { width: 1280, height: 720 };

function rect(element: Element) {
  const { left, top, width, height } = element.getBoundingClientRect();
  return { left: Math.round(left), top: Math.round(top), width: Math.round(width), height: Math.round(height) };
}

describe('<falcon-chat> layout modes', () => {
  afterEach(() => setViewport(DESKTOP));

  it('inline (the default) fills the width of its container at --falcon-chat-height', async () => {
    const wrapper = await fixture<HTMLElement>(
      html`<div class="host"><falcon-chat endpoint=${endpoint}></falcon-chat></div>`,
    );
    wrapper.querySelector('falcon-chat')!.style.setProperty('--falcon-chat-height', '20rem');
    const el = wrapper.querySelector('falcon-chat') as FalconChat;
    await el.updateComplete;
    expect(el.mode).to.equal('inline');
    expect(part(el, 'launcher')).to.equal(null);
    expect(rect(part(el, 'base')!).width).to.equal(rect(wrapper).width);
    expect(rect(part(el, 'base')!).height).to.equal(320);
  });

  it('floating: a launcher opens and closes the panel, by click, keyboard, Escape and methods, with events', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat mode="floating" endpoint=${endpoint}></falcon-chat>`);
    const launcher = part<HTMLButtonElement>(el, 'launcher')!;
    const panel = part(el, 'base')!;
    const events: string[] = [];
    el.addEventListener('falcon-chat-open', () => events.push('open'));
    el.addEventListener('falcon-chat-close', () => events.push('close'));
    expect(panel.hidden).to.equal(true);
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    expect(launcher.getAttribute('aria-label')).to.equal('Open chat');
    // Bottom right, over the page.
    const spot = rect(launcher);
    expect(window.innerWidth - (spot.left + spot.width)).to.be.within(8, 24);
    expect(window.innerHeight - (spot.top + spot.height)).to.be.within(8, 24);

    launcher.focus();
    const opened = oneEvent(el, 'falcon-chat-open');
    await sendKeys({ press: 'Enter' });
    await opened;
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(el.hasAttribute('open')).to.equal(true);
    expect(panel.hidden).to.equal(false);
    expect(panel.getAttribute('role')).to.equal('dialog');
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    expect(el.shadowRoot!.activeElement).to.equal(input(el));
    // The panel sits above the launcher, inside the window.
    const box = rect(panel);
    expect(box.top).to.be.at.least(0);
    expect(box.top + box.height).to.be.at.most(spot.top);

    const closed = oneEvent(el, 'falcon-chat-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    await el.updateComplete;
    expect(panel.hidden).to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal(launcher);

    el.show();
    await el.updateComplete;
    part(el, 'close-button')!.click();
    await el.updateComplete;
    el.toggle();
    await el.updateComplete;
    el.hide();
    await el.updateComplete;
    el.setAttribute('open', '');
    await el.updateComplete;
    expect(events).to.deep.equal(['open', 'close', 'open', 'close', 'open', 'close', 'open']);
  });

  it('floating: position="bottom-left" puts the launcher in the other corner, and send() opens the panel', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat mode="floating" position="bottom-left" endpoint=${endpoint}></falcon-chat>`,
    );
    expect(rect(part(el, 'launcher')!).left).to.be.within(8, 24);
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Open up'));
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(rect(part(el, 'base')!).left).to.be.within(8, 24);
    await response;
  });

  it('fullscreen covers the viewport', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat mode="fullscreen" endpoint=${endpoint}></falcon-chat>`);
    expect(rect(part(el, 'base')!)).to.deep.equal({
      left: 0,
      top: 0,
      width: window.innerWidth,
      height: window.innerHeight,
    });
  });

  it('on a phone the open panel is the whole visual viewport, follows it above the keyboard, and its input is 16px or more', async () => {
    await setViewport({ width: 375, height: 667 });
    const el = await fixture<FalconChat>(html`<falcon-chat mode="floating" endpoint=${endpoint}></falcon-chat>`);
    el.style.setProperty('--falcon-chat-font-size', '14px');
    el.show();
    await el.updateComplete;
    expect(rect(part(el, 'base')!)).to.deep.equal({ left: 0, top: 0, width: 375, height: 667 });
    expect(parseFloat(getComputedStyle(input(el)).fontSize)).to.be.at.least(16);
    expect(part(el, 'close-button')).to.exist;

    // What the on-screen keyboard does to the visual viewport: it gets shorter.
    const resized = oneEvent(window.visualViewport!, 'resize');
    await setViewport({ width: 375, height: 400 });
    await resized;
    await new Promise(requestAnimationFrame);
    expect(rect(part(el, 'base')!).height).to.equal(400);
    const field = input(el).getBoundingClientRect();
    expect(field.bottom).to.be.at.most(400);
    expect(field.top).to.be.at.least(0);
  });

  it('on a wide screen the input keeps the site’s font size', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    el.style.setProperty('--falcon-chat-font-size', '14px');
    expect(getComputedStyle(input(el)).fontSize).to.equal('14px');
  });
});

describe('<falcon-chat> scrolling while an answer streams', () => {
  it('follows a long answer until its question is at the top, stays put once the visitor scrolls up, and Jump to latest follows the end', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    el.style.setProperty('--falcon-chat-height', '16rem');
    const log = transcript(el);
    const jump = part<HTMLButtonElement>(el, 'jump-button')!;
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight <= 24;
    const questionOffset = () =>
      parts(el, 'user-message').at(-1)!.getBoundingClientRect().top - log.getBoundingClientRect().top;
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Tell me a long story', { delay: 15, tokens: 400 }));
    await waitUntil(() => log.scrollHeight > log.clientHeight * 2, 'the answer never overflowed', { timeout: 10_000 });
    await el.updateComplete;
    // The answer reads from its beginning: its question at the top, the rest below, and a way to the end.
    expect(questionOffset()).to.be.within(0, 24);
    expect(atBottom()).to.equal(false);
    expect(jump.hidden).to.equal(false);

    log.scrollTop = 0;
    const length = lastAnswerText(el).length;
    await waitUntil(() => lastAnswerText(el).length > length + 40, 'the answer stopped growing', { timeout: 10_000 });
    await el.updateComplete;
    expect(log.scrollTop).to.equal(0);
    expect(jump.hidden).to.equal(false);
    expect(jump.textContent!.trim()).to.equal('Jump to latest');

    jump.click();
    await el.updateComplete;
    expect(atBottom()).to.equal(true);
    expect(jump.hidden).to.equal(true);
    const lengthAtJump = lastAnswerText(el).length;
    await waitUntil(
      () => lastAnswerText(el).length > lengthAtJump + 40 || el.messages.at(-1)!.status !== 'streaming',
      'the answer neither grew nor ended',
      { timeout: 10_000 },
    );
    await el.updateComplete;
    expect(atBottom()).to.equal(true);
    await response;
  });
});
