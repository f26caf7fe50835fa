/** Every fault switch over HTTP, chosen by URL prefix or by `@offline(...)` in the prompt. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';
import { completionText, post, sseData, sseJson } from './helpers.ts';

const PROMPT = 'User: Hi\nAssistant:';
const OPENAI_DONE = 'data: [DONE]\n\n';

let model: OfflineModel;
beforeAll(async () => {
  model = await startOfflineModel({ quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
});
afterAll(() => model.close());

let tagCounter = 0;
/** POSTs a streaming body to `route` with `items` as the URL scenario, tagged; returns the response and its record. */
async function withFault(
  items: string,
  route = '/v1/completions',
  body: Record<string, unknown> = { prompt: PROMPT, stream: true },
) {
  const tag = `fault-${++tagCounter}`;
  const response = await post(`${model.url}/scenario/${items},tag=${tag}${route}`, body);
  const record = await model.waitFor(tag, 'any', 5000);
  return { response, record };
}

describe('in-stream faults', () => {
  it('error-before-first: "Model is overloaded" in each route\'s shape', async () => {
    const completions = await withFault('fault=error-before-first');
    expect(completions.response.text).toBe(
      `data: {"error":{"message":"Model is overloaded","http_status_code":422}}\n\n${OPENAI_DONE}`,
    );
    expect(completions.record).toMatchObject({ outcome: 'fault', tokensSent: 0 });
    const native = await withFault('fault=error-before-first', '/generate_stream', { inputs: PROMPT });
    expect(native.response.text).toBe('data: {"error":"Model is overloaded","error_type":"overloaded"}\n\n');
  });

  it('midstream-error after N tokens, then [DONE] on the OpenAI routes only', async () => {
    const { response, record } = await withFault('fault=midstream-error,after=4');
    const data = sseData(response.text);
    expect(data).toHaveLength(6);
    expect(JSON.parse(data[4])).toEqual({
      error: {
        message: 'Request failed during generation: Server error: CUDA out of memory. Tried to allocate 20.00 MiB',
        http_status_code: 422,
      },
    });
    expect(data[5]).toBe('[DONE]');
    expect(record).toMatchObject({ outcome: 'fault', tokensSent: 4 });
    const native = await withFault('fault=midstream-error,after=1', '/generate_stream', { inputs: PROMPT });
    expect(sseJson(native.response.text).at(-1)).toEqual({
      error: 'Request failed during generation: Server error: CUDA out of memory. Tried to allocate 20.00 MiB',
      error_type: 'generation',
    });
    const chat = await withFault('fault=midstream-error,after=2', '/v1/chat/completions', {
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    expect(sseData(chat.response.text).slice(-2)).toEqual([
      expect.stringContaining('"http_status_code":422'),
      '[DONE]',
    ]);
  });

  it('incomplete: incomplete_generation_stream after N tokens', async () => {
    const { response } = await withFault('fault=incomplete,after=2', '/generate_stream', { inputs: PROMPT });
    const events = sseJson(response.text);
    expect(events).toHaveLength(3);
    expect(events[2]).toEqual({ error: 'Incomplete generation stream', error_type: 'incomplete_generation_stream' });
  });

  it('abrupt-close: the connection drops after N tokens, with no error and no end', async () => {
    const { response, record } = await withFault('fault=abrupt-close,after=3');
    expect(response.broken).toBe(true);
    expect(sseData(response.text)).toHaveLength(3);
    expect(response.text).not.toContain('[DONE]');
    expect(record).toMatchObject({ outcome: 'fault', tokensSent: 3 });
  });

  it('malformed: a `data: {not json` line after N tokens', async () => {
    const { response } = await withFault('fault=malformed,after=2');
    expect(response.text.endsWith('"}\n\ndata: {not json\n\n')).toBe(true);
    expect(sseData(response.text)).toHaveLength(3);
  });

  it('json-200: a whole JSON answer to a streaming request', async () => {
    const { response, record } = await withFault('fault=json-200');
    expect([response.status, response.headers['content-type']]).toEqual([200, 'application/json']);
    expect(JSON.parse(response.text).choices[0].finish_reason).toBe('eos_token');
    expect(record.outcome).toBe('fault');
  });

  it('no-final-newline: the last event lacks its blank line', async () => {
    const { response } = await withFault('fault=no-final-newline');
    expect(response.text.endsWith('}\n\ndata: [DONE]\n')).toBe(true);
    const native = await withFault('fault=no-final-newline', '/generate_stream', { inputs: PROMPT });
    expect(native.response.text.endsWith('"details":null}\n')).toBe(true);
  });
});

describe('a hostile upstream (issue 11)', () => {
  it('endless-line: after `after` tokens, one data line of filler that ends only with line-bytes', async () => {
    const { response, record } = await withFault('fault=endless-line,after=1,chunk=100,line-bytes=1000');
    const lines = response.text.split('\n');
    expect(lines.at(-1)).toBe(`data: {"choices":[{"index":0,"text":"${'x'.repeat(1000)}`);
    expect(sseJson(lines.slice(0, -1).join('\n'))).toHaveLength(1);
    expect(record).toMatchObject({ outcome: 'fault', tokensSent: 1 });
  });

  it('endless-line without line-bytes goes on until the client leaves', async () => {
    const tag = `fault-${++tagCounter}`;
    const response = await post(
      `${model.url}/scenario/fault=endless-line,after=0,chunk=4096,tag=${tag}/v1/completions`,
      { prompt: PROMPT, stream: true },
      { onChunk: (_chunk, chunks) => chunks.reduce((sum, piece) => sum + piece.length, 0) > 100_000 },
    );
    expect(response.broken).toBe(true);
    expect(response.text).not.toContain('\n');
    expect(await model.waitFor(tag, 'client-closed', 5000)).toMatchObject({ tokensSent: 0 });
  });

  it('huge-error: a 500 whose JSON body never closes', async () => {
    const { response, record } = await withFault('fault=huge-error,chunk=512,line-bytes=2048');
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.text).toBe(`{"error":"${'x'.repeat(2048)}`);
    expect(record.outcome).toBe('fault');
  });

  it('echo-auth: the Authorization header comes back as finish_reason and in usage', async () => {
    const tag = `fault-${++tagCounter}`;
    const response = await post(
      `${model.url}/scenario/fault=echo-auth,tag=${tag}/v1/completions`,
      { prompt: PROMPT, stream: true },
      { headers: { authorization: 'Bearer hf_secret' } },
    );
    const final = sseJson(response.text).at(-1) as { choices: { finish_reason: string }[]; usage: unknown };
    expect(final.choices[0].finish_reason).toBe('Bearer hf_secret');
    expect(final.usage).toMatchObject({ prompt_tokens: 'Bearer hf_secret', completion_tokens: -3.5 });
  });
});

describe('refusals the HF router gives before any model runs (docs/upstream-protocol.md §2.3)', () => {
  it.each([
    ['http-401', 401, '{"error":"Invalid credentials in Authorization header"}'],
    [
      'http-402',
      402,
      '{"error":"You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits."}',
    ],
    ['http-404', 404, '{"error":"Model tiiuae/falcon-7b-instruct does not exist"}'],
    ['http-422-template', 422, '{"error":"Template error: template not found","error_type":"template_error"}'],
    ['http-429', 429, '{"error":"Model is overloaded","error_type":"overloaded"}'],
    ['http-503', 503, '{"error":"Model tiiuae/falcon-7b-instruct is currently loading","estimated_time":20.0}'],
  ])('%s', async (fault, status, body) => {
    const { response, record } = await withFault(`fault=${fault}`);
    expect([response.status, response.headers['content-type'], response.text]).toEqual([
      status,
      'application/json',
      body,
    ]);
    expect(record).toMatchObject({ outcome: 'fault', status });
  });

  it('http-429 says when to retry', async () => {
    expect((await withFault('fault=http-429')).response.headers['retry-after']).toBe('2');
    expect((await withFault('fault=http-429,retry-after=7')).response.headers['retry-after']).toBe('7');
  });

  it('http-404 names the served model', async () => {
    const { response } = await withFault('fault=http-404');
    expect(response.text).toBe('{"error":"Model tiiuae/falcon-7b-instruct does not exist"}');
  });
});

describe('framing switches', () => {
  it('framing=nospace writes `data:{` and `data:[DONE]`, as TGI < 2.1', async () => {
    const { response } = await withFault('framing=nospace');
    expect(response.text.startsWith('data:{"object"')).toBe(true);
    expect(response.text.endsWith('data:[DONE]\n\n')).toBe(true);
    expect(response.text).not.toContain('data: ');
  });

  it.each([
    ['crlf', '\r\n'],
    ['cr', '\r'],
  ])('eol=%s ends every line that way', async (eol, ending) => {
    const { response } = await withFault(`eol=${eol}`);
    expect(response.text.endsWith(`data: [DONE]${ending}${ending}`)).toBe(true);
    const lineEnds = response.text.replace(/\\n/g, '').match(/\r\n|\r|\n/g) ?? [];
    expect(new Set(lineEnds)).toEqual(new Set([ending]));
    expect(completionText(sseJson(response.text))).toContain('offline demo model');
  });

  it('comments=1 puts `: ping` and bare `:` comments between events', async () => {
    const { response } = await withFault('comments=1');
    expect(response.text).toContain('}\n\n: ping\n\ndata: ');
    expect(response.text).toContain('}\n\n:\n\ndata: ');
  });

  it('tokens=N makes exactly N token events', async () => {
    const { response } = await withFault('tokens=300', '/generate_stream', { inputs: PROMPT });
    const events = sseJson(response.text);
    expect(events).toHaveLength(300);
    expect(events.at(-1)).toMatchObject({ token: { id: 11 }, details: null });
    expect(events.at(-1).generated_text).toContain('| n | square | note |');
  });
});

describe('choosing the scenario', () => {
  it('by @offline(...) in the prompt, the last one winning over the URL prefix', async () => {
    const prompt = 'User: Hi @offline(fault=http-402) and @offline(fault=http-503,tag=directive)\nAssistant:';
    const response = await post(`${model.url}/scenario/fault=http-401/v1/completions`, { prompt, stream: true });
    expect(response.status).toBe(503);
    expect(model.records('directive')).toHaveLength(1);
  });

  it('by @offline(...) in a chat message', async () => {
    const response = await post(`${model.url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'Hi @offline(fault=error-before-first)' }],
      stream: true,
    });
    expect(response.text).toContain('Model is overloaded');
  });

  it('by the server defaults, below the URL', async () => {
    const strict = await startOfflineModel({
      quiet: true,
      defaults: { delay: '0', 'first-delay': '0', fault: 'http-503' },
    });
    try {
      expect((await post(`${strict.url}/v1/completions`, { prompt: PROMPT })).status).toBe(503);
      expect((await post(`${strict.url}/scenario/fault=none/v1/completions`, { prompt: PROMPT })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
