/**
 * A miniflare outbound service standing in for the internet services the
 * worker calls, which cannot be reached from here:
 * - the Hugging Face router: its URLs go to the offline model, which serves the
 *   same OpenAI-compatible paths (marked with `x-original-host`), for the models
 *   in ROUTER_MODELS; any other model is answered as the router answers a model
 *   no provider serves (a 400 for chat, a 404 on hf-inference), and the router's
 *   root has no `/v1/completions`;
 * - the Hub's model record: a live hf-inference mapping for ROUTER_MODELS, an
 *   empty one for any other model;
 * - Turnstile's siteverify: answered as Cloudflare documents for its test
 *   secret keys (always passes, always fails, already spent), plus a response
 *   token `simulate-outage` that makes it fail with 503.
 * Everything else goes where it was going.
 */
const TURNSTILE_TEST_SECRETS: Record<string, { success: boolean; 'error-codes': string[] }> = {
  '1x0000000000000000000000000000000AA': { success: true, 'error-codes': [] },
  '2x0000000000000000000000000000000AA': { success: false, 'error-codes': ['invalid-input-response'] },
  '3x0000000000000000000000000000000AA': { success: false, 'error-codes': ['timeout-or-duplicate'] },
};

/** The models the stand-in router's providers serve (the real router serves no Falcon model). */
export const ROUTER_MODELS = new Set(['Qwen/Qwen2.5-7B-Instruct', 'HuggingFaceH4/zephyr-7b-beta']);

/** The Hub's answer, or the router's own refusal of a request for a model no provider serves, or undefined. */
async function routerRefusal(url: URL, request: Request): Promise<Response | undefined> {
  if (url.hostname === 'huggingface.co') {
    const model = /^\/api\/models\/(.+)$/.exec(url.pathname)?.[1];
    if (!model) return undefined;
    const live = { status: 'live', providerId: model, task: 'conversational' };
    return Response.json({
      id: model,
      inferenceProviderMapping: ROUTER_MODELS.has(model) ? { 'hf-inference': live } : {},
    });
  }
  if (url.pathname === '/v1/completions') return new Response('Not Found', { status: 404 });
  const pathModel = /^\/hf-inference\/models\/([^/]+\/[^/]+)/.exec(url.pathname)?.[1];
  if (pathModel) return ROUTER_MODELS.has(pathModel) ? undefined : new Response('Not Found', { status: 404 });
  if (url.pathname === '/v1/chat/completions') {
    const { model } = (await request.clone().json()) as { model?: string };
    if (model && !ROUTER_MODELS.has(model)) {
      const message = `The requested model '${model}' is not supported by any provider you have enabled.`;
      return Response.json({ error: { message } }, { status: 400 });
    }
  }
  return undefined;
}

export function internetStandIns(offlineModelUrl: string) {
  return async function outbound(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.hostname === 'challenges.cloudflare.com' && url.pathname === '/turnstile/v0/siteverify') {
      const form = await request.formData();
      if (form.get('response') === 'simulate-outage') return new Response('upstream unavailable', { status: 503 });
      const verdict = TURNSTILE_TEST_SECRETS[String(form.get('secret'))] ?? {
        success: false,
        'error-codes': ['invalid-input-secret'],
      };
      return Response.json(verdict);
    }
    const headers = new Headers(request.headers);
    let target = url;
    if (url.hostname === 'router.huggingface.co' || url.hostname === 'huggingface.co') {
      const refusal = await routerRefusal(url, request);
      if (refusal) return refusal;
      target = new URL(url.pathname + url.search, offlineModelUrl);
      headers.set('x-original-host', url.hostname);
    }
    return fetch(target, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer(),
    });
  };
}
