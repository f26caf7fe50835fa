import { describe, expect, it } from 'vitest';
import { ask, chat, scenario, upstreamRecords } from '../helpers.ts';

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

  it('falcon format without an endpoint uses the router’s hf-inference text generation, without a Hub lookup', async () => {
    const { tag, directive } = scenario();
    const result = await chat(ask(`Hi ${directive}`), undefined);
    expect(result.last?.event).toBe('done');
    const calls = await upstreamRecords(tag);
    expect(calls.map((call) => [call.headers['x-original-host'], call.path])).toEqual([
      ['router.huggingface.co', '/hf-inference/models/tiiuae/falcon-7b-instruct/v1/completions'],
    ]);
  });
});
