/**
 * A miniflare outbound service: requests for the Hugging Face router and Hub
 * go to the offline model's router-shaped routes (same paths, marked with
 * `x-original-host`), everything else goes where it was going. It lets tests
 * see exactly which URLs the worker uses when no HF_ENDPOINT_URL is set.
 */
export function routerToOfflineModel(offlineModelUrl: string) {
  return async function outbound(request: Request): Promise<Response> {
    const url = new URL(request.url);
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
