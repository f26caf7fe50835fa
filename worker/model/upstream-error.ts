import type { UpstreamErrorCode } from '../../widget/wire-contract.ts';

export type { UpstreamErrorCode };

/** Words a visitor understands; never the upstream's own text, which may carry internals. */
const VISITOR_MESSAGES: Record<UpstreamErrorCode, string> = {
  upstream_auth: 'The chat service is not set up correctly right now. Please try again later.',
  upstream_quota: 'The chat service has used up its allowance for now. Please try again later.',
  model_not_found: 'The chat model is not available right now. Please try again later.',
  upstream_rejected: 'The model could not answer this conversation. Try a shorter or different question.',
  upstream_rate_limited: 'The model is getting too many questions right now. Please try again in a moment.',
  model_loading: 'The model is starting up. Please try again in a moment.',
  upstream_busy: 'The model is busy right now. Please try again in a moment.',
  upstream_unavailable: 'The model is not responding properly right now. Please try again.',
  upstream_unreachable: 'The model could not be reached. Please try again.',
  upstream_error: 'The model ran into a problem while answering. Please try again.',
  upstream_malformed: 'The model sent an answer that could not be read. Please try again.',
  upstream_disconnected: 'The connection to the model was lost before the answer was finished.',
  upstream_incomplete: 'The answer was cut off before it was finished.',
  upstream_timeout: 'The model took too long to start answering. Please try again.',
  answer_timeout: 'The answer took too long and was stopped.',
};

/** A failure of the model upstream, already translated for the visitor. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';

  constructor(
    readonly code: UpstreamErrorCode,
    /** The upstream's HTTP status, for logs; 200 for an error inside a stream. */
    readonly status?: number,
    /** Seconds the upstream asked us to wait (Retry-After or `estimated_time`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(VISITOR_MESSAGES[code]);
  }
}
