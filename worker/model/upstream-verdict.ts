import type { UpstreamConfig } from './upstream.ts';

/**
 * Where the router lists the models its providers serve; an operator checks a MODEL there
 * (or runs `npm run check:upstream`, which asks the Hub for the model's live providers).
 */
export const ROUTER_MODELS_URL = 'https://router.huggingface.co/v1/models';

/**
 * Model families no Inference Provider serves through the Hugging Face router (its model list
 * holds no Falcon model). Such a model needs its own server: an Inference Endpoint, vLLM or
 * llama.cpp's llama-server, named by HF_ENDPOINT_URL.
 */
const NOT_ON_THE_ROUTER = /^tiiuae\//i;

/**
 * The configurations that cannot answer a single question, each as one sentence that says
 * what is wrong and what to change. Empty when nothing is known to be wrong; whether the
 * upstream really answers is for `checkUpstream` and `npm run check:upstream` to find out.
 */
export function upstreamProblems(upstream: UpstreamConfig): string[] {
  if (upstream.endpointUrl) return [];
  const problems: string[] = [];
  if (upstream.promptFormat === 'falcon') {
    problems.push(
      'PROMPT_FORMAT=falcon needs HF_ENDPOINT_URL: the Hugging Face router has no /v1/completions route. ' +
        'Set HF_ENDPOINT_URL to your Inference Endpoint or server, or set PROMPT_FORMAT=chat with a MODEL the router serves',
    );
  } else if (NOT_ON_THE_ROUTER.test(upstream.model)) {
    problems.push(
      `MODEL=${upstream.model} is not served by any Inference Provider on the Hugging Face router. ` +
        `Deploy it on an Inference Endpoint or your own server and set HF_ENDPOINT_URL, or pick a MODEL listed at ${ROUTER_MODELS_URL}`,
    );
  }
  if (!upstream.token) {
    problems.push(
      'HF_TOKEN is not set, and the Hugging Face router answers no request without one: run `wrangler secret put HF_TOKEN`',
    );
  } else if (!upstream.token.startsWith('hf_')) {
    // @huggingface/inference sends chat through the router only with a Hugging Face token.
    problems.push(
      'HF_TOKEN is not a Hugging Face token (hf_…), and the router takes no other: make one at https://huggingface.co/settings/tokens',
    );
  }
  return problems;
}
