import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { MarkdownView } from '../../widget/markdown/markdown-view.ts';
import { FRAME_BUDGET } from '../../widget/text-pacer.ts';
import {
  answerHasStarted,
  input,
  isStreaming,
  lastAnswerText,
  offline,
  part,
  parts,
  transcript,
} from './support/chat-helpers.ts';
import { markupOf } from './support/markdown-checks.ts';
import { endpoint } from './support/stack-urls.ts';

describe('<falcon-chat> streaming an answer', () => {
  let el: FalconChat;

  beforeEach(async () => {
    el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
  });

  it('is accessible before anything is asked', async () => {
    await expect(el).to.be.accessible();
  });

  it('renders the answer as it streams, token by token, before falcon-chat-response', async () => {
    const rendered: string[] = [];
    const observer = new MutationObserver(() => {
      const text = lastAnswerText(el);
      if (text && text !== rendered.at(-1)) rendered.push(text);
    });
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
    const response = oneEvent(el, 'falcon-chat-response');

    el.send(offline('How are you?', { delay: 15, tokens: 12 }));
    const { detail } = await response;
    observer.disconnect();

    expect(detail.finishReason).to.be.a('string');
    expect(lastAnswerText(el)).to.equal(detail.text);
    expect(detail.text).to.contain('offline');
    // Several growing versions of the answer were on screen before it was complete.
    const partial = rendered.filter((text) => text !== detail.text);
    expect(partial.length).to.be.greaterThan(1);
    for (const text of partial) expect(detail.text.startsWith(text)).to.equal(true);
  });

  it('shows an answer that arrives in one burst over several frames, and ends with all of it rendered as if it came at once', async () => {
    el.style.setProperty('--falcon-chat-height', '16rem');
    el.maxNewTokens = 1000;
    // What the visitor has been shown, frame by frame.
    const lengths: number[] = [];
    let watching = true;
    const watch = () => {
      lengths.push(el.messages.at(-1)?.role === 'assistant' ? el.messages.at(-1)!.content.length : 0);
      if (watching) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('A long answer, as fast as you can', { tokens: 1000 }));
    const { detail } = await response;
    watching = false;
    // The last frame's piece came with the response, in that frame's callbacks.
    lengths.push(detail.text.length);
    await el.updateComplete;

    const steps = lengths.slice(1).map((length, index) => length - lengths[index]);
    expect(Math.max(...steps)).to.be.at.most(FRAME_BUDGET + 1);
    expect(steps.filter((step) => step > 0).length).to.be.at.least(Math.ceil(detail.text.length / (FRAME_BUDGET + 1)));
    // Parsed in pieces, over frames: nothing lost, reordered or parsed differently from the whole text at once.
    const whole = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
    whole.sync(detail.text, false);
    whole.flush();
    const shown = parts(el, 'assistant-message').at(-1)!.querySelector('[part~="message-content"]')!;
    expect(markupOf(shown as HTMLElement)).to.equal(markupOf(whole.root));
    expect(shown.querySelectorAll('table').length).to.be.greaterThan(9);
    // Followed until the question reached the top: the long answer reads from its start.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const log = transcript(el);
    const question = parts(el, 'user-message').at(-1)!.getBoundingClientRect();
    expect(question.top - log.getBoundingClientRect().top).to.be.within(0, 24);
  });

  it('shows who said what, also to screen readers', async () => {
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Who is talking?'));
    await response;
    const [question, answer] = parts(el, 'message');
    expect(question.matches('[part~="user-message"]')).to.equal(true);
    expect(answer.matches('[part~="assistant-message"]')).to.equal(true);
    expect(question.textContent).to.contain('You:');
    expect(answer.textContent).to.contain('Assistant:');
    expect(question.querySelector('[part~="message-content"]')!.textContent).to.contain('Who is talking?');
    expect(el.messages.map((message) => message.role)).to.deep.equal(['user', 'assistant']);
  });

  it('marks the transcript busy while streaming and passes accessibility checks then', async () => {
    expect(transcript(el).getAttribute('role')).to.equal('log');
    expect(transcript(el).getAttribute('aria-live')).to.equal('polite');
    expect(isStreaming(el)).to.equal(false);

    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Take your time', { delay: 40, tokens: 40 }));
    await answerHasStarted(el);
    expect(isStreaming(el)).to.equal(true);
    expect(part(el, 'stop-button')).to.exist;
    await expect(el).to.be.accessible();

    await response;
    expect(isStreaming(el)).to.equal(false);
    expect(part(el, 'stop-button')).to.equal(null);
    expect(part(el, 'send-button')).to.exist;
  });

  it('sends on Enter, and Shift+Enter starts a new line instead', async () => {
    input(el).focus();
    const sent = oneEvent(el, 'falcon-chat-send');
    await sendKeys({ type: 'line one' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'line two' });
    expect(input(el).value).to.equal('line one\nline two');
    expect(el.messages).to.have.length(0);

    await sendKeys({ press: 'Enter' });
    const { detail } = await sent;
    expect(detail.text).to.equal('line one\nline two');
    expect(input(el).value).to.equal('');
    expect(el.messages[0]).to.deep.include({ role: 'user', content: 'line one\nline two' });
    await oneEvent(el, 'falcon-chat-response');
  });

  it('does not send on the Enter that ends an IME composition', async () => {
    input(el).focus();
    await sendKeys({ type: 'nihongo' });
    input(el).dispatchEvent(
      new KeyboardEvent('keydown', {
        key: 'Enter',
        isComposing: true,
        bubbles: true,
        composed: true,
        cancelable: true,
      }),
    );
    await el.updateComplete;
    expect(el.messages).to.have.length(0);
    expect(input(el).value).to.equal('nihongo');
  });

  it('sends with the Send button and ignores a blank question', async () => {
    part(el, 'send-button')!.click();
    await el.updateComplete;
    expect(el.messages).to.have.length(0);
    expect(el.send('   ')).to.equal(false);

    input(el).focus();
    await sendKeys({ type: offline('By button') });
    const response = oneEvent(el, 'falcon-chat-response');
    part(el, 'send-button')!.click();
    await response;
    expect(el.messages).to.have.length(2);
  });
});
