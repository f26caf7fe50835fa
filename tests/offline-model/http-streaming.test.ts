/** How bytes travel: cut writes, keep-alives, a client that leaves, and the log's long-poll. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';
import { get, post, send, sseData, sseJson } from './helpers.ts';

const PROMPT = 'User: Hi\nAssistant:';

let model: OfflineModel;
beforeAll(async () => {
  model = await startOfflineModel({ quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
});
afterAll(() => model.close());

/** True when `chunk` ends inside a UTF-8 character. */
function endsMidCharacter(chunk: Buffer): boolean {
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const byte = chunk[chunk.length - back];
    if (byte < 0x80) return false;
    if (byte >= 0xc0) return back < (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2);
  }
  return false;
}

describe('cut writes (docs/upstream-protocol.md §5.4)', () => {
  it.each(['chunk=1', 'chunk=5', 'split=utf8'])(
    '%s splits characters across network reads, and the bytes add up',
    async (items) => {
      // /generate_stream has no timestamps, so two answers to one question are byte-identical.
      const reference = await post(`${model.url}/generate_stream`, { inputs: PROMPT });
      const cut = await post(`${model.url}/scenario/${items}/generate_stream`, { inputs: PROMPT });
      expect(cut.chunks.length).toBeGreaterThan(reference.chunks.length);
      expect(cut.chunks.some(endsMidCharacter)).toBe(true);
      expect(cut.body.equals(reference.body)).toBe(true);
      expect(sseJson(cut.text).at(-1).generated_text).toContain('🦅');
    },
  );
});

describe('keep-alive comments (§1.4)', () => {
  it('sends `:` while the first token is late', async () => {
    const response = await post(`${model.url}/scenario/keepalive=50,first-delay=200/generate_stream`, {
      inputs: PROMPT,
      parameters: { max_new_tokens: 2 },
    });
    expect(response.text.startsWith(':\n\n')).toBe(true);
    expect(response.text.replace(/^(:\n\n)+/, '')).toMatch(/^data: \{"index":1,/);
  });

  it('keeps sending them through a stall, until the client leaves', async () => {
    const response = await post(
      `${model.url}/scenario/fault=stall,after=1,keepalive=20,tag=stalled/generate_stream`,
      { inputs: PROMPT },
      { onChunk: (_, received) => Buffer.concat(received).toString().endsWith('\n\n:\n\n:\n\n') },
    );
    expect(sseData(response.text)).toHaveLength(1);
    const record = await model.waitFor('stalled', 'client-closed', 5000);
    expect(record.tokensSent).toBe(1);
  });
});

describe('a client that leaves (§1.9)', () => {
  it('stops the generation and is recorded as client-closed', async () => {
    const tag = 'leaves';
    const response = await post(
      `${model.url}/scenario/delay=10,tokens=400,tag=${tag}/v1/completions`,
      { prompt: PROMPT, stream: true },
      { onChunk: (_, received) => sseData(Buffer.concat(received).toString()).length >= 3 },
    );
    expect(response.broken).toBe(true);
    const record = await model.waitFor(tag, 'client-closed', 5000);
    expect(record.tokensSent).toBeGreaterThanOrEqual(3);
    expect(record.tokensSent).toBeLessThan(400);
    expect(record.closedAt).toEqual(expect.any(Number));
    expect(record.endedAt).toEqual(expect.any(Number));

    // Let a slower request run start to end; the first one must not have gone on meanwhile.
    await post(`${model.url}/scenario/delay=10,tokens=40,tag=after-${tag}/v1/completions`, {
      prompt: PROMPT,
      stream: true,
    });
    expect(model.records(tag)[0].tokensSent).toBe(record.tokensSent);
  });

  it('before the first token: the head is out, the body silent', async () => {
    const response = await post(
      `${model.url}/scenario/fault=stall,after=0,tag=silent/v1/completions`,
      { prompt: PROMPT, stream: true },
      { hangUpAfterHead: true },
    );
    expect(response.status).toBe(200);
    const record = await model.waitFor('silent', 'client-closed', 5000);
    expect(record).toMatchObject({ tokensSent: 0, firstTokenAt: null, outcome: 'client-closed' });
  });
});

describe('/_offline/wait and /_offline/log', () => {
  it('long-polls until a matching request ends', async () => {
    const waiting = get(`${model.url}/_offline/wait?tag=later&outcome=completed&timeout=5000`);
    await post(`${model.url}/scenario/tag=later/v1/completions`, { prompt: PROMPT, max_tokens: 2 });
    const response = await waiting;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({
      tag: 'later',
      outcome: 'completed',
      status: 200,
      path: '/scenario/tag=later/v1/completions',
    });
  });

  it('answers at once for a request that already ended', async () => {
    const response = await get(`${model.url}/_offline/wait?tag=later&outcome=any&timeout=1`);
    expect(JSON.parse(response.text)).toMatchObject({ tag: 'later' });
  });

  it('gives 408 when nothing matches in time', async () => {
    const response = await get(`${model.url}/_offline/wait?tag=later&outcome=client-closed&timeout=30`);
    expect(response.status).toBe(408);
    await expect(model.waitFor('never', 'any', 30)).rejects.toThrow(/never/);
  });

  it('clears the log with DELETE', async () => {
    expect(model.records('later')).toHaveLength(1);
    expect((await send(`${model.url}/_offline/log`, { method: 'DELETE' })).status).toBe(204);
    expect(JSON.parse((await get(`${model.url}/_offline/log`)).text)).toEqual([]);
  });
});
