import { describe, expect, it } from 'vitest';
import { ask, callWorkerWith, chat, readAll, scenario, upstreamRecords } from './helpers.ts';

// README "Deploying Falcon": each recipe's configuration against the offline model speaking
// that server's flavour. (Recipe c, the router, runs with the router stand-in: tests/worker/internet/.)
const health = async (vars: Partial<Env>) =>
  JSON.parse(await readAll(await callWorkerWith(vars, new Request('https://falcon.example/api/health'))));

describe('recipe a: a Hugging Face Inference Endpoint running Falcon-7B-Instruct (PROMPT_FORMAT=falcon)', () => {
  it('on the TGI engine: the Falcon prompt goes to {endpoint}/v1/completions and the answer streams', async () => {
    const { tag, directive } = scenario();
    const result = await chat(ask(`Hi ${directive}`), { PROMPT_FORMAT: 'falcon' });
    expect(result.last).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    expect(result.text).toMatch(/offline demo model/i);
    const [upstream] = await upstreamRecords(tag);
    expect(upstream.path).toBe('/v1/completions');
    expect(upstream.body.prompt).toMatch(/^System:.*\nUser: Hi @offline\(.*\)\nAssistant:$/s);
    expect(await health({ PROMPT_FORMAT: 'falcon' })).toMatchObject({ ok: true, upstream: 'endpoint' });
  });

  it('on the vLLM engine: the same configuration answers the same text', async () => {
    const { url } = scenario({ flavour: 'vllm' });
    const reference = await chat(ask('Same?'), { PROMPT_FORMAT: 'falcon' });
    const vllm = await chat(ask('Same?'), { PROMPT_FORMAT: 'falcon', HF_ENDPOINT_URL: url });
    expect(vllm.last).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    expect(vllm.text).toBe(reference.text);
  });
});

describe('recipe b: your own vLLM or llama-server with Falcon3-7B-Instruct or Falcon-H1 (PROMPT_FORMAT=chat)', () => {
  const vars = (url: string, model: string) => ({ HF_ENDPOINT_URL: url, PROMPT_FORMAT: 'chat', MODEL: model });

  it('llama-server: chat messages to {url}/v1/chat/completions, its stream read to the end with its usage', async () => {
    const { url, tag } = scenario({ flavour: 'llamacpp' });
    const reference = await chat(ask('Same?'), { PROMPT_FORMAT: 'chat' });
    const result = await chat(ask('Same?'), vars(url, 'tiiuae/Falcon3-7B-Instruct-GGUF'));
    expect(result.last).toMatchObject({
      event: 'done',
      data: { finishReason: 'stop', promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
    });
    expect(result.text).toBe(reference.text);
    const [upstream] = await upstreamRecords(tag);
    expect(upstream.path).toMatch(/\/v1\/chat\/completions$/);
    expect(upstream.body.model).toBe('tiiuae/Falcon3-7B-Instruct-GGUF');
  });

  it('llama-server failing mid-answer: the visitor keeps the text so far and gets an error event', async () => {
    const { url } = scenario({ flavour: 'llamacpp', fault: 'midstream-error', after: 3 });
    const result = await chat(ask('Hi'), vars(url, 'tiiuae/Falcon3-7B-Instruct-GGUF'));
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.last).toMatchObject({ event: 'error', data: { code: 'upstream_error' } });
  });

  it('vLLM serving Falcon-H1: the same answer', async () => {
    const { url } = scenario({ flavour: 'vllm' });
    const reference = await chat(ask('Same?'), { PROMPT_FORMAT: 'chat' });
    const result = await chat(ask('Same?'), vars(url, 'tiiuae/Falcon-H1-7B-Instruct'));
    expect(result.last).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    expect(result.text).toBe(reference.text);
    expect(await health(vars(url, 'tiiuae/Falcon-H1-7B-Instruct'))).toMatchObject({ ok: true });
  });
});
