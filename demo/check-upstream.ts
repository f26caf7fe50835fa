/**
 * `npm run check:upstream`: asks the configured upstream one short question with the configured
 * token, exactly as the worker would, and says what works and what to change. Run it before
 * deploying. The configuration is wrangler.toml's [vars], then `.dev.vars`, then the environment
 * (`HF_TOKEN=hf_… npm run check:upstream`); the token is used, never printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ConfigError, readConfig } from '../worker/config.ts';
import { type UpstreamConfig, streamAnswer } from '../worker/model/upstream.ts';
import { UpstreamError, type UpstreamErrorCode } from '../worker/model/upstream-error.ts';
import { ROUTER_MODELS_URL, upstreamProblems } from '../worker/model/upstream-verdict.ts';

/** The settings that decide the upstream; the rest of the worker's variables do not matter here. */
const NAMES = ['HF_ENDPOINT_URL', 'HF_TOKEN', 'MODEL', 'PROMPT_FORMAT'] as const;

/** wrangler.toml's `[vars]`: `NAME = "value"` lines, as the project writes them. */
export function wranglerVars(toml: string): Record<string, string> {
  const section = /^\[vars\]$([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(toml)?.[1] ?? '';
  const vars: Record<string, string> = {};
  for (const [, name, value] of section.matchAll(/^([A-Z_][A-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/gm)) {
    vars[name] = JSON.parse(`"${value}"`);
  }
  return vars;
}

export function configuredVars(
  options: { toml?: string; devVars?: string; env?: NodeJS.ProcessEnv } = {},
): Record<string, string> {
  const toml = options.toml ?? 'wrangler.toml';
  const devVars = options.devVars ?? '.dev.vars';
  const env = options.env ?? process.env;
  const vars = { ...wranglerVars(readFileSync(toml, 'utf8')) };
  if (existsSync(devVars)) Object.assign(vars, parseEnv(readFileSync(devVars, 'utf8')));
  for (const name of NAMES) if (env[name] !== undefined) vars[name] = env[name]!;
  return vars;
}

/** What to change after each failure, in the operator's terms. */
function advice(code: UpstreamErrorCode, upstream: UpstreamConfig): string {
  const router = !upstream.endpointUrl;
  switch (code) {
    case 'upstream_auth':
      return router
        ? 'HF_TOKEN was refused. Create a fine-grained token with "Make calls to Inference Providers" at https://huggingface.co/settings/tokens, then `wrangler secret put HF_TOKEN`.'
        : 'The server refused HF_TOKEN. A protected Inference Endpoint takes a token of its owner or organisation; for your own server, set HF_TOKEN to its API key (llama-server --api-key, vllm --api-key).';
    case 'upstream_quota':
      return 'The account has used up its Inference Providers credits: add credits or a PRO plan, or serve the model yourself (HF_ENDPOINT_URL).';
    case 'model_not_found':
      return router
        ? `No provider serves MODEL=${upstream.model}. Pick a model listed at ${ROUTER_MODELS_URL}, or deploy it yourself and set HF_ENDPOINT_URL (README "Deploying Falcon").`
        : upstream.promptFormat === 'falcon'
          ? 'The server has no /v1/completions for this model. A server that speaks only chat wants PROMPT_FORMAT=chat; check that HF_ENDPOINT_URL is the base URL, without /v1.'
          : 'The server has no /v1/chat/completions for this model: check that HF_ENDPOINT_URL is the base URL, without /v1, and that MODEL is what the server serves.';
    case 'upstream_rejected':
      return upstream.promptFormat === 'chat'
        ? 'The server refused the chat request. A model without a chat template (falcon-7b-instruct on TGI) wants PROMPT_FORMAT=falcon; otherwise check MODEL.'
        : 'The server refused the Falcon prompt: check MODEL and the server log.';
    case 'model_loading':
    case 'upstream_busy':
    case 'upstream_rate_limited':
      return 'The server is starting or busy (an Inference Endpoint scaled to zero takes a few minutes to wake). Run this again in a minute.';
    case 'upstream_unreachable':
      return router
        ? 'The Hugging Face router could not be reached from here: check the network.'
        : `Nothing answered at HF_ENDPOINT_URL=${upstream.endpointUrl}: check the URL and that the server is running.`;
    case 'upstream_malformed':
      return 'The answer was not an event stream: HF_ENDPOINT_URL should be the server base URL (no /v1, no /generate).';
    case 'upstream_timeout':
      return 'No text arrived within 30 s: the server may be overloaded or still loading the model.';
    default:
      return 'The stream failed part way: run this again, and read the server log if it fails again.';
  }
}

/** Runs the check, writing lines to `print`; resolves to the exit code (0: it answers). */
export async function checkConfiguredUpstream(
  vars: Record<string, string>,
  print: (line: string) => void = console.log,
): Promise<number> {
  let upstream: UpstreamConfig;
  try {
    upstream = readConfig(vars as unknown as Env).upstream;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    print(`✗ The configuration cannot be read: ${error.message}.`);
    return 2;
  }
  const where = upstream.endpointUrl ? `HF_ENDPOINT_URL=${upstream.endpointUrl}` : 'the Hugging Face router';
  print(`Upstream: ${where}, MODEL=${upstream.model}, PROMPT_FORMAT=${upstream.promptFormat}`);
  print(`HF_TOKEN: ${upstream.token ? `set (${upstream.token.length} characters)` : 'not set'}`);
  const problems = upstreamProblems(upstream);
  if (problems.length) {
    for (const problem of problems) print(`✗ ${problem}.`);
    print('Nothing was sent: the worker would refuse every question with `misconfigured`.');
    return 1;
  }
  return askOnce(upstream, print);
}

async function askOnce(upstream: UpstreamConfig, print: (line: string) => void): Promise<number> {
  const started = Date.now();
  let status: number | undefined;
  let text = '';
  try {
    const answer = streamAnswer(
      {
        system: 'You are a helpful assistant.',
        turns: [{ role: 'user', content: 'Say hello in one short sentence.' }],
        temperature: 0,
        maxNewTokens: 32,
      },
      upstream,
      new AbortController().signal,
      {
        firstTokenTimeoutMs: 30_000,
        batchMs: 0,
        answerTimeoutMs: 60_000,
        retries: 0,
        retryBaseMs: 0,
        onUpstreamResponse: (s) => (status = s),
      },
    );
    for await (const event of answer) {
      if (event.type === 'text') text += event.text;
      else {
        const tokens = event.completionTokens === undefined ? '' : `, ${event.completionTokens} tokens`;
        print(
          `✓ It answers (HTTP ${status}, ${Date.now() - started} ms, finish ${event.finishReason}${tokens}): ${JSON.stringify(text.trim().slice(0, 120))}`,
        );
        print('This configuration is ready to deploy.');
      }
    }
    return 0;
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const http = error.status === undefined ? '' : ` (HTTP ${error.status})`;
    print(`✗ ${error.code}${http}${text ? ` after ${JSON.stringify(text.slice(0, 60))}` : ''}`);
    // The visitor's sentence says "try again later"; the owner's line below says what to change instead.
    print(`  Visitors would read: "${error.message}"`);
    print(`  What to change: ${advice(error.code, upstream)}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const devVarsFlag = process.argv.indexOf('--dev-vars');
  const devVars = devVarsFlag > 0 ? process.argv[devVarsFlag + 1] : undefined;
  process.exitCode = await checkConfiguredUpstream(configuredVars({ devVars }));
}
