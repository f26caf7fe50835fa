/**
 * A miniflare outbound service standing in for the internet services the
 * worker calls, which cannot be reached from here:
 * - the Hugging Face router and Hub: their URLs go to the offline model, which
 *   serves the same paths (marked with `x-original-host`);
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
