import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { input, isStreaming, lastAnswerText, offline, part, parts, typeInto } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

describe('<falcon-chat> when an answer fails', () => {
  let el: FalconChat;

  beforeEach(async () => {
    el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
  });

  it('keeps the partial answer, says what happened under it and offers Retry', async () => {
    const question = offline('Fail half way', { fault: 'midstream-error', after: 3 });
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(question);
    const { detail } = await failed;
    await el.updateComplete;

    const partial = lastAnswerText(el);
    expect(partial.length).to.be.greaterThan(0);
    expect(detail.message.length).to.be.greaterThan(0);
    const error = part(el, 'error')!;
    expect(error.textContent).to.contain(detail.message);
    // In place: inside the failed answer, after its text.
    expect(parts(el, 'assistant-message').at(-1)!.contains(error)).to.equal(true);
    expect(el.messages.at(-1)).to.deep.include({ status: 'error', content: partial });
    expect(isStreaming(el)).to.equal(false);
    // Something was answered, so the input is left alone.
    expect(input(el).value).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('Retry asks the same question again and replaces the failed answer', async () => {
    // The fault rides in the system message, so the retry can go without it.
    el.systemMessage = offline('', { fault: 'midstream-error', after: 3 });
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send('Retry me');
    await failed;
    await el.updateComplete;
    expect(lastAnswerText(el).length).to.be.greaterThan(0);

    el.systemMessage = offline('');
    const resent = oneEvent(el, 'falcon-chat-send');
    const response = oneEvent(el, 'falcon-chat-response');
    part(el, 'retry-button')!.click();
    expect((await resent).detail.text).to.equal('Retry me');
    const { detail } = await response;
    await el.updateComplete;
    // The question once and one whole answer: the failed one is gone.
    expect(el.messages.map((message) => message.role)).to.deep.equal(['user', 'assistant']);
    expect(el.messages[1]).to.deep.include({ content: detail.text, status: 'complete' });
    expect(part(el, 'error')).to.equal(null);
  });

  it('Retry after a failure that has passed gets the answer', async () => {
    el.endpoint = 'http://127.0.0.1:9/api/chat';
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(offline('Are you there?'));
    expect((await failed).detail.code).to.equal('network');
    await el.updateComplete;

    el.endpoint = endpoint;
    const response = oneEvent(el, 'falcon-chat-response');
    part(el, 'retry-button')!.click();
    const { detail } = await response;
    await el.updateComplete;
    expect(part(el, 'error')).to.equal(null);
    expect(el.messages).to.have.length(2);
    expect(el.messages[1].content).to.equal(detail.text);
    expect(lastAnswerText(el)).to.contain('What a real answer would look like:');
  });

  it('keeps the visitor’s question when it fails before the first token', async () => {
    const question = offline('Fail at once', { fault: 'error-before-first' });
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(question);
    await failed;
    await el.updateComplete;

    expect(lastAnswerText(el)).to.equal('');
    expect(part(el, 'error')).to.exist;
    expect(part(el, 'retry-button')).to.exist;
    expect(input(el).value).to.equal(question);
    await expect(el).to.be.accessible();
  });

  it('does not overwrite what the visitor is already typing', async () => {
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(offline('Fail at once', { fault: 'error-before-first' }));
    typeInto(input(el), 'my next question');
    await failed;
    await el.updateComplete;
    expect(input(el).value).to.equal('my next question');
  });

  it('treats a connection that drops mid-answer as an error, not a finished answer', async () => {
    let completed = false;
    el.addEventListener('falcon-chat-response', () => (completed = true));
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(offline('Drop the line', { fault: 'abrupt-close', after: 3 }));
    const { detail } = await failed;
    await el.updateComplete;
    expect(detail.code).to.equal('connection-lost');
    expect(completed).to.equal(false);
    expect(lastAnswerText(el).length).to.be.greaterThan(0);
    expect(el.messages.at(-1)!.status).to.equal('error');
    expect(part(el, 'error')!.textContent).to.contain(detail.message);
    expect(part(el, 'retry-button')).to.exist;
  });

  it('says how long to wait when the model is rate limited', async () => {
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(offline('Too many', { fault: 'http-429' }));
    const { detail } = await failed;
    expect(detail.code).to.equal('rate-limited');
    expect(detail.message).to.match(/try again in (\d+ s|a moment)/);
  });

  it('says the model is busy or loading when it answers 503', async () => {
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send(offline('Anyone home?', { fault: 'http-503' }));
    const { detail } = await failed;
    expect(detail.code).to.equal('busy');
    expect(detail.message).to.contain('busy');
  });

  it('explains a request the worker refuses in words, keeping the question', async () => {
    // Past the worker's limit for one message (MAX_MESSAGE_CHARS).
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send('x'.repeat(20_001));
    const { detail } = await failed;
    await el.updateComplete;
    expect(detail.code).to.equal('bad-request');
    expect(detail.serverCode).to.equal('message_too_long');
    expect(part(el, 'error')!.textContent).to.contain(detail.message);
    expect(input(el).value).to.have.length(20_001);
  });
});
