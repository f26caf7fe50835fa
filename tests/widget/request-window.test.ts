import { expect } from '@open-wc/testing';
import type { ChatTurn } from '../../widget/chat-client.ts';
import { DEFAULT_BOUNDS, fitRequest } from '../../widget/request-window.ts';

/** `count` exchanges of question and answer, then one more question: what a long conversation sends. */
function conversation(count: number, length = 40): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (let i = 1; i <= count; i++) {
    turns.push({ role: 'user', content: `Question ${i} `.padEnd(length, 'q') });
    turns.push({ role: 'assistant', content: `Answer ${i} `.padEnd(length, 'a') });
  }
  turns.push({ role: 'user', content: `Question ${count + 1}` });
  return turns;
}

const bodyBytes = (request: unknown) => new TextEncoder().encode(JSON.stringify(request)).length;

describe('fitRequest: what the element sends of a conversation', () => {
  it('sends a short conversation whole, as it is', () => {
    const request = { messages: conversation(3), system: 'Be kind.', temperature: 0.5 };
    expect(fitRequest(request)).to.equal(request);
  });

  it('sends the newest 49 turns of 100 exchanges, starting with a question and ending with the new one', () => {
    const { messages } = fitRequest({ messages: conversation(100) });
    expect(messages).to.have.length(49);
    expect(messages[0]).to.deep.equal({ role: 'user', content: 'Question 77 '.padEnd(40, 'q') });
    expect(messages.at(-1)).to.deep.equal({ role: 'user', content: 'Question 101' });
  });

  it('keeps a body of long messages near MAX_MESSAGE_CHARS under MAX_BODY_BYTES, to the byte', () => {
    const request = { messages: conversation(30, 3990), system: 'S'.repeat(1500), maxNewTokens: 256 };
    const fitted = fitRequest(request);
    expect(bodyBytes(fitted)).to.be.at.most(DEFAULT_BOUNDS.maxBodyBytes);
    // One more turn would not have fitted: the window is as large as the bound allows.
    const index = request.messages.length - fitted.messages.length;
    const oneMore = { ...request, messages: request.messages.slice(index - 2) };
    expect(bodyBytes(oneMore)).to.be.above(DEFAULT_BOUNDS.maxBodyBytes);
    expect(fitted.messages[0].role).to.equal('user');
  });

  it('counts multi-byte text by its UTF-8 bytes, as the worker does', () => {
    const fitted = fitRequest({
      messages: conversation(40, 1000).map((t) => ({ ...t, content: `${t.content}مرحبا😀` })),
    });
    expect(bodyBytes(fitted)).to.be.at.most(DEFAULT_BOUNDS.maxBodyBytes);
    expect(fitted.messages.length).to.be.above(10);
  });

  it('stops at an old turn longer than MAX_MESSAGE_CHARS, keeping what came after it', () => {
    const messages = conversation(5);
    messages[4] = { role: 'user', content: 'x'.repeat(4001) };
    const fitted = fitRequest({ messages });
    expect(fitted.messages).to.deep.equal(messages.slice(6));
  });

  it('always sends the newest question, even one over the bounds, for the worker to refuse in words', () => {
    const question = { role: 'user' as const, content: 'y'.repeat(5000) };
    const fitted = fitRequest({ messages: [...conversation(2), question] }, { ...DEFAULT_BOUNDS, maxBodyBytes: 100 });
    expect(fitted.messages).to.deep.equal([question]);
  });

  it('follows bounds other than the defaults', () => {
    const bounds = { maxMessages: 6, maxBodyBytes: 1_000_000, maxMessageChars: 100 };
    const { messages } = fitRequest({ messages: conversation(10) }, bounds);
    expect(messages.map((turn) => turn.content.slice(0, 11))).to.deep.equal([
      'Question 9 ',
      'Answer 9 aa',
      'Question 10',
      'Answer 10 a',
      'Question 11',
    ]);
  });
});
