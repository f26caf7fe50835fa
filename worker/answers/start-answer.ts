import type { Context } from 'hono';
import { verifySession } from '../http/session-token.ts';
import { SESSION_HEADER } from '../http/visitor-gate.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { ANSWER_HEADER } from '../../widget/wire-contract.ts';
import type { AnswerPlan } from './answer-plan.ts';
import { relayDirectly } from './direct-relay.ts';
import { hashSecret, newSecret } from './resume-handle.ts';

/** Who asked: the page's origin and, with the bot check on, the session's id (the gate has checked the token). */
export async function askerOf(c: Context<WorkerEnv>): Promise<{ origin: string; session?: string }> {
  const config = c.get('config');
  const origin = c.req.header('Origin') ?? '';
  if (!config.turnstileSecret) return { origin };
  const token = c.req.header(SESSION_HEADER) ?? '';
  return { origin, session: (await verifySession(config.sessionSecret, token, origin))?.sub };
}

/**
 * Hands the answer to a new Durable Object of its own, created near this
 * worker, and returns its event stream. The handle is the object's id and a
 * fresh secret, bound to the asking origin (and session).
 */
export async function startAnswer(
  c: Context<WorkerEnv>,
  plan: Omit<AnswerPlan, 'access' | 'handle' | 'graceMs'>,
): Promise<Response> {
  if (!c.env.ANSWERS) return relayDirectly(c, plan);
  const id = c.env.ANSWERS.newUniqueId();
  const secret = newSecret();
  const handle = `${id.toString()}.${secret}`;
  const access = { ...(await askerOf(c)), secretHash: await hashSecret(secret) };
  const full: AnswerPlan = { ...plan, access, handle, graceMs: c.get('config').resumeGraceMs };
  const relayed = await c.env.ANSWERS.get(id).fetch('https://answer-relay/start', {
    method: 'POST',
    body: JSON.stringify(full),
    signal: c.req.raw.signal,
  });
  c.header(ANSWER_HEADER, handle);
  return passOn(c, relayed);
}

/**
 * The object's response with the worker's own headers (request id, CORS). Its
 * body is handed on untouched: when the visitor goes, the runtime cancels it,
 * and the object sees its reader leave (the request's signal, passed to the
 * object's fetch, covers a visitor whose request is aborted first).
 */
export function passOn(c: Context<WorkerEnv>, relayed: Response): Response {
  for (const [name, value] of relayed.headers) c.header(name, value);
  return relayed.body ? c.body(relayed.body, relayed.status as 200) : c.body(null, relayed.status as 204);
}
