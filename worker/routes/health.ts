import { Hono } from 'hono';
import type { WorkerEnv } from '../http/worker-env.ts';
import { checkUpstream } from '../model/upstream-health.ts';

/** `GET /api/health`: liveness plus the configuration's non-secret facts; `?deep=1` also asks the upstream. */
export const health = new Hono<WorkerEnv>();

health.get('/', async (c) => {
  const { upstream, allowedOrigins, turnstileSecret } = c.get('config');
  const facts = {
    model: upstream.model,
    promptFormat: upstream.promptFormat,
    upstream: upstream.endpointUrl ? 'endpoint' : 'huggingface-router',
    tokenConfigured: upstream.token !== '',
    allowedOrigins: allowedOrigins === '*' ? '*' : allowedOrigins.length,
    botCheck: turnstileSecret !== '',
  };
  if (c.req.query('deep') !== '1') return c.json({ ok: true, ...facts });
  const upstreamHealth = await checkUpstream(upstream);
  return c.json({ ok: upstreamHealth.ok, ...facts, upstreamHealth }, upstreamHealth.ok ? 200 : 503);
});
