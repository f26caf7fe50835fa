import type { Context } from 'hono';
import { answerStream } from '../http/answer-stream.ts';
import { logEvent } from '../http/log.ts';
import type { WorkerEnv } from '../http/worker-env.ts';
import { meterAnswer } from '../budget/reserve-budget.ts';
import { streamAnswer } from '../model/upstream.ts';
import type { AnswerPlan } from './answer-plan.ts';

/**
 * The answer relayed straight from the upstream to the one visitor who asked,
 * for a deploy without the `ANSWERS` Durable Object binding: nothing to resume,
 * and leaving cancels at once. The benchmarks measure the object's hop against it.
 */
export function relayDirectly(
  c: Context<WorkerEnv>,
  plan: Omit<AnswerPlan, 'access' | 'handle' | 'graceMs'>,
): Response {
  let upstreamStatus: number | undefined;
  const upstream = new AbortController();
  const unmetered = streamAnswer(plan.request, plan.upstream, AbortSignal.any([c.req.raw.signal, upstream.signal]), {
    ...plan.policy,
    onUpstreamResponse: (status) => {
      upstreamStatus = status;
    },
  });
  const answer = meterAnswer(unmetered, plan.budget, c.env.BUDGETS, (work) => c.executionCtx.waitUntil(work));
  c.header('Content-Type', 'text/event-stream');
  c.header('Cache-Control', 'no-cache');
  return c.body(
    answerStream(answer, {
      heartbeatMs: plan.heartbeatMs,
      upstream,
      doneExtras: plan.doneExtras,
      keepText: plan.keepText,
      onEnd: (outcome) =>
        logEvent(outcome.status === 'error' ? 'warn' : 'info', 'answer', {
          ...plan.log,
          ...outcome,
          durationMs: Date.now() - plan.log.receivedAt,
          upstreamStatus,
        }),
    }),
  );
}
