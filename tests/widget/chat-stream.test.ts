import { expect } from '@open-wc/testing';
import { streamChat } from '../../widget/chat-client.ts';
import { turnsForModel } from '../../widget/chat-controller.ts';
import { ChatError } from '../../widget/chat-error.ts';
import { readChatResponse, type ChatStreamEvent } from '../../widget/chat-stream.ts';
import type { StreamEvent } from '../../widget/wire-contract.ts';
import { en } from '../../widget/strings.ts';

const encoder = new TextEncoder();

/** A streaming response whose body arrives in exactly these byte chunks. */
function sseResponse(chunks: (string | Uint8Array)[], init: ResponseInit = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream; charset=utf-8' }, ...init });
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** Reads everything; a failure is returned next to the events that came before it. */
async function readAll(response: Response): Promise<{ events: ChatStreamEvent[]; error?: unknown }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const event of readChatResponse(response)) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

/** One SSE frame as the worker writes it. */
const frame = ({ event, data }: StreamEvent) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const token = (text: string) => frame({ event: 'token', data: { text } });
const done = (finishReason = 'stop') => frame({ event: 'done', data: { finishReason, completionTokens: 2 } });

describe('readChatResponse', () => {
  it('yields tokens in order, then done', async () => {
    const { events, error } = await readAll(sseResponse([token('Hello'), token(', world'), done('length')]));
    expect(error).to.equal(undefined);
    expect(events).to.deep.equal([
      { type: 'token', text: 'Hello' },
      { type: 'token', text: ', world' },
      { type: 'done', finishReason: 'length' },
    ]);
  });

  it('reassembles an event split across chunks, even inside a field name and a line ending', async () => {
    const wire = token('split') + done();
    const chunks = [wire.slice(0, 3), wire.slice(3, 14), wire.slice(14, 30), wire.slice(30)];
    const { events } = await readAll(sseResponse(chunks));
    expect(events).to.deep.equal([
      { type: 'token', text: 'split' },
      { type: 'done', finishReason: 'stop' },
    ]);
  });

  it('reassembles a multi-byte character split across chunks', async () => {
    const bytes = encoder.encode(token('café 🦅') + done());
    // The falcon is 4 bytes (F0 9F A6 85) and é is 2 (C3 A9): cut through the middle of both.
    const falcon = bytes.indexOf(0xf0);
    const eAcute = bytes.indexOf(0xc3);
    const chunks = [bytes.slice(0, eAcute + 1), bytes.slice(eAcute + 1, falcon + 2), bytes.slice(falcon + 2)];
    const { events } = await readAll(sseResponse(chunks));
    expect(events[0]).to.deep.equal({ type: 'token', text: 'café 🦅' });
  });

  it('reads a burst that arrives as one chunk a piece at a time, letting the page run in between', async () => {
    // 20,000 tokens in one network read (an answer sent as fast as the network goes), with CRLF
    // line endings and a 4-byte character in every token, so pieces cut through both.
    const texts = Array.from({ length: 20_000 }, (_, index) => `🦅${index} `);
    const wire = (texts.map(token).join('') + done()).replaceAll('\n', '\r\n');
    let eventsWhenThePageRan: number | undefined;
    const events: ChatStreamEvent[] = [];
    const response = sseResponse([wire]);
    // Queued before the burst is read: a page that can run gets here before its end.
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      eventsWhenThePageRan = events.length;
      port1.close();
    };
    port2.postMessage(null);
    for await (const event of readChatResponse(response)) events.push(event);

    expect(events.map((event) => (event.type === 'token' ? event.text : event.type))).to.deep.equal([...texts, 'done']);
    expect(eventsWhenThePageRan).to.be.greaterThan(0).and.lessThan(events.length);
  });

  it('ignores heartbeat comments and events it does not know', async () => {
    const { events } = await readAll(
      sseResponse([': ping\n\n', token('a'), ': ping\n\n', 'event: usage\ndata: {}\n\n', token('b'), done()]),
    );
    expect(events.map((event) => (event.type === 'token' ? event.text : event.type))).to.deep.equal(['a', 'b', 'done']);
  });

  it('treats a stream that ends without done as a lost connection, after the tokens it got', async () => {
    const { events, error } = await readAll(sseResponse([token('partial'), ': ping\n\n']));
    expect(events).to.deep.equal([{ type: 'token', text: 'partial' }]);
    expect(error).to.be.instanceOf(ChatError);
    expect((error as ChatError).code).to.equal('connection-lost');
  });

  it('treats an event cut off by the end of the stream as a lost connection', async () => {
    const { events, error } = await readAll(sseResponse([token('a'), 'event: done\ndata: {"finishRea']));
    expect(events).to.have.length(1);
    expect((error as ChatError).code).to.equal('connection-lost');
  });

  it('treats a broken body as a lost connection', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      // Errors on the second read, once the first chunk has been taken (error() would drop a queued one).
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(encoder.encode(token('a')));
        else controller.error(new TypeError('network error'));
      },
    });
    const { events, error } = await readAll(new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }));
    expect(events).to.have.length(1);
    expect((error as ChatError).code).to.equal('connection-lost');
  });

  it('turns an error event into a ChatError in the element’s words', async () => {
    const { events, error } = await readAll(
      sseResponse([
        token('a'),
        frame({ event: 'error', data: { code: 'upstream_rate_limited', message: 'Too many.', retryAfter: 5 } }),
      ]),
    );
    expect(events).to.have.length(1);
    const failure = error as ChatError;
    expect(failure.code).to.equal('rate-limited');
    expect(failure.serverCode).to.equal('upstream_rate_limited');
    expect(failure.retryAfterSeconds).to.equal(5);
    expect(failure.message).to.contain('5 s');
  });

  it('shows the worker’s own visitor message for an error code it has no words for', async () => {
    const { error } = await readAll(
      sseResponse([frame({ event: 'error', data: { code: 'upstream_quota', message: 'Used up for today.' } })]),
    );
    expect((error as ChatError).code).to.equal('server');
    expect((error as ChatError).message).to.equal('Used up for today.');
  });

  it('rejects a token whose data is not the expected JSON', async () => {
    const { error } = await readAll(sseResponse(['event: token\ndata: not json\n\n']));
    expect((error as ChatError).code).to.equal('server');
  });

  it('reports a 200 answer that is not an event stream (a wrong endpoint serving a page) as no chat API', async () => {
    const { error } = await readAll(new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } }));
    expect((error as ChatError).code).to.equal('no-api');
    expect((error as ChatError).message).to.equal(en.errors['no-api'] as string);
  });

  const statusCases: [number, Record<string, string>, string][] = [
    [400, {}, 'bad-request'],
    [403, {}, 'forbidden'],
    [404, {}, 'no-api'],
    [405, {}, 'no-api'],
    [413, {}, 'too-large'],
    [422, {}, 'too-large'],
    [429, { 'Retry-After': '7' }, 'rate-limited'],
    [503, {}, 'busy'],
    [500, {}, 'server'],
  ];
  for (const [status, headers, code] of statusCases) {
    it(`maps HTTP ${status} to ${code}`, async () => {
      const { error } = await readAll(
        jsonResponse(status, { error: { code: 'some_code', message: 'For the site owner.' } }, headers),
      );
      const failure = error as ChatError;
      expect(failure.code).to.equal(code);
      expect(failure.serverCode).to.equal('some_code');
      expect(failure.serverMessage).to.equal('For the site owner.');
      expect(failure.message).not.to.equal('For the site owner.');
    });
  }

  it('says how long to wait when a 429 has Retry-After', async () => {
    const { error } = await readAll(jsonResponse(429, {}, { 'Retry-After': '7' }));
    expect((error as ChatError).retryAfterSeconds).to.equal(7);
    expect((error as ChatError).message).to.contain('7 s');
  });

  it('copes with an error body that is not JSON', async () => {
    const { error } = await readAll(new Response('Bad gateway', { status: 502 }));
    expect((error as ChatError).code).to.equal('server');
  });
});

