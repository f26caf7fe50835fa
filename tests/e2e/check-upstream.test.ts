import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';
import { TEST_HF_TOKEN } from '../support/test-token.ts';

// `npm run check:upstream` as an operator runs it, before deploying: one question to the
// configured upstream, then what works and what to change. Against the offline model in each
// server's flavour, and against the router stand-in (loaded with --import in place of the internet).
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../support/router-stand-in-preload.ts', import.meta.url));
let model: OfflineModel;
let guarded: OfflineModel;

beforeAll(async () => {
  model = await startOfflineModel({ port: 0, quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
  guarded = await startOfflineModel({ port: 0, quiet: true, apiKey: 'the-servers-own-key' });
});
afterAll(async () => {
  await model?.close();
  await guarded?.close();
});

function checkUpstream(vars: Record<string, string>, { router = false } = {}) {
  const args = ['--import', 'tsx', ...(router ? ['--import', PRELOAD] : []), 'demo/check-upstream.ts'];
  // No .dev.vars of the machine running the tests: only wrangler.toml and `vars`.
  args.push('--dev-vars', 'no-such-file');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, OFFLINE_MODEL_URL: model.url, ...vars };
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: repoRoot, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('npm run check:upstream', () => {
  it('recipe a: an Inference Endpoint running Falcon on TGI, with the falcon format, answers', async () => {
    const { code, output } = await checkUpstream({
      HF_ENDPOINT_URL: model.url,
      PROMPT_FORMAT: 'falcon',
      MODEL: 'tiiuae/falcon-7b-instruct',
      HF_TOKEN: TEST_HF_TOKEN,
    });
    expect(output).toContain(
      `Upstream: HF_ENDPOINT_URL=${model.url}, MODEL=tiiuae/falcon-7b-instruct, PROMPT_FORMAT=falcon`,
    );
    expect(output).toMatch(/✓ It answers \(HTTP 200, \d+ ms, finish (stop|length)/);
    expect(output).toContain('This configuration is ready to deploy.');
    expect(output).not.toContain(TEST_HF_TOKEN);
    expect(code).toBe(0);
  });

  it('recipe b: llama-server with Falcon3, with the chat format, answers', async () => {
    const { code, output } = await checkUpstream({
      HF_ENDPOINT_URL: `${model.url}/scenario/flavour=llamacpp`,
      PROMPT_FORMAT: 'chat',
      MODEL: 'tiiuae/Falcon3-7B-Instruct-GGUF',
    });
    expect(output).toMatch(/HF_TOKEN: not set\n✓ It answers \(HTTP 200, \d+ ms, finish (stop|length), \d+ tokens\)/);
    expect(code).toBe(0);
  });

  it('recipe c: the shipped defaults through the router stand-in answer with a token', async () => {
    const { code, output } = await checkUpstream({ HF_TOKEN: TEST_HF_TOKEN }, { router: true });
    expect(output).toContain('Upstream: the Hugging Face router, MODEL=Qwen/Qwen2.5-7B-Instruct, PROMPT_FORMAT=chat');
    expect(output).toContain('✓ It answers');
    expect(code).toBe(0);
  });

  it('the shipped defaults without a token: nothing is sent, and it says what to run', async () => {
    const { code, output } = await checkUpstream({});
    expect(output).toContain('✗ HF_TOKEN is not set');
    expect(output).toContain('wrangler secret put HF_TOKEN');
    expect(code).toBe(1);
  });

  it('the old default, the falcon format on the router, is named impossible before anything is sent', async () => {
    const { code, output } = await checkUpstream({
      PROMPT_FORMAT: 'falcon',
      MODEL: 'tiiuae/falcon-7b-instruct',
      HF_TOKEN: TEST_HF_TOKEN,
    });
    expect(output).toContain('✗ PROMPT_FORMAT=falcon needs HF_ENDPOINT_URL');
    expect(output).toContain('Nothing was sent');
    expect(code).toBe(1);
  });

  it('a model no provider serves: the router’s refusal and where to pick another', async () => {
    const { code, output } = await checkUpstream(
      { HF_TOKEN: TEST_HF_TOKEN, MODEL: 'example-org/not-served-anywhere' },
      { router: true },
    );
    expect(output).toContain('✗ model_not_found (HTTP 400)\n  Visitors would read: "The chat model is not available');
    expect(output).toContain('Pick a model listed at https://router.huggingface.co/v1/models');
    expect(code).toBe(1);
  });

  it('a server that refuses the token says which token it wants', async () => {
    const { code, output } = await checkUpstream({
      HF_ENDPOINT_URL: guarded.url,
      PROMPT_FORMAT: 'falcon',
      HF_TOKEN: 'hf_wrong_token_for_this_server',
    });
    expect(output).toContain('✗ upstream_auth (HTTP 401)');
    expect(output).toContain('The server refused HF_TOKEN');
    expect(code).toBe(1);
  });

  it('a TGI endpoint without a chat template, asked with the chat format, is told to use the falcon format', async () => {
    const { code, output } = await checkUpstream({
      HF_ENDPOINT_URL: `${model.url}/scenario/fault=http-422-template`,
      PROMPT_FORMAT: 'chat',
    });
    expect(output).toMatch(/✗ upstream_rejected \(HTTP 422\)/);
    expect(output).toContain('wants PROMPT_FORMAT=falcon');
    expect(code).toBe(1);
  });

  it('nothing listening at HF_ENDPOINT_URL', async () => {
    const { code, output } = await checkUpstream({ HF_ENDPOINT_URL: 'http://127.0.0.1:9', PROMPT_FORMAT: 'chat' });
    expect(output).toContain('✗ upstream_unreachable');
    expect(output).toContain('Nothing answered at HF_ENDPOINT_URL=http://127.0.0.1:9');
    expect(code).toBe(1);
  });
});
