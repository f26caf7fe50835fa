/**
 * Which handler a method and path reach: the TGI routes the worker and the
 * byte-exact transcripts use (docs/upstream-protocol.md §1.1). An endpoint the
 * worker is pointed at by HF_ENDPOINT_URL is asked for `/v1/completions` or
 * `/v1/chat/completions`, and for `/health` (`/info` where there is none)
 * before a deploy; `/generate_stream` is TGI's own stream, which the
 * transcripts record.
 */

export type RouteName = 'generate_stream' | 'chat_completions' | 'completions' | 'info' | 'health';

export type RouteMatch = { ok: true; route: RouteName } | { ok: false; status: 404 | 405; allow?: string };

const ROUTES: Record<string, Partial<Record<'GET' | 'POST', RouteName>>> = {
  '/health': { GET: 'health' },
  '/info': { GET: 'info' },
  '/generate_stream': { POST: 'generate_stream' },
  '/v1/chat/completions': { POST: 'chat_completions' },
  '/v1/completions': { POST: 'completions' },
};

export function matchRoute(method: string, path: string): RouteMatch {
  const methods = ROUTES[path];
  if (!methods) return { ok: false, status: 404 };
  const name = methods[method as 'GET' | 'POST'];
  if (name) return { ok: true, route: name };
  return { ok: false, status: 405, allow: Object.keys(methods).join(',') };
}
