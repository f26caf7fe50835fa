import { describe, expect, it } from 'vitest';
import { TEST_HF_TOKEN } from '../support/test-token.ts';
import { ask, chat, scenario, upstreamRecords } from './helpers.ts';

describe('the other upstreams a site owner may have', () => {
  it('PROMPT_FORMAT=chat sends structured messages to {endpoint}/v1/chat/completions', async () => {
    const { tag, directive } = scenario();
    const result = await chat(
      {
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: `More ${directive}` },
        ],
        system: 'Be kind.',
      },
      { PROMPT_FORMAT: 'chat', MODEL: 'HuggingFaceH4/zephyr-7b-beta' },
    );
    expect(result.last).toMatchObject({
      event: 'done',
      data: { finishReason: 'stop', completionTokens: expect.any(Number) },
    });
    expect(result.text).toMatch(/offline/i);
    expect(result.text).not.toMatch(/^\s/);

    const [upstream] = await upstreamRecords(tag);
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.headers.authorization).toBe(`Bearer ${TEST_HF_TOKEN}`);
    expect(upstream.body).toMatchObject({
      model: 'HuggingFaceH4/zephyr-7b-beta',
      stream: true,
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: `More ${directive}` },
      ],
    });
  });

  it('PROMPT_FORMAT=chat against a vLLM-style OpenAI-compatible server', async () => {
    const { url } = scenario({ flavour: 'vllm' });
    const reference = await chat(ask('Same?'), { PROMPT_FORMAT: 'chat' });
    const vllm = await chat(ask('Same?'), { PROMPT_FORMAT: 'chat', HF_ENDPOINT_URL: url });
    expect(vllm.text).toBe(reference.text);
    expect(vllm.last).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
  });
});
