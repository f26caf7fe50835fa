import { Hono } from 'hono';
import type { ErrorBody } from '../widget/wire-contract.ts';
import { ConfigError, readConfig } from './config.ts';
import { ApiError, errorResponse } from './http/api-error.ts';
import { requestIdentity } from './http/request-id.ts';
import type { WorkerEnv } from './http/worker-env.ts';
import { chat } from './routes/chat.ts';
import { health } from './routes/health.ts';
import { session } from './routes/session.ts';

/**
 * The falcon-chat worker: `POST /api/chat` streams answers, `GET /api/health`
 * reports the configuration; every other path is a static asset (the widget
 * script and the demo page) served before this code runs.
 */
const app = new Hono<WorkerEnv>();

app.use('/api/*', requestIdentity());
app.use('/api/*', async function loadConfig(c, next) {
  try {
    c.set('config', readConfig(c.env));
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ApiError(500, 'misconfigured', `The worker is misconfigured: ${error.message}.`);
    throw error;
  }
  await next();
});

app.route('/api/chat', chat);
app.route('/api/health', health);
app.route('/api/session', session);

app.notFound((c) =>
  c.json<ErrorBody>({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
);
app.onError(errorResponse);

export default app;
// Durable Object classes must be exported by the main module.
export { AnswerRelay } from './answers/answer-relay.ts';
export { TokenBudget } from './budget/token-budget.ts';
