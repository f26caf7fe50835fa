/**
 * The offline model reproduces the byte-exact transcripts of docs/upstream-protocol.md §6.
 * Generation is scripted with the fixtures' tokens through the same pure pipeline the
 * server runs; the fixtures that need no script (validation errors) also go over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerRequest, defaultConfig } from '../../demo/offline-model/respond.ts';
import type { ScriptedToken } from '../../demo/offline-model/script.ts';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';
import { renderPlan } from '../../demo/offline-model/stream-plan.ts';
import { fixture, post } from './helpers.ts';

const utf8 = new TextEncoder();
const token = (id: number, text: string, logprob: number, special = false): ScriptedToken => ({
  id,
  bytes: utf8.encode(text),
  logprob,
  special,
});

// The real Falcon-7B tokens and logprobs of §6.
const HELLO = token(23090, ' Hello', -1.8251953);
const BANG = token(12, '!', -0.56933594);
const NEWLINE = token(193, '\n', -0.61279297);
const USER = token(4340, 'User', -0.41967773);
const COLON = token(37, ':', -0.0023403168);
const COMMA = token(23, ',', -0.3173828);
const DANIEL = token(8156, ' Daniel', -0.23803711);
const EOS = token(11, '<|endoftext|>', -0.10205078, true);

const INPUTS = 'System: You are a helpful assistant.\nUser: Say hello\nAssistant:';
const PARAMETERS = {
  max_new_tokens: 64,
  temperature: 0.7,
  stop: ['\nUser:', '<|endoftext|>'],
  details: true,
  return_full_text: false,
  seed: 42,
};
const CREATED = 1767225600;
const E2_CONTENT = `hello${' hello'.repeat(1493)}`;

/** The body the pure pipeline streams for `body` on `path`, with the model "saying" `script`. */
function scripted(path: string, body: unknown, script: ScriptedToken[]): Buffer {
  const config = defaultConfig({ now: () => CREATED, script: () => script });
  const answer = answerRequest(
    {
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json' },
      body: utf8.encode(JSON.stringify(body)),
    },
    config,
  );
  if (answer.kind !== 'stream') throw new Error(`expected a stream, got ${answer.kind}`);
  return Buffer.from(renderPlan(answer.actions, answer.framing));
}

function expectBytes(actual: Buffer, name: string) {
  const expected = fixture(name);
  expect(actual.toString('utf8')).toBe(expected.toString('utf8'));
  expect(actual.equals(expected)).toBe(true);
}

describe('byte-exact transcripts (§6), scripted', () => {
  it('A: /generate_stream ending with EOS', () => {
    expectBytes(
      scripted('/generate_stream', { inputs: INPUTS, parameters: PARAMETERS }, [HELLO, BANG, EOS]),
      'A_generate_stream_eos.sse',
    );
  });

  it('B: the stop sequence "\\nUser:" arrives as three tokens and ends the stream', () => {
    const script = [HELLO, BANG, NEWLINE, USER, COLON, EOS];
    expectBytes(
      scripted('/generate_stream', { inputs: INPUTS, parameters: PARAMETERS }, script),
      'B_generate_stream_stop_sequence.sse',
    );
  });

  it('C: max_new_tokens 3 ends with length, greedy so no seed', () => {
    const script = [HELLO, COMMA, DANIEL, BANG, EOS];
    expectBytes(
      scripted('/generate_stream', { inputs: INPUTS, parameters: { max_new_tokens: 3, details: true } }, script),
      'C_generate_stream_length.sse',
    );
  });

  it('D: a generation error after two tokens (fault=midstream-error,after=2)', () => {
    const body = { inputs: INPUTS, parameters: PARAMETERS };
    expectBytes(
      scripted('/scenario/fault=midstream-error,after=2/generate_stream', body, [HELLO, BANG, EOS]),
      'D_generate_stream_midstream_error.sse',
    );
  });

  it('D2: the token budget refused before the first token', () => {
    const body = { inputs: ' hello'.repeat(1500), parameters: { ...PARAMETERS, max_new_tokens: 600 } };
    expectBytes(scripted('/generate_stream', body, [HELLO, EOS]), 'D2_generate_stream_validation_error.sse');
  });

  it('E: /v1/chat/completions with usage', () => {
    const body = {
      model: 'tgi',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Say hello' },
      ],
      max_tokens: 64,
      temperature: 0.7,
      stop: ['\nUser:'],
      stream: true,
      stream_options: { include_usage: true },
    };
    expectBytes(scripted('/v1/chat/completions', body, [HELLO, BANG, EOS]), 'E_chat_completions_stream.sse');
  });

  it('E2: a chat validation error in-band, then [DONE]', () => {
    // "User: hello hello …\nAssistant:": 1494 " hello" tokens and 6 of the template.
    const body = { messages: [{ role: 'user', content: E2_CONTENT }], max_tokens: 600, stream: true };
    expectBytes(scripted('/v1/chat/completions', body, [HELLO, EOS]), 'E2_chat_completions_stream_error.sse');
  });

  it('F: /v1/completions, the final chunk saying <|endoftext|>', () => {
    const body = {
      model: 'http://127.0.0.1:8080',
      prompt: INPUTS,
      max_tokens: 64,
      temperature: 0.7,
      stop: ['\nUser:', '<|endoftext|>'],
      stream: true,
    };
    expectBytes(scripted('/v1/completions', body, [HELLO, BANG, EOS]), 'F_completions_stream.sse');
  });
});

describe('byte-exact transcripts (§6), over HTTP', () => {
  let model: OfflineModel;
  beforeAll(async () => {
    model = await startOfflineModel({ quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
  });
  afterAll(() => model.close());

  it('D2 with the response head of §6', async () => {
    const response = await post(`${model.url}/generate_stream`, {
      inputs: ' hello'.repeat(1500),
      parameters: { ...PARAMETERS, max_new_tokens: 600 },
    });
    expect(response.status).toBe(200);
    expect(response.body.equals(fixture('D2_generate_stream_validation_error.sse'))).toBe(true);
    const pairs = [];
    for (let i = 0; i < response.rawHeaders.length; i += 2)
      pairs.push([response.rawHeaders[i], response.rawHeaders[i + 1]]);
    expect(pairs.slice(0, 5)).toEqual([
      ['content-type', 'text/event-stream'],
      ['cache-control', 'no-cache'],
      ['x-compute-type', 'gpu+optimized'],
      ['x-compute-characters', String(' hello'.repeat(1500).length)],
      ['x-accel-buffering', 'no'],
    ]);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-length']).toBeUndefined();
  });

  it('E2', async () => {
    const response = await post(`${model.url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: E2_CONTENT }],
      max_tokens: 600,
      stream: true,
    });
    expect(response.status).toBe(200);
    expect(response.body.equals(fixture('E2_chat_completions_stream_error.sse'))).toBe(true);
  });

  it('x-compute-characters counts the characters of the prompt (63 for the §6 request)', async () => {
    const response = await post(`${model.url}/generate_stream`, { inputs: INPUTS, parameters: PARAMETERS });
    expect(response.headers['x-compute-characters']).toBe('63');
  });
});
