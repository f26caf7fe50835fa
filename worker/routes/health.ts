import { Hono } from 'hono';
import { countRequest } from '../http/rate-limit.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { reportUpstreamProblems } from '../http/config-verdict.ts';
import { checkUpstreamShared } from '../model/upstream-health.ts';

/**
 * `GET /api/health`: liveness plus the configuration's non-secret facts;
 * `?deep=1` also asks the upstream (rate-limited, and shared for 30 s).
 */
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
  // A configuration that cannot answer is reported as it is, deep or not, without asking the upstream.
  const problems = reportUpstreamProblems(upstream, c.get('requestId'));
  if (problems.length) return c.json({ ok: false, ...facts, problems }, 503);
  if (c.req.query('deep') !== '1') return c.json({ ok: true, ...facts });
  await countRequest(c, 'health');
  const upstreamHealth = await checkUpstreamShared(upstream);
  return c.json({ ok: upstreamHealth.ok, ...facts, upstreamHealth }, upstreamHealth.ok ? 200 : 503);
});
