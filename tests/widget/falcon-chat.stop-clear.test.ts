import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import {
  answerHasStarted,
  input,
  isStreaming,
  lastAnswerText,
  offline,
  part,
  parts,
  uniqueTag,
  upstreamEnded,
} from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

/** Long and slow enough that it is still streaming when the test acts. */
const longAnswer = { delay: 50, tokens: 400 };

describe('<falcon-chat> Stop and Clear', () => {
  let el: FalconChat;
  let responses: string[];
  let errors: string[];

  beforeEach(async () => {
    el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    responses = [];
    errors = [];
    el.addEventListener('falcon-chat-response', (event) => responses.push(event.detail.text));
    el.addEventListener('falcon-chat-error', (event) => errors.push(event.detail.code));
  });

  it('Stop keeps the partial answer, marks it stopped and lets the visitor ask again', async () => {
    const tag = uniqueTag();
    el.send(offline('Go on and on', { ...longAnswer, tag }));
    await answerHasStarted(el, 10);

    const stopButton = part(el, 'stop-button')!;
    stopButton.focus();
    stopButton.click();
    await el.updateComplete;
    const partial = lastAnswerText(el);
    expect(partial.length).to.be.greaterThan(0);
    expect(isStreaming(el)).to.equal(false);
    expect(el.messages.at(-1)).to.deep.include({ role: 'assistant', status: 'stopped', content: partial });
    expect(part(el, 'message-note')!.textContent).to.contain('Stopped');
    expect(input(el).disabled).to.equal(false);
    expect(part(el, 'send-button')).to.exist;
    // The Stop button went away under the visitor's focus; the input has it now.
    expect(el.shadowRoot!.activeElement === input(el)).to.equal(true);

    // Stopping reached all the way to the model, which stopped generating.
    expect((await upstreamEnded(tag, 'client-closed')).tokensSent).to.be.lessThan(longAnswer.tokens);

    // The next question is answered, and nothing more of the stopped one ever arrives.
    const next = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Next question'));
    await next;
    expect(el.messages[1].content).to.equal(partial);
    expect(responses).to.have.length(1);
    expect(errors).to.deep.equal([]);
  });

  it('stop() from the host page does the same', async () => {
    el.send(offline('Go on', longAnswer));
    await answerHasStarted(el);
    el.stop();
    await el.updateComplete;
    expect(el.messages.at(-1)!.status).to.equal('stopped');
    expect(isStreaming(el)).to.equal(false);
  });

  it('send() while an answer streams stops that answer and asks the new question', async () => {
    el.send(offline('First', longAnswer));
    await answerHasStarted(el);
    const next = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Second'));
    const { detail } = await next;
    expect(el.messages.map((message) => message.status ?? message.role)).to.deep.equal([
      'user',
      'stopped',
      'user',
      'complete',
    ]);
    // Nothing of the first answer leaked into the second.
    expect(el.messages[3].content).to.equal(detail.text);
    expect(detail.text).to.contain('Second');
    expect(detail.text).not.to.contain('First');
  });

  it('Clear empties the conversation', async () => {
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Something to clear'));
    await response;
    expect(parts(el, 'message')).to.have.length(2);

    part(el, 'clear-button')!.click();
    await el.updateComplete;
    expect(parts(el, 'message')).to.have.length(0);
    expect(el.messages).to.deep.equal([]);
  });

  it('Clear while streaming stops the answer for good', async () => {
    el.send(offline('Clear me mid-way', longAnswer));
    await answerHasStarted(el);
    el.clear();
    await el.updateComplete;
    expect(el.messages).to.deep.equal([]);
    expect(isStreaming(el)).to.equal(false);

    const next = oneEvent(el, 'falcon-chat-response');
    el.send(offline('After clearing'));
    await next;
    expect(el.messages).to.have.length(2);
    expect(el.messages[0].content).to.contain('After clearing');
    expect(responses).to.have.length(1);
  });

  it('stops the answer when the element leaves the page', async () => {
    el.send(offline('Leaving', longAnswer));
    await answerHasStarted(el);
    el.remove();
    expect(el.messages.at(-1)!.status).to.equal('stopped');
  });
});
