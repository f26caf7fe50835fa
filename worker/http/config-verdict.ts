import type { UpstreamConfig } from '../model/upstream.ts';
import { upstreamProblems } from '../model/upstream-verdict.ts';
import { ApiError } from './api-error.ts';
import { logEvent } from './log.ts';

/**
 * The configuration's problems (see `upstreamProblems`), also written to the log, where the
 * operator reads them: a worker that cannot answer says so rather than failing every question.
 */
export function reportUpstreamProblems(upstream: UpstreamConfig, requestId?: string): string[] {
  const problems = upstreamProblems(upstream);
  if (problems.length) logEvent('error', 'misconfigured', { requestId, problems });
  return problems;
}

/** Refuses a chat the configuration cannot answer, with 500 `misconfigured`, before any upstream call. */
export function refuseUnworkableUpstream(upstream: UpstreamConfig, requestId?: string): void {
  const problems = reportUpstreamProblems(upstream, requestId);
  if (problems.length) throw new ApiError(500, 'misconfigured', `The worker is misconfigured: ${problems.join('; ')}.`);
}
