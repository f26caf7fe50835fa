import type { UpstreamConfig } from './upstream.ts';

export interface UpstreamHealth {
  ok: boolean;
  /** What was asked: the endpoint's `/health` (or `/info`), or the Hub's record of the model. */
  checked: string;
  status?: number;
  latencyMs: number;
}

/**
 * Asks the upstream whether it can serve: a TGI endpoint's `/health` (`/info`
 * where a server has no `/health`), or, for the router, whether the Hub lists
 * a live provider for the model. Never throws.
 */
export async function checkUpstream(upstream: UpstreamConfig, timeoutMs = 5000): Promise<UpstreamHealth> {
  const started = Date.now();
  const headers: Record<string, string> = upstream.token ? { Authorization: `Bearer ${upstream.token}` } : {};
  const get = (url: string) => fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  try {
    if (upstream.endpointUrl) {
      const base = upstream.endpointUrl.replace(/\/+$/, '');
      let response = await get(`${base}/health`);
      let checked = '/health';
      if (response.status === 404) {
        await discard(response);
        response = await get(`${base}/info`);
        checked = '/info';
      }
      await discard(response);
      return { ok: response.ok, checked, status: response.status, latencyMs: Date.now() - started };
    }
    const response = await get(`https://huggingface.co/api/models/${upstream.model}?expand[]=inferenceProviderMapping`);
    const body = response.ok
      ? ((await response.json()) as {
          inferenceProviderMapping?: Record<string, { status?: string }> | { status?: string }[];
        })
      : undefined;
    if (!response.ok) await discard(response);
    const mappings = Object.values(body?.inferenceProviderMapping ?? {});
    return {
      ok: mappings.some((mapping) => mapping.status === 'live'),
      checked: 'hub provider mapping',
      status: response.status,
      latencyMs: Date.now() - started,
    };
  } catch {
    return {
      ok: false,
      checked: upstream.endpointUrl ? '/health' : 'hub provider mapping',
      latencyMs: Date.now() - started,
    };
  }
}

/** Reads a body we do not need to its end, which frees the connection for reuse (cancelling drops it). */
async function discard(response: Response): Promise<void> {
  await response.arrayBuffer().catch(() => undefined);
}
