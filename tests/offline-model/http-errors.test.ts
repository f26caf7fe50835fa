/** Refusals over HTTP: validation in-band or by status (docs/upstream-protocol.md §1.2, §1.3, §1.8), axum's rejections, auth (§1.1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';
import { get, post, send } from './helpers.ts';

const PROMPT = 'User: Hi\nAssistant:';

let model: OfflineModel;
beforeAll(async () => {
  model = await startOfflineModel({ quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
});
afterAll(() => model.close());

const inBand = (message: string) =>
  `data: {"error":"Input validation error: ${message}","error_type":"validation"}\n\n`;

describe('validation on /generate_stream: HTTP 200, one in-band event, no [DONE]', () => {
  it.each([
    [{ temperature: 0 }, '`temperature` must be strictly positive'],
    [{ top_p: 1.0 }, '`top_p` must be > 0.0 and < 1.0'],
    [{ stop: ['1', '2', '3', '4', '5'] }, '`stop` supports up to 4 stop sequences. Given: 5'],
    [{ max_new_tokens: 0 }, '`max_new_tokens` must be strictly positive'],
    [{ best_of: 2, do_sample: true }, '`best_of` != 1 is not supported when streaming tokens'],
  ])('%j', async (parameters, message) => {
    const response = await post(`${model.url}/generate_stream`, { inputs: PROMPT, parameters });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.text).toBe(inBand(message));
  });

  it('the token budget, counted in 1024-token chunks', async () => {
    const response = await post(`${model.url}/generate_stream`, {
      inputs: ' hello'.repeat(1100),
      parameters: { max_new_tokens: 2040 },
    });
    expect(response.text).toBe(
      inBand(
        '`inputs` tokens + `max_new_tokens` must be <= 2048. Given: 1100 `inputs` tokens and 1024 `max_new_tokens`',
      ),
    );
  });

  it('empty inputs', async () => {
    const response = await post(`${model.url}/generate_stream`, { inputs: '', parameters: {} });
    expect(response.text).toBe(inBand('`inputs` cannot be empty'));
  });
});

describe('validation elsewhere', () => {
  it('in-band then [DONE] on the OpenAI routes', async () => {
    const chat = await post(`${model.url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'Hi' }],
      top_p: 1,
      stream: true,
    });
    expect(chat.text).toBe(
      'data: {"error":{"message":"Input validation error: `top_p` must be > 0.0 and < 1.0","http_status_code":422}}\n\ndata: [DONE]\n\n',
    );
    const completions = await post(`${model.url}/v1/completions`, {
      prompt: PROMPT,
      stream: true,
      stop: ['a', 'b', 'c', 'd', 'e'],
    });
    expect(completions.text).toBe(
      'data: {"error":{"message":"Input validation error: `stop` supports up to 4 stop sequences. Given: 5","http_status_code":422}}\n\ndata: [DONE]\n\n',
    );
  });
});

describe("axum's rejections, in text/plain", () => {
  it('415 without a JSON content type', async () => {
    const response = await send(`${model.url}/v1/completions`, {
      body: '{"inputs":"x"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect([response.status, response.headers['content-type'], response.text]).toEqual([
      415,
      'text/plain; charset=utf-8',
      'Expected request with `Content-Type: application/json`',
    ]);
  });

  it('400 for broken JSON', async () => {
    const response = await send(`${model.url}/v1/completions`, {
      body: '{"prompt": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/^Failed to parse the request body as JSON: ./);
  });

  it('422 for the wrong shape', async () => {
    const response = await post(`${model.url}/generate_stream`, { parameters: {} });
    expect([response.status, response.headers['content-type'], response.text]).toEqual([
      422,
      'text/plain; charset=utf-8',
      'Failed to deserialize the JSON body into the target type: missing field `inputs`',
    ]);
    const chat = await post(`${model.url}/v1/chat/completions`, { messages: 'hi' });
    expect(chat.text).toBe(
      'Failed to deserialize the JSON body into the target type: messages: invalid type: string "hi", expected a sequence',
    );
  });

  it('413 over 2 MB', async () => {
    const response = await post(`${model.url}/generate`, { inputs: 'x'.repeat(2_000_001) });
    expect([response.status, response.text]).toEqual([413, 'Failed to buffer the request body: length limit exceeded']);
  });

  it('400 for a bad scenario, saying what is wrong', async () => {
    const response = await post(`${model.url}/scenario/fault=explode/v1/completions`, { prompt: PROMPT });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/^offline model: fault must be one of none, error-before-first/);
  });
});

describe('an API key, like TGI --api-key', () => {
  let guarded: OfflineModel;
  beforeAll(async () => {
    guarded = await startOfflineModel({
      quiet: true,
      apiKey: 'hf_secret',
      defaults: { delay: '0', 'first-delay': '0', tag: 'guarded' },
    });
  });
  afterAll(() => guarded.close());

  it('refuses POSTs without the right bearer token with an empty 401', async () => {
    for (const headers of [{}, { authorization: 'Bearer hf_wrong' }, { authorization: 'hf_secret' }] as Record<
      string,
      string
    >[]) {
      const response = await post(`${guarded.url}/v1/completions`, { prompt: PROMPT }, { headers });
      expect([response.status, response.text]).toEqual([401, '']);
    }
  });

  it('accepts it, case-insensitively, and records the header either way', async () => {
    const response = await post(
      `${guarded.url}/v1/completions`,
      { prompt: PROMPT, max_tokens: 1 },
      { headers: { authorization: 'bearer HF_SECRET' } },
    );
    expect(response.status).toBe(200);
    expect(guarded.records('guarded').map((record) => record.headers.authorization)).toEqual([
      undefined,
      'Bearer hf_wrong',
      'hf_secret',
      'bearer HF_SECRET',
    ]);
  });

  it('leaves GET routes open', async () => {
    expect((await get(`${guarded.url}/info`)).status).toBe(200);
  });
});
