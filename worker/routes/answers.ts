import { type Context, Hono } from 'hono';
import { ACCESS_HEADERS } from '../answers/answer-relay.ts';
import { parseHandle } from '../answers/resume-handle.ts';
import { askerOf, passOn } from '../answers/start-answer.ts';
import { ApiError } from '../http/api-error.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import type { ApiErrorCode, ErrorBody } from '../../widget/wire-contract.ts';

/**
 * `GET /api/chat/<handle>?from=<id>` resumes an answer after event `id`;
 * `POST /api/chat/<handle>/stop` cancels it, from any tab that holds the
 * handle. Neither passes the rate limit: they ask no new question. Mounted
 * inside the chat routes, behind the same origin policy.
 */
export const answers = new Hono<WorkerEnv>();

answers.get('/:handle', (c) => {
  const from = c.req.query('from') ?? c.req.header('Last-Event-ID') ?? '0';
  if (!/^\d{1,9}$/.test(from)) {
    throw new ApiError(400, 'invalid_request', 'from must be the id of the last event received (a whole number).');
  }
  return relay(c, `/events?from=${from}`);
});

answers.post('/:handle/stop', (c) => relay(c, '/stop'));

async function relay(c: Context<WorkerEnv>, path: string): Promise<Response> {
  const parsed = parseHandle(c.req.param('handle') ?? '');
  if (!parsed) throw answerNotFound();
  if (!c.req.header('Origin')) {
    throw new ApiError(403, 'origin_required', 'An answer can only be resumed by the page that asked: send Origin.');
  }
  let id: DurableObjectId;
  try {
    id = c.env.ANSWERS.idFromString(parsed.objectId);
  } catch {
    throw answerNotFound();
  }
  const { origin, session } = await askerOf(c);
  const headers: Record<string, string> = { [ACCESS_HEADERS.origin]: origin, [ACCESS_HEADERS.secret]: parsed.secret };
  if (session) headers[ACCESS_HEADERS.session] = session;
  const relayed = await c.env.ANSWERS.get(id).fetch(`https://answer-relay${path}`, {
    method: path === '/stop' ? 'POST' : 'GET',
    headers,
    signal: c.req.raw.signal,
  });
  if (relayed.ok) return passOn(c, relayed);
  const { error } = (await relayed.json()) as ErrorBody;
  throw new ApiError(relayed.status as 403 | 404, error.code as ApiErrorCode, error.message);
}

function answerNotFound(): ApiError {
  return new ApiError(404, 'answer_not_found', 'This answer has expired or never existed. Ask the question again.');
}
