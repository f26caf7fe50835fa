import { describe, expect, it } from 'vitest';
import { allUpstreamRecords, ask, callWorkerWith, chat, readAll, scenario, upstreamRecords } from '../helpers.ts';

const health = (vars: Partial<Env>, deep = false) =>
  callWorkerWith(vars, new Request(`https://falcon.example/api/health${deep ? '?deep=1' : ''}`));

describe('with no HF_ENDPOINT_URL the worker uses the Hugging Face router', () => {
  it('the shipped defaults answer: a chat model the router serves (README "Deploying Falcon", recipe c)', async () => {
    const { tag, directive } = scenario();
    const result = await chat(ask(`Hi ${directive}`));
    expect(result.last?.event).toBe('done');
    expect(result.text).toMatch(/offline/i);
    const [upstream] = await upstreamRecords(tag);
    expect(upstream.headers['x-original-host']).toBe('router.huggingface.co');
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.body.model).toBe('Qwen/Qwen2.5-7B-Instruct');

    const response = await health({});
    expect(response.status).toBe(200);
    expect(JSON.parse(await readAll(response))).toMatchObject({ ok: true, promptFormat: 'chat' });
    const deep = await health({}, true);
    expect(JSON.parse(await readAll(deep))).toMatchObject({ ok: true, upstreamHealth: { ok: true } });
  });

  it('refuses the falcon format, which the router cannot serve, before any upstream call, and says why', async () => {
    const vars = { PROMPT_FORMAT: 'falcon', MODEL: 'tiiuae/falcon-7b-instruct' };
    const before = (await allUpstreamRecords()).length;
    const result = await chat(ask(`Hi ${scenario().directive}`), vars);
    expect(result.response.status).toBe(500);
    const { error } = JSON.parse(result.raw);
    expect(error.code).toBe('misconfigured');
    expect(error.message).toContain('PROMPT_FORMAT=falcon needs HF_ENDPOINT_URL');
    expect((await allUpstreamRecords()).length).toBe(before);

    const response = await health(vars);
    expect(response.status).toBe(503);
    const body = JSON.parse(await readAll(response));
    expect(body.ok).toBe(false);
    expect(body.problems[0]).toMatch(/^PROMPT_FORMAT=falcon needs HF_ENDPOINT_URL: the Hugging Face router has no/);
  });

  it('refuses a Falcon chat model on the router, which no provider serves', async () => {
    const vars = { PROMPT_FORMAT: 'chat', MODEL: 'tiiuae/Falcon3-7B-Instruct' };
    const result = await chat(ask(`Hi ${scenario().directive}`), vars);
    expect(JSON.parse(result.raw).error.message).toContain(
      'MODEL=tiiuae/Falcon3-7B-Instruct is not served by any Inference Provider on the Hugging Face router',
    );
    const body = JSON.parse(await readAll(await health(vars)));
    expect(body).toMatchObject({ ok: false, model: 'tiiuae/Falcon3-7B-Instruct' });
  });

  it('a model the router does not serve: the deep health check says so, and a visitor gets a plain error', async () => {
    const vars = { MODEL: 'example-org/not-served-anywhere' };
    const deep = await health(vars, true);
    expect(deep.status).toBe(503);
    expect(JSON.parse(await readAll(deep))).toMatchObject({
      ok: false,
      upstreamHealth: { ok: false, checked: 'hub provider mapping', status: 200 },
    });
    const result = await chat(ask(`Hi ${scenario().directive}`), vars);
    expect(result.last).toMatchObject({ event: 'error', data: { code: 'model_not_found' } });
  });

  it('without HF_TOKEN the router cannot be used, and health says so', async () => {
    const body = JSON.parse(await readAll(await health({ HF_TOKEN: '' })));
    expect(body).toMatchObject({ ok: false, tokenConfigured: false });
    expect(body.problems).toEqual([expect.stringMatching(/^HF_TOKEN is not set/)]);
  });

  it('a token that is not a Hugging Face one cannot reach the router, and health says so', async () => {
    const body = JSON.parse(await readAll(await health({ HF_TOKEN: 'sk-some-other-providers-key' })));
    expect(body).toMatchObject({ ok: false, tokenConfigured: true });
    expect(body.problems).toEqual([expect.stringMatching(/^HF_TOKEN is not a Hugging Face token \(hf_…\)/)]);
  });
});
