/**
 * Which handler a method and path reach: TGI's own routes (docs/upstream-protocol.md §1.1)
 * and the HF-router shapes `/hf-inference/models/{id}[/v1/...]` and
 * `/models/{id}/v1/...` (§2.1), where the path names the served model.
 */

export type RouteName =
  | 'compat'
  | 'generate'
  | 'generate_stream'
  | 'chat_completions'
  | 'completions'
  | 'info'
  | 'health'
  | 'models'
  | 'hub_model';

export interface Route {
  name: RouteName;
  /** The model named by a router-shaped path. */
  pathModel?: string;
}

export type RouteMatch = { ok: true; route: Route } | { ok: false; status: 404 | 405; allow?: string };

const TGI_ROUTES: Record<string, Partial<Record<'GET' | 'POST', RouteName>>> = {
  '/': { GET: 'health', POST: 'compat' },
  '/health': { GET: 'health' },
  '/ping': { GET: 'health' },
  '/info': { GET: 'info' },
  '/v1/models': { GET: 'models' },
  '/generate': { POST: 'generate' },
  '/generate_stream': { POST: 'generate_stream' },
  '/v1/chat/completions': { POST: 'chat_completions' },
  '/v1/completions': { POST: 'completions' },
};

const ROUTER_PATH = /^\/(?:hf-inference\/)?models\/([^/]+(?:\/[^/]+)?)(\/v1\/completions|\/v1\/chat\/completions)?\/?$/;
const ROUTER_ROUTES: Record<string, RouteName> = {
  '': 'compat',
  '/v1/completions': 'completions',
  '/v1/chat/completions': 'chat_completions',
};

/** The Hub's model API, which `@huggingface/inference` asks for a model's provider mapping (§2.1, §7). */
const HUB_MODEL_PATH = /^\/api\/models\/([^/]+\/[^/]+|[^/]+)$/;

export function matchRoute(method: string, path: string): RouteMatch {
  const hub = HUB_MODEL_PATH.exec(path);
  if (hub) {
    if (method !== 'GET') return { ok: false, status: 405, allow: 'GET' };
    return { ok: true, route: { name: 'hub_model', pathModel: decodeOrKeep(hub[1]) } };
  }
  const methods = TGI_ROUTES[path];
  if (methods) {
    const name = methods[method as 'GET' | 'POST'];
    if (name) return { ok: true, route: { name } };
    return { ok: false, status: 405, allow: Object.keys(methods).join(',') };
  }
  const router = ROUTER_PATH.exec(path);
  if (router) {
    if (method !== 'POST') return { ok: false, status: 405, allow: 'POST' };
    return { ok: true, route: { name: ROUTER_ROUTES[router[2] ?? ''], pathModel: decodeOrKeep(router[1]) } };
  }
  return { ok: false, status: 404 };
}

function decodeOrKeep(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
