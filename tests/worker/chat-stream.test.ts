import { describe, expect, it } from 'vitest';
import { TEST_HF_TOKEN } from '../support/test-token.ts';
import { ask, callWorkerWith, chat, chatRequest, modelUrl, readUntil, scenario, upstreamRecords } from './helpers.ts';
import type { TokenData } from '../../widget/wire-contract.ts';

/** What the offline model says for `question`, read straight from it as the worker's upstream would. */
async function upstreamAnswer(prompt: string): Promise<string> {
  const response = await fetch(`${modelUrl}/v1/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt, stream: false, max_tokens: 512 }),
  });
  const body = (await response.json()) as { choices: { text: string }[] };
  return body.choices[0].text;
}

describe('POST /api/chat, falcon format against a TGI endpoint', () => {
  it('streams the answer as token events, then exactly one done', async () => {
    // At a model's pace every token reaches the worker on its own, and goes on to the visitor at once.
    const { tag, directive } = scenario({ delay: 10 });
    const question = `What can you do? ${directive}`;
    const { response, events, text } = await chat(ask(question));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const names = events.map((event) => event.event);
    expect(names.filter((name) => name === 'token').length).toBeGreaterThan(20);
    // The resume handle first, then only tokens, then done; every event numbered in order for a resume.
    expect(names[0]).toBe('answer');
    expect(names.slice(1, -1).every((name) => name === 'token')).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => String(index)));

    const [upstream] = await upstreamRecords(tag);
    const expected = (await upstreamAnswer(upstream.body.prompt)).replace(/<\|endoftext\|>$/, '').trimStart();
    expect(text).toBe(expected);
    expect(text).toMatch(/offline/i);
    expect(text).not.toMatch(/^\s/);
    expect(text).not.toContain('<|endoftext|>');
  });

  it('relays tokens that arrive together as one token event each time, with the same text', async () => {
    const paced = await chat(ask(`Which framing? ${scenario({ delay: 10 }).directive}`));
    const { tag, directive } = scenario({ burst: 1 });
    const burst = await chat(ask(`Which framing? ${directive}`));
    const [upstream] = await upstreamRecords(tag);

    expect(upstream.tokensSent).toBeGreaterThan(20);
    expect(burst.text).toBe(paced.text);
    // The runtime hands the body over a few kilobytes at a time: a handful of events, not one per token.
    expect(burst.events.filter((event) => event.event === 'token').length).toBeLessThan(upstream.tokensSent! / 5);
    expect(burst.last).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
  });

  it('sends the first token at once and holds the next for up to TOKEN_BATCH_MS', async () => {
    const { tag, url } = scenario({ delay: 5 });
    const { events, text } = await chat(ask('Which framing?'), { HF_ENDPOINT_URL: url, TOKEN_BATCH_MS: '60000' });
    const [upstream] = await upstreamRecords(tag);
    const tokens = events.filter((event) => event.event === 'token').map((event) => (event.data as TokenData).text);

    // The model finishes well inside the window: everything after the first token goes out together when it ends.
    expect(upstream.tokensSent).toBeGreaterThan(20);
    expect(tokens).toHaveLength(2);
    expect(tokens[0].length).toBeLessThan(20);
    expect(tokens.join('')).toBe(text);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
  });

  it('sends what it held when TOKEN_BATCH_MS is up, while the model goes on', async () => {
    const reference = await chat(ask('Which framing?'));
    const { tag, url } = scenario({ delay: 5 });
    const { events, text } = await chat(ask('Which framing?'), { HF_ENDPOINT_URL: url, TOKEN_BATCH_MS: '50' });
    const [upstream] = await upstreamRecords(tag);
    const tokenEvents = events.filter((event) => event.event === 'token').length;

    // About a second of tokens, 5 ms apart: a batch every 50 ms or so, each going out on its timer.
    expect(text).toBe(reference.text);
    expect(tokenEvents).toBeGreaterThan(5);
    expect(tokenEvents).toBeLessThan(upstream.tokensSent! / 3);
  });

  it("sends Falcon-instruct's prompt, stop sequences and parameters, with the token, to {endpoint}/v1/completions", async () => {
    const { tag, directive } = scenario();
    await chat({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: `Tell me a joke ${directive}` },
      ],
      system: 'You are terse.',
      temperature: 0.3,
      maxNewTokens: 200,
    });
    const [upstream] = await upstreamRecords(tag);
    expect(upstream.method).toBe('POST');
    expect(upstream.path).toBe('/v1/completions');
    expect(upstream.headers.authorization).toBe(`Bearer ${TEST_HF_TOKEN}`);
    expect(upstream.body).toMatchObject({
      prompt: `System:You are terse.\nUser: Hi\nAssistant: Hello! How can I help?\nUser: Tell me a joke ${directive}\nAssistant:`,
      stream: true,
      max_tokens: 200,
      temperature: 0.3,
      return_full_text: false,
    });
    expect(upstream.body.stop).toEqual(expect.arrayContaining(['\nUser:', '<|endoftext|>']));
    expect(upstream.body.stop.length).toBeLessThanOrEqual(4);
  });

  it('uses the operator system message and the defaults when the element sends none', async () => {
    const { tag, directive } = scenario();
    await chat(ask(`Hi ${directive}`));
    const [upstream] = await upstreamRecords(tag);
    expect(upstream.body.prompt).toMatch(/^System:A conversation between a user and an LLM-based AI assistant\./);
    expect(upstream.body).toMatchObject({ temperature: 0.7, max_tokens: 512 });
  });

  it('caps maxNewTokens at MAX_NEW_TOKENS', async () => {
    const { tag, directive } = scenario();
    await chat(ask(`Hi ${directive}`, { maxNewTokens: 5000 }));
    const [upstream] = await upstreamRecords(tag);
    expect(upstream.body.max_tokens).toBe(1024);
  });

  it('ends with finishReason "length" when the answer hits maxNewTokens', async () => {
    const { directive } = scenario();
    const { last, text } = await chat(ask(`Hi ${directive}`, { maxNewTokens: 4 }));
    expect(last).toMatchObject({ event: 'done', data: { finishReason: 'length' } });
    expect(text.length).toBeGreaterThan(0);
  });

  it('shows nothing of a stop sequence the model streams token by token', async () => {
    const plain = await chat(ask(`Hi ${scenario().directive}`));
    const stopped = await chat(ask(`Hi ${scenario({ ending: 'stop-sequence' }).directive}`));
    expect(stopped.last).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    // Same answer as with an end-of-text token, without "\nUser:" or any of its first characters.
    const withoutDirective = (text: string) => text.replace(/@offline\([^)]*\)/g, '');
    expect(withoutDirective(stopped.text)).toBe(withoutDirective(plain.text));
  });

  it('gives the same answer however the upstream frames and splits its bytes', async () => {
    const reference = await chat(ask('Which framing?'));
    for (const items of [
      { chunk: 1 },
      { split: 'utf8' },
      { framing: 'nospace' },
      { eol: 'crlf' },
      { eol: 'cr' },
      { comments: 1 },
      { flavour: 'vllm', ending: 'stop-sequence' },
      { burst: 1 },
    ] as Record<string, string | number>[]) {
      const { url } = scenario(items);
      const result = await chat(ask('Which framing?'), { HF_ENDPOINT_URL: url });
      expect(result.text, JSON.stringify(items)).toBe(reference.text);
      expect(result.last, JSON.stringify(items)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    }
    // The demo answer carries multi-byte characters, so splitting really cut through some.
    expect([...reference.text].some((character) => character.codePointAt(0)! > 0x7f)).toBe(true);
  });

  it('sends a `: ping` heartbeat while waiting for the first token', async () => {
    // The model accepts the request and then says nothing at all.
    const { url } = scenario({ fault: 'stall', after: 0 });
    const response = await callWorkerWith({ HF_ENDPOINT_URL: url, HEARTBEAT_MS: '20' }, chatRequest(ask('Slow start')));
    const received = await readUntil(response, ': ping\n\n');
    // Only the resume handle comes before it (event 0), no text.
    expect(received).toMatch(/^id: 0\nevent: answer\ndata: \{"handle":"[\w.-]+"\}\n\n: ping\n\n$/);
  });
});
