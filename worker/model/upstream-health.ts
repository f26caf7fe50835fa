import { discardBody, readAtMost } from './bounded-body.ts';
import type { UpstreamConfig } from './upstream.ts';

export interface UpstreamHealth {
  ok: boolean;
  /** What was asked: the endpoint's `/health` (or `/info`), or the Hub's record of the model. */
  checked: string;
  status?: number;
  latencyMs: number;
  /** How old this result is: checks are shared for `HEALTH_CACHE_MS`. */
  ageMs?: number;
}

/** How long one upstream check answers every deep health request of this isolate. */
export const HEALTH_CACHE_MS = 30_000;

interface SharedCheck {
  key: string;
  startedAt: number;
  /** Set when the check has finished; a plain value, never a promise (see below). */
  result?: UpstreamHealth;
}

let shared: SharedCheck | undefined;

/**
 * `checkUpstream`, at most once per `HEALTH_CACHE_MS` per isolate and
 * configuration: a token-bearing request on every anonymous health call would
 * keep a scale-to-zero endpoint awake and spend the owner's quota. A caller
 * that arrives while another request's check is under way waits for its result
 * by polling: awaiting a promise made in another request hangs for good when
 * that request is cancelled (workerd drops its continuations).
 */
export async function checkUpstreamShared(upstream: UpstreamConfig, timeoutMs = 5000): Promise<UpstreamHealth> {
  const key = JSON.stringify([upstream.endpointUrl, upstream.model, upstream.token]);
  const entry = shared;
  if (!entry || entry.key !== key || Date.now() - entry.startedAt >= HEALTH_CACHE_MS) {
    const mine: SharedCheck = { key, startedAt: Date.now() };
    shared = mine;
    mine.result = await checkUpstream(upstream, timeoutMs);
    return { ...mine.result, ageMs: 0 };
  }
  while (entry.result === undefined && Date.now() - entry.startedAt < timeoutMs + 1000) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (entry.result === undefined) {
    // The request that started it went away mid-check: this one checks afresh.
    if (shared === entry) shared = undefined;
    return checkUpstreamShared(upstream, timeoutMs);
  }
  return { ...entry.result, ageMs: Date.now() - entry.startedAt };
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
        await discardBody(response);
        response = await get(`${base}/info`);
        checked = '/info';
      }
      await discardBody(response);
      return { ok: response.ok, checked, status: response.status, latencyMs: Date.now() - started };
    }
    const response = await get(`https://huggingface.co/api/models/${upstream.model}?expand[]=inferenceProviderMapping`);
    const body = response.ok ? await hubRecord(response) : undefined;
    if (!response.ok) await discardBody(response);
    const mappings: unknown[] = Object.values(
      isRecord(body?.inferenceProviderMapping) ? body.inferenceProviderMapping : {},
    );
    return {
      ok: mappings.some((mapping) => isRecord(mapping) && mapping.status === 'live'),
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

/** The Hub's model record, read to at most `MAX_SIDE_BODY_BYTES`; undefined when longer or not JSON. */
async function hubRecord(response: Response): Promise<Record<string, unknown> | undefined> {
  const bytes = await readAtMost(response.body);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
