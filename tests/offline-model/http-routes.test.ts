/** Every route over real HTTP, with the demo answer (docs/upstream-protocol.md §1.1, §1.5, §1.11–§1.14, §2.1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_MODEL_LINK } from '../../demo/offline-model/answer.ts';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';
import { completionText, get, post, send, sseData, sseJson } from './helpers.ts';

// 18 tokens: System : Be ␣brief . \n User : ␣How ␣do ␣I ␣bake ␣bread ? \n Assist ant :
const PROMPT = 'System:Be brief.\nUser: How do I bake bread?\nAssistant:';
const STOP = ['\nUser:', '<|endoftext|>'];

let model: OfflineModel;
beforeAll(async () => {
  model = await startOfflineModel({ quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
});
afterAll(() => model.close());

/** The answer as the non-streaming completions route gives it. */
async function wholeAnswer(prompt = PROMPT): Promise<string> {
  const response = await post(`${model.url}/v1/completions`, { prompt, max_tokens: 1000 });
  return JSON.parse(response.text).choices[0].text;
}

describe('/v1/completions, what @huggingface/inference 4.13.30 calls', () => {
  it('streams the demo answer token by token, then <|endoftext|> with eos_token, then [DONE]', async () => {
    const response = await post(`${model.url}/v1/completions`, {
      model: model.url,
      stream: true,
      max_tokens: 512,
      stop: STOP,
      temperature: 0.7,
      prompt: PROMPT,
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(sseData(response.text).at(-1)).toBe('[DONE]');
    const events = sseJson(response.text);
    const [first, ...rest] = events;
    const last = events.at(-1);
    expect(events.length).toBeGreaterThan(50);
    expect(first.choices[0].text).toBe(' This');
    for (const event of [first, ...rest.slice(0, -1)]) {
      expect(Object.keys(event)).toEqual(['object', 'id', 'created', 'choices', 'model', 'system_fingerprint']);
      expect(event.choices[0]).toEqual({ index: 0, text: expect.any(String), logprobs: null, finish_reason: '' });
    }
    // The final chunk is another struct: other key order, usage, the raw EOS text (§1.12).
    expect(Object.keys(last)).toEqual(['object', 'id', 'created', 'model', 'system_fingerprint', 'choices', 'usage']);
    expect(last.choices[0]).toEqual({ index: 0, text: '<|endoftext|>', logprobs: null, finish_reason: 'eos_token' });
    expect(last.usage).toEqual({
      prompt_tokens: 18,
      completion_tokens: events.length,
      total_tokens: 18 + events.length,
    });
    expect(last.model).toBe('tiiuae/falcon-7b-instruct');
    // Half an emoji is an empty text (§1.6).
    expect(events.some((event) => event.choices[0].text === '')).toBe(true);

    const text = completionText(events);
    expect(text).toBe(`${await wholeAnswer()}<|endoftext|>`);
    expect(text).toContain('offline demo model, not a real LLM');
    expect(text).toContain('“How do I bake bread?”');
    expect(text).toMatch(/\n- \*\*Tokens\*\*/);
    expect(text).toContain('\n```js\n');
    expect(text).toContain(`(${REAL_MODEL_LINK})`);
    expect(text).toContain('🦅');
  });

  it('gives another answer to another question', async () => {
    expect(await wholeAnswer('User: Why is the sky blue?\nAssistant:')).toContain('“Why is the sky blue?”');
  });

  it('stops with length at max_tokens', async () => {
    const response = await post(`${model.url}/v1/completions`, { prompt: PROMPT, stream: true, max_tokens: 5 });
    const events = sseJson(response.text);
    expect(events).toHaveLength(5);
    expect(events.at(-1).choices[0].finish_reason).toBe('length');
    expect(events.at(-1).usage.completion_tokens).toBe(5);
  });

  it('stops on "\\nUser:" with stop_sequence, the stop text streamed and kept', async () => {
    const response = await post(`${model.url}/scenario/ending=stop-sequence/v1/completions`, {
      prompt: PROMPT,
      stream: true,
      stop: STOP,
    });
    const events = sseJson(response.text);
    expect(events.slice(-3).map((event) => event.choices[0].text)).toEqual(['\n', 'User', ':']);
    expect(events.at(-1).choices[0].finish_reason).toBe('stop_sequence');
    expect(completionText(events)).toBe(`${await wholeAnswer()}\nUser:`);
  });

  it('without that stop string, runs on to EOS', async () => {
    const response = await post(`${model.url}/scenario/ending=stop-sequence/v1/completions`, {
      prompt: PROMPT,
      stream: true,
    });
    const events = sseJson(response.text);
    expect(events.at(-1).choices[0].finish_reason).toBe('eos_token');
    expect(completionText(events)).toBe(`${await wholeAnswer()}\nUser: Thanks!<|endoftext|>`);
  });

  it('takes temperature 0 as greedy, not as an error', async () => {
    const response = await post(`${model.url}/v1/completions`, { prompt: PROMPT, stream: true, temperature: 0 });
    expect(sseJson(response.text).at(-1).choices[0].finish_reason).toBe('eos_token');
  });

  it('answers without streaming', async () => {
    const response = await post(`${model.url}/v1/completions`, { prompt: PROMPT, max_tokens: 3 });
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.text)).toEqual({
      object: 'text_completion',
      id: '',
      created: expect.any(Number),
      model: 'tiiuae/falcon-7b-instruct',
      system_fingerprint: '3.0.1-sha-bb9095a',
      choices: [{ index: 0, text: ' This is the', logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 18, completion_tokens: 3, total_tokens: 21 },
    });
  });

  it('refuses a suffix and too many prompts with 422 JSON', async () => {
    const suffix = await post(`${model.url}/v1/completions`, { prompt: PROMPT, suffix: 'x', stream: true });
    expect([suffix.status, JSON.parse(suffix.text)]).toEqual([
      422,
      {
        error: 'Suffix is not supported and can be achieved by preprocessing the prompt.',
        error_type: 'suffix not supported',
      },
    ]);
    const batch = await post(`${model.url}/v1/completions`, { prompt: ['a', 'b', 'c', 'd', 'e'] });
    expect([batch.status, JSON.parse(batch.text).error_type]).toEqual([422, 'batch size exceeded']);
  });
});

describe("TGI's own routes", () => {
  it('/generate_stream: indexed token events, the special EOS, generated_text without it, details with the seed', async () => {
    const body = `{"inputs":${JSON.stringify(PROMPT)},"parameters":{"details":true,"temperature":0.7,"seed":42}}`;
    const response = await send(`${model.url}/generate_stream`, {
      body,
      headers: { 'content-type': 'application/json' },
    });
    const events = sseJson(response.text);
    expect(sseData(response.text)).not.toContain('[DONE]');
    expect(events.map((event) => event.index)).toEqual(events.map((_, position) => position + 1));
    const last = events.at(-1);
    expect(last.token).toEqual({ id: 11, text: '<|endoftext|>', logprob: expect.any(Number), special: true });
    expect(last.generated_text).toBe(
      events
        .slice(0, -1)
        .map((event) => event.token.text)
        .join(''),
    );
    expect(last.generated_text).toBe(await wholeAnswer());
    expect(events.slice(0, -1).every((event) => event.generated_text === null && event.details === null)).toBe(true);
    expect(response.text).toContain(
      `"details":{"finish_reason":"eos_token","generated_tokens":${events.length},"seed":42,"input_length":18}}`,
    );
  });

  it('/generate_stream without details ends in "details":null', async () => {
    const response = await post(`${model.url}/generate_stream`, { inputs: PROMPT, parameters: { max_new_tokens: 2 } });
    expect(response.text.endsWith('"generated_text":" This is","details":null}\n\n')).toBe(true);
  });

  it("fault=json-200 answers /generate_stream with /generate's whole JSON and timing headers", async () => {
    const response = await post(`${model.url}/scenario/fault=json-200/generate_stream`, {
      inputs: PROMPT,
      parameters: { max_new_tokens: 2, details: true },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({
      generated_text: ' This is',
      details: {
        finish_reason: 'length',
        generated_tokens: 2,
        seed: null,
        prefill: [],
        tokens: [
          { id: expect.any(Number), text: ' This', logprob: expect.any(Number), special: false },
          { id: expect.any(Number), text: ' is', logprob: expect.any(Number), special: false },
        ],
      },
    });
    expect(response.headers).toMatchObject({
      'x-compute-type': 'gpu+optimized',
      'x-prompt-tokens': '18',
      'x-generated-tokens': '2',
    });
  });
});

describe('/v1/chat/completions (with a Falcon chat template)', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'How do I bake bread?' },
  ];

  it('streams chunks that all repeat the role, an empty EOS chunk with "stop", usage, [DONE]', async () => {
    const response = await post(`${model.url}/v1/chat/completions`, {
      model: 'http://127.0.0.1:1/endpoint',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(sseData(response.text).at(-1)).toBe('[DONE]');
    const events = sseJson(response.text);
    const usage = events.at(-1);
    const chunks = events.slice(0, -1);
    expect(
      chunks.every((chunk) => chunk.choices[0].delta.role === 'assistant' && chunk.id === '' && chunk.usage === null),
    ).toBe(true);
    // The request's model is echoed unless it is "tgi" (§1.11).
    expect(chunks.every((chunk) => chunk.model === 'http://127.0.0.1:1/endpoint')).toBe(true);
    expect(chunks.at(-1).choices[0]).toEqual({
      index: 0,
      delta: { role: 'assistant', content: '' },
      logprobs: null,
      finish_reason: 'stop',
    });
    expect(usage).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 18, completion_tokens: chunks.length },
    });
    expect(chunks.map((chunk) => chunk.choices[0].delta.content).join('')).toBe(await wholeAnswer());
  });

  it('names the served model for "tgi" or no model, and has no usage chunk unless asked', async () => {
    for (const model_ of ['tgi', undefined]) {
      const response = await post(`${model.url}/v1/chat/completions`, {
        model: model_,
        messages,
        stream: true,
        max_tokens: 2,
      });
      const events = sseJson(response.text);
      expect(events).toHaveLength(2);
      expect(events.every((event) => event.model === 'tiiuae/falcon-7b-instruct')).toBe(true);
      expect(events.at(-1).choices[0].finish_reason).toBe('length');
    }
  });

  it('passes stop_sequence through unmapped', async () => {
    const response = await post(`${model.url}/scenario/ending=stop-sequence/v1/chat/completions`, {
      messages,
      stream: true,
      stop: ['\nUser:'],
    });
    expect(sseJson(response.text).at(-1).choices[0]).toMatchObject({
      delta: { content: ':' },
      finish_reason: 'stop_sequence',
    });
  });

  it('answers without streaming', async () => {
    const response = await post(`${model.url}/v1/chat/completions`, { model: 'tgi', messages, max_tokens: 2 });
    expect(JSON.parse(response.text)).toEqual({
      object: 'chat.completion',
      id: '',
      created: expect.any(Number),
      model: 'tiiuae/falcon-7b-instruct',
      system_fingerprint: '3.0.1-sha-bb9095a',
      choices: [
        { index: 0, message: { role: 'assistant', content: ' This is' }, logprobs: null, finish_reason: 'length' },
      ],
      usage: { prompt_tokens: 18, completion_tokens: 2, total_tokens: 20 },
    });
  });

  it('answers the last user message', async () => {
    const response = await post(`${model.url}/v1/chat/completions`, {
      messages: [
        { role: 'user', content: 'First?' },
        { role: 'assistant', content: 'Yes.' },
        { role: 'user', content: [{ type: 'text', text: 'Second?' }] },
      ],
    });
    expect(JSON.parse(response.text).choices[0].message.content).toContain('“Second?”');
  });
});

