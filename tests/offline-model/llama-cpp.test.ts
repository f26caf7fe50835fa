/**
 * The llama.cpp flavour (`flavour=llamacpp`): `/v1/chat/completions` byte for byte as llama.cpp's
 * llama-server streams it (its server README: the chunk shapes, `timings`, the error shape; see
 * `demo/offline-model/wire/llama-cpp.ts`). The transcripts below are written out from those
 * shapes by hand; only the id, random in llama-server, is taken from the stand-in's own hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderChatTemplate } from '../../demo/offline-model/prompt.ts';
import { answerRequest, defaultConfig } from '../../demo/offline-model/respond.ts';
import type { ScriptedToken } from '../../demo/offline-model/script.ts';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';
import { renderPlan } from '../../demo/offline-model/stream-plan.ts';
import { llamaCppId } from '../../demo/offline-model/wire/llama-cpp.ts';
import { post } from './helpers.ts';

const utf8 = new TextEncoder();
const token = (id: number, text: string, special = false): ScriptedToken => ({
  id,
  bytes: utf8.encode(text),
  logprob: -0.5,
  special,
});
const HELLO = token(23090, ' Hello');
const BANG = token(12, '!');
const NEWLINE = token(193, '\n');
const USER = token(4340, 'User');
const COLON = token(37, ':');
const EOS = token(11, '<|endoftext|>', true);

const CREATED = 1767225600;
const MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello' },
];
const BODY = {
  model: 'Falcon3-7B-Instruct',
  messages: MESSAGES,
  max_tokens: 64,
  temperature: 0.7,
  stop: ['\nUser:'],
  stream: true,
  stream_options: { include_usage: true },
};
const ID = llamaCppId(renderChatTemplate(MESSAGES), CREATED);
const TAIL = `"created":${CREATED},"id":"${ID}","model":"Falcon3-7B-Instruct","system_fingerprint":"b6097-9515c613","object":"chat.completion.chunk"`;
const chunk = (delta: string, finish = 'null', extra = '') =>
  `data: {"choices":[{"finish_reason":${finish},"index":0,"delta":${delta}}],${TAIL}${extra}}\n\n`;

function scripted(body: unknown, script: ScriptedToken[]): { headers: [string, string][]; bytes: string } {
  const config = defaultConfig({ now: () => CREATED, script: () => script });
  const answer = answerRequest(
    {
      method: 'POST',
      url: '/scenario/flavour=llamacpp/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: utf8.encode(JSON.stringify(body)),
    },
    config,
  );
  if (answer.kind !== 'stream') throw new Error(`expected a stream, got ${answer.kind}`);
  return { headers: answer.headers, bytes: Buffer.from(renderPlan(answer.actions, answer.framing)).toString('utf8') };
}

describe('llama-server’s /v1/chat/completions stream', () => {
  it('a role chunk, a chunk per delta, a last chunk with usage and timings, then [DONE]', () => {
    const { headers, bytes } = scripted(BODY, [HELLO, BANG, EOS]);
    expect(ID).toMatch(/^chatcmpl-[A-Za-z0-9]{32}$/);
    expect(headers).toEqual([
      ['server', 'llama.cpp'],
      ['content-type', 'text/event-stream'],
    ]);
    expect(bytes).toBe(
      chunk('{"role":"assistant","content":null}') +
        chunk('{"content":" Hello"}') +
        chunk('{"content":"!"}') +
        chunk(
          '{}',
          '"stop"',
          ',"usage":{"completion_tokens":3,"prompt_tokens":18,"total_tokens":21}' +
            ',"timings":{"prompt_n":18,"prompt_ms":150.0,"prompt_per_token_ms":8.333333333333334,"prompt_per_second":120.0,' +
            '"predicted_n":3,"predicted_ms":60.0,"predicted_per_token_ms":20.0,"predicted_per_second":50.0}',
        ) +
        'data: [DONE]\n\n',
    );
  });

  it('holds back only what may grow into a stop string, and leaves the stop string out', () => {
    const { bytes } = scripted(BODY, [HELLO, BANG, NEWLINE, USER, COLON, EOS]);
    const deltas = [...bytes.matchAll(/"delta":(\{[^}]*\})/g)].map((match) => match[1]);
    expect(deltas).toEqual(['{"role":"assistant","content":null}', '{"content":" Hello"}', '{"content":"!"}', '{}']);
    expect(bytes).toContain('"finish_reason":"stop"');
    expect(bytes).toContain('"completion_tokens":5');
  });

  it('says "length" when max_tokens ends the answer', () => {
    const { bytes } = scripted({ ...BODY, max_tokens: 2 }, [HELLO, BANG, EOS]);
    expect(bytes).toContain('"finish_reason":"length"');
    expect(bytes).toContain('"predicted_n":2,"predicted_ms":30.0');
  });
});

describe('llama-server’s errors', () => {
  let model: OfflineModel;
  beforeAll(async () => {
    model = await startOfflineModel({ port: 0, quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
  });
  afterAll(() => model.close());

  it('a prompt over the context is a 400 with its error shape, before any stream', async () => {
    const content = `hello${' hello'.repeat(1493)}`;
    const response = await post(`${model.url}/scenario/flavour=llamacpp/v1/chat/completions`, {
      messages: [{ role: 'user', content }],
      max_tokens: 600,
      stream: true,
    });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.text).toBe(
      '{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it",' +
        '"type":"exceed_context_size_error","n_prompt_tokens":1500,"n_ctx":2048}}',
    );
  });

  it('a failure during the stream is one error event, and the stream ends without [DONE]', async () => {
    const response = await post(
      `${model.url}/scenario/flavour=llamacpp,fault=midstream-error,after=2/v1/chat/completions`,
      {
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      },
    );
    expect(response.status).toBe(200);
    const events = response.text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe(
      'data: {"error":{"code":500,"message":"Request failed during generation: Server error: CUDA out of memory. Tried to allocate 20.00 MiB","type":"server_error"}}',
    );
    expect(response.text).not.toContain('[DONE]');
  });
});
