import { expect } from '@open-wc/testing';
import { ChatError } from '../../widget/chat-error.ts';
import { readChatResponse, type ChatStreamEvent } from '../../widget/chat-stream.ts';
import { resumableAnswer } from '../../widget/resumable-answer.ts';

const encoder = new TextEncoder();

/** The worker's answer as it reaches the browser: these bytes, then the end of the connection. */
function wire(text: string): AsyncGenerator<ChatStreamEvent> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(text));
      controller.close();
    },
  });
  return readChatResponse(new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }));
}

const frame = (id: number, event: string, data: unknown) =>
  `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const EVENTS = [
  frame(0, 'answer', { handle: 'h-1' }),
  frame(1, 'token', { text: 'One ' }),
  frame(2, 'token', { text: 'two ' }),
  frame(3, 'token', { text: 'three.' }),
  frame(4, 'done', { finishReason: 'stop' }),
];

/** A worker that keeps the events: a resume from `from` gets those after it, cut off after `limit` of them. */
function worker(limit: number) {
  const asked: number[] = [];
  const resume = (handle: string, from: number) => {
    asked.push(from);
    expect(handle).to.equal('h-1');
    return wire(EVENTS.slice(from + 1, from + 1 + limit).join(''));
  };
  return { asked, resume };
}

async function readAll(answer: AsyncGenerator<ChatStreamEvent>) {
  const events: ChatStreamEvent[] = [];
  for await (const event of answer) events.push(event);
  return events;
}

const text = (events: ChatStreamEvent[]) => events.map((event) => (event.type === 'token' ? event.text : '')).join('');

describe('resumableAnswer', () => {
  it('reads the event ids and the handle off the wire', async () => {
    const events = await readAll(wire(EVENTS.join('')));
    expect(events[0]).to.deep.equal({ type: 'handle', handle: 'h-1', id: 0 });
    expect(events.map((event) => event.id)).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('picks a cut stream up after the last id, again and again, with nothing missing or repeated', async () => {
    const { asked, resume } = worker(1);
    const statuses: boolean[] = [];
    const first = wire(EVENTS.slice(0, 2).join('') + EVENTS[2].slice(0, 9));
    const events = await readAll(
      resumableAnswer(first, {
        signal: new AbortController().signal,
        resume,
        onReconnecting: (reconnecting) => statuses.push(reconnecting),
      }),
    );
    expect(text(events)).to.equal('One two three.');
    expect(events.at(-1)).to.deep.include({ type: 'done' });
    expect(asked).to.deep.equal([1, 2, 3]);
    // Said while it was down, and taken back each time the events flowed again.
    expect(statuses).to.deep.equal([true, false, true, false, true, false]);
  });

  it('asks again from the same id when a resume breaks before its first event (the bytes before a cut can be lost)', async () => {
    const asked: number[] = [];
    const resume = (_handle: string, from: number) => {
      asked.push(from);
      // The first two tries open and break with nothing read; the third gets the rest.
      return wire(asked.length < 3 ? '' : EVENTS.slice(from + 1).join(''));
    };
    const events = await readAll(
      resumableAnswer(wire(EVENTS.slice(0, 3).join('')), {
        signal: new AbortController().signal,
        resume,
        onReconnecting: () => {},
      }),
    );
    expect(text(events)).to.equal('One two three.');
    expect(asked).to.deep.equal([2, 2, 2]);
  });

  it('gives up with the connection failure after giveUpMs', async () => {
    const resume = () => wire('');
    let failure: unknown;
    try {
      await readAll(
        resumableAnswer(wire(EVENTS.slice(0, 2).join('')), {
          signal: new AbortController().signal,
          resume,
          onReconnecting: () => {},
          giveUpMs: 600,
        }),
      );
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(ChatError);
    expect((failure as ChatError).code).to.equal('connection-lost');
  });

  it('does not retry an answer the worker refused or failed (a server code), nor one with no handle', async () => {
    const failed = wire(`${EVENTS[0]}${frame(1, 'error', { code: 'upstream_error', message: 'The model failed.' })}`);
    const noHandle = wire(frame(1, 'token', { text: 'One ' }));
    for (const first of [failed, noHandle]) {
      let resumed = false;
      let failure: unknown;
      try {
        await readAll(
          resumableAnswer(first, {
            signal: new AbortController().signal,
            resume: () => {
              resumed = true;
              return wire('');
            },
            onReconnecting: () => {},
          }),
        );
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(ChatError);
      expect(resumed).to.equal(false);
    }
  });
});
