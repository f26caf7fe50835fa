import { Hono } from 'hono';
import type { WorkerEnv } from '../http/worker-env.ts';

/** `GET /api/health`: liveness plus the configuration's non-secret facts. */
export const health = new Hono<WorkerEnv>();

health.get('/', (c) => {
  const { upstream, allowedOrigins } = c.get('config');
  return c.json({
    ok: true,
    model: upstream.model,
    promptFormat: upstream.promptFormat,
    upstream: upstream.endpointUrl ? 'endpoint' : 'huggingface-router',
    tokenConfigured: upstream.token !== '',
    allowedOrigins: allowedOrigins === '*' ? '*' : allowedOrigins.length,
  });
});
