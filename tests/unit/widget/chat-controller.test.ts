import { describe, expect, it } from 'vitest';
import { ChatController, turnsForModel, type AnswerSettings } from '../../../widget/chat-controller.ts';
import type { FalconChatSendEvent } from '../../../widget/events.ts';

/**
 * The chat controller's bookkeeping in plain Node: the conversation it keeps, what it sends the model and the
 * `falcon-chat-send` veto. The host is the least a Lit controller needs (events, updates); answers, which need
 * a page's frames, are the element suites' (tests/widget), through the real element and worker.
 */
class Host extends EventTarget {
  updates = 0;
  addController() {}
  removeController() {}
  requestUpdate() {
    this.updates++;
  }
  readonly updateComplete = Promise.resolve(true);
}

function controller() {
  const host = new Host();
  const chat = new ChatController(host as unknown as ConstructorParameters<typeof ChatController>[0], {
    onAnswerText: () => {},
    describeError: (error) => `failed: ${error.code}`,
  });
  return { host, chat };
}

// Never reached: nothing here is sent.
const unreachable: AnswerSettings = { endpoint: 'http://127.0.0.1:9/api/chat' };

describe('turnsForModel', () => {
  it('leaves out an answer that failed before its first word, with its question', () => {
    expect(
      turnsForModel([
        { role: 'user', content: 'First' },
        { role: 'assistant', content: 'One' },
        { role: 'user', content: 'Second' },
        { role: 'assistant', content: '', status: 'error' },
        { role: 'user', content: 'Third' },
      ]),
    ).toEqual([
      { role: 'user', content: 'First' },
      { role: 'assistant', content: 'One' },
      { role: 'user', content: 'Third' },
    ]);
  });

  it('sends only role and content, and no blank turn', () => {
    expect(
      turnsForModel([
        { role: 'user', content: '   ' },
        { role: 'user', content: 'Hi', id: 'x' },
        { role: 'assistant', content: 'Hello', status: 'stopped', handle: 'h' },
      ]),
    ).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
    ]);
  });
});

describe('ChatController', () => {
  it('gives every message set by the page an id of its own', () => {
    const { chat, host } = controller();
    chat.messages = [
      { role: 'user', content: 'A', id: 'same' },
      { role: 'assistant', content: 'B', id: 'same' },
    ];
    const ids = chat.messages.map((message) => message.id);
    expect(new Set(ids).size).toBe(2);
    expect(ids).not.toContain('same');
    expect(host.updates).toBeGreaterThan(0);
  });

  it('sends nothing blank, and nothing a falcon-chat-send listener cancels', () => {
    const { chat, host } = controller();
    const seen: string[] = [];
    host.addEventListener('falcon-chat-send', (event) => {
      seen.push((event as FalconChatSendEvent).detail.text);
      event.preventDefault();
    });
    expect(chat.send('   ', unreachable)).toBe(false);
    expect(chat.send('  Vetoed  ', unreachable)).toBe(false);
    expect(seen).toEqual(['Vetoed']);
    expect(chat.messages).toEqual([]);
    expect(chat.streaming).toBe(false);
  });

  it('has nothing to regenerate without a question, and deletes the last exchange only', () => {
    const { chat } = controller();
    expect(chat.regenerate(unreachable)).toBe(false);
    chat.messages = [
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Answer one' },
      { role: 'user', content: 'Two' },
      { role: 'assistant', content: 'Answer two' },
    ];
    chat.deleteLastExchange();
    expect(chat.messages.map((message) => message.content)).toEqual(['One', 'Answer one']);
    chat.clear();
    expect(chat.messages).toEqual([]);
  });
});