describe('streamChat', () => {
  it('reports a server that cannot be reached as a network error', async () => {
    // Port 9 (discard) has nothing listening.
    const answer = streamChat(
      'http://127.0.0.1:9/api/chat',
      { messages: [{ role: 'user', content: 'hi' }] },
      new AbortController().signal,
    );
    const error = await answer.next().catch((failure: unknown) => failure);
    expect(error).to.be.instanceOf(ChatError);
    expect((error as ChatError).code).to.equal('network');
  });

  it('passes an abort through as an AbortError, not as a failure to show', async () => {
    const abort = new AbortController();
    abort.abort();
    const answer = streamChat(
      'http://127.0.0.1:9/api/chat',
      { messages: [{ role: 'user', content: 'hi' }] },
      abort.signal,
    );
    const error = await answer.next().catch((failure: unknown) => failure);
    expect(error).to.be.instanceOf(DOMException);
    expect((error as DOMException).name).to.equal('AbortError');
  });
});

describe('turnsForModel', () => {
  it('leaves out an answer that never started, together with its question', () => {
    expect(
      turnsForModel([
        { role: 'user', content: 'first' },
        { role: 'assistant', content: '', status: 'error' },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: 'partial', status: 'stopped' },
        { role: 'user', content: 'third' },
      ]),
    ).to.deep.equal([
      { role: 'user', content: 'second' },
      { role: 'assistant', content: 'partial' },
      { role: 'user', content: 'third' },
    ]);
  });
});
