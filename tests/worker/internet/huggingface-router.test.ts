import { describe, expect, it } from 'vitest';
import { allUpstreamRecords, ask, chat, scenario, upstreamRecords } from '../helpers.ts';

describe('with no HF_ENDPOINT_URL the worker uses the Hugging Face router', () => {
  it('a hosted model by name goes to the Hugging Face router (chat)', async () => {
    const { tag, directive } = scenario();
    const result = await chat(ask(`Hi ${directive}`), { PROMPT_FORMAT: 'chat', MODEL: 'tiiuae/Falcon3-7B-Instruct' });
    expect(result.last?.event).toBe('done');
    const [upstream] = await upstreamRecords(tag);
    expect(upstream.headers['x-original-host']).toBe('router.huggingface.co');
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.body.model).toBe('tiiuae/Falcon3-7B-Instruct');
  });

  it('falcon format without an endpoint uses the router’s hf-inference text generation after a cached Hub lookup', async () => {
    const { tag, directive } = scenario();
    const result = await chat(ask(`Hi ${directive}`));
    expect(result.last?.event).toBe('done');
    expect(result.text).toMatch(/offline/i);
    const [generation] = await upstreamRecords(tag);
    expect([generation.headers['x-original-host'], generation.path]).toEqual([
      'router.huggingface.co',
      '/hf-inference/models/tiiuae/falcon-7b-instruct/v1/completions',
    ]);
    // The client library asks the Hub which provider serves the model, then caches the answer in the isolate.
    const hubLookups = async () =>
      (await allUpstreamRecords()).filter((record) => record.path.startsWith('/api/models/'));
    const before = await hubLookups();
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before.map((record) => `${record.headers['x-original-host']} ${record.path}`))).toEqual(
      new Set(['huggingface.co /api/models/tiiuae/falcon-7b-instruct']),
    );
    await chat(ask(`Again ${scenario().directive}`));
    expect(await hubLookups()).toHaveLength(before.length);
  });
});