describe('the vLLM flavour', () => {
  it('completions: cmpl- ids, "stop" with stop_reason, and the stop string left out', async () => {
    const response = await post(`${model.url}/scenario/flavour=vllm,ending=stop-sequence/v1/completions`, {
      prompt: PROMPT,
      stream: true,
      stop: STOP,
    });
    const events = sseJson(response.text);
    expect(events.every((event) => /^cmpl-[0-9a-f]{32}$/.test(event.id))).toBe(true);
    expect(events.at(-1).choices[0]).toMatchObject({ finish_reason: 'stop', stop_reason: '\nUser:' });
    expect(completionText(events)).toBe(await wholeAnswer());
  });

  it('chat: a role chunk first, then content, "stop" at EOS', async () => {
    const response = await post(`${model.url}/scenario/flavour=vllm/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'How do I bake bread?' }],
      stream: true,
    });
    const events = sseJson(response.text);
    expect(events[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(events.at(-1).choices[0]).toMatchObject({ finish_reason: 'stop', stop_reason: null });
    expect(events.map((event) => event.choices[0].delta.content).join('')).toBe(
      await wholeAnswer('User: How do I bake bread?\nAssistant:'),
    );
  });
});

describe('GET routes', () => {
  it('/info and /health', async () => {
    const info = await get(`${model.url}/info`);
    expect(Object.keys(JSON.parse(info.text))).toEqual([
      'model_id',
      'model_sha',
      'model_pipeline_tag',
      'max_concurrent_requests',
      'max_best_of',
      'max_stop_sequences',
      'max_input_tokens',
      'max_total_tokens',
      'validation_workers',
      'max_client_batch_size',
      'router',
      'version',
      'sha',
      'docker_label',
    ]);
    expect(JSON.parse(info.text)).toMatchObject({
      model_id: 'tiiuae/falcon-7b-instruct',
      max_total_tokens: 2048,
      max_input_tokens: 2047,
    });
    const health = await get(`${model.url}/health`);
    expect([health.status, health.text]).toEqual([200, '']);
  });

  it('404 for unknown paths, 405 for a wrong method, both empty like axum', async () => {
    const missing = await get(`${model.url}/nope`);
    expect([missing.status, missing.text]).toEqual([404, '']);
    const wrong = await get(`${model.url}/generate_stream`);
    expect([wrong.status, wrong.text, wrong.headers.allow]).toEqual([405, '', 'POST']);
  });
});

describe('the request log', () => {
  it('records method, path, lower-cased headers and the parsed body', async () => {
    await post(
      `${model.url}/scenario/tag=logged/v1/completions`,
      { prompt: PROMPT, max_tokens: 1 },
      { headers: { Authorization: 'Bearer hf_x', 'X-Custom': 'y' } },
    );
    const [record] = model.records('logged');
    expect(record).toMatchObject({
      method: 'POST',
      path: '/scenario/tag=logged/v1/completions',
      route: 'completions',
      status: 200,
      outcome: 'completed',
      tag: 'logged',
      body: { prompt: PROMPT, max_tokens: 1 },
    });
    expect(record.headers).toMatchObject({
      authorization: 'Bearer hf_x',
      'x-custom': 'y',
      'content-type': 'application/json',
    });
    const overHttp = JSON.parse((await get(`${model.url}/_offline/log?tag=logged`)).text);
    expect(overHttp).toEqual([expect.objectContaining({ seq: record.seq, headers: record.headers })]);
  });
});
