import { describe, expect, it } from 'vitest';
import { callWorker, chatRequest, readAll, scenario, upstreamRecords } from './helpers.ts';

async function rejected(body: unknown, headers?: Record<string, string>) {
  const response = await callWorker(chatRequest(body, { headers }));
  const text = await readAll(response);
  return { status: response.status, type: response.headers.get('content-type'), body: JSON.parse(text) };
}

describe('a bad request gets a clear error naming what is wrong, and never reaches the model', () => {
  it.each([
    ['no messages', {}, 'messages'],
    ['messages not an array', { messages: 'hi' }, 'messages must be an array'],
    ['empty messages', { messages: [] }, 'messages must hold at least one message'],
    [
      'unknown role',
      { messages: [{ role: 'system', content: 'x' }] },
      'messages[0].role must be "user" or "assistant"',
    ],
    ['empty content', { messages: [{ role: 'user', content: '   ' }] }, 'messages[0].content must not be empty'],
    ['content not a string', { messages: [{ role: 'user', content: 42 }] }, 'messages[0].content must be a string'],
    [
      'last message not the visitor',
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
      },
      'messages must end with the visitor',
    ],
    [
      'temperature a string',
      { messages: [{ role: 'user', content: 'a' }], temperature: 'hot' },
      'temperature must be a number',
    ],
    [
      'fractional maxNewTokens',
      { messages: [{ role: 'user', content: 'a' }], maxNewTokens: 1.5 },
      'maxNewTokens must be a whole number',
    ],
    ['system not a string', { messages: [{ role: 'user', content: 'a' }], system: ['x'] }, 'system must be a string'],
    ['body not an object', [1, 2], 'body must be a JSON object'],
  ])('%s → 400', async (_name, body, message) => {
    const result = await rejected(body);
    expect(result.status).toBe(400);
    expect(result.type).toMatch(/^application\/json/);
    expect(result.body.error.code).toBe('invalid_request');
    expect(result.body.error.message).toContain(message);
  });

  it('malformed JSON → 400', async () => {
    const result = await rejected('{"messages": [');
    expect(result).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', message: expect.stringMatching(/JSON/) } },
    });
  });

  it('a body that is not JSON → 415', async () => {
    const result = await rejected('hello', { 'Content-Type': 'text/plain' });
    expect(result).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
  });

  it('a body over MAX_BODY_BYTES (64 KB) → 413', async () => {
    const result = await rejected({ messages: [{ role: 'user', content: 'x'.repeat(70_000) }] });
    expect(result).toMatchObject({
      status: 413,
      body: {
        error: { code: 'payload_too_large', message: 'The request body must be at most 65536 bytes.', limit: 65536 },
      },
    });
  });

  it('none of the rejected requests reached the model', async () => {
    const { tag, directive } = scenario();
    const result = await rejected({ messages: [{ role: 'user', content: directive }], temperature: 'warm' });
    expect(result.status).toBe(400);
    expect(await upstreamRecords(tag)).toEqual([]);
  });

  it('an unknown API path → 404 JSON', async () => {
    const response = await callWorker(new Request('https://falcon.example/api/nope'));
    expect(response.status).toBe(404);
    expect(JSON.parse(await readAll(response))).toMatchObject({ error: { code: 'not_found' } });
  });
});
