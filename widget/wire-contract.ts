/**
 * The one definition of what travels between the element and the worker:
 * the body of `POST /api/chat`, the events of its SSE answer, and the error
 * codes the worker sends. Types, and one header's name, so importing it costs
 * the element a few bytes; the element, the worker and the tests all import it, and a change
 * here shows up as a type error wherever a copy would have drifted.
 */

/** One turn of the conversation as the worker takes it. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** The body of `POST /api/chat`; omitted settings take the worker's defaults. Unknown fields are ignored. */
export interface ChatRequestBody {
  /** Oldest first; the last one is the visitor's question. */
  messages: ChatTurn[];
  system?: string;
  temperature?: number;
  maxNewTokens?: number;
  /** Where the element keeps the conversation: with persistence the worker waits a while for a reader to come back. */
  persist?: 'none' | 'session' | 'local';
}

/**
 * The header of `POST /api/chat`'s answer that carries its resume handle (also
 * the data of its first event, id 0): a connection cut before that event
 * arrived can still be resumed.
 */
export const ANSWER_HEADER = 'X-Falcon-Answer';

/** The body of `POST /api/session`: a passed Turnstile challenge. */
export interface SessionRequestBody {
  turnstileToken: string;
}

/** The answer to `POST /api/session`; the token goes in `X-Falcon-Session` on each question. */
export interface SessionResponseBody {
  sessionToken: string;
  /** Seconds the token is good for. */
  expiresIn: number;
}

/** Codes of failures before the answer starts, in the JSON error body (`ApiError` in the worker). */
export type ApiErrorCode =
  | 'invalid_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_messages'
  | 'message_too_long'
  | 'system_message_too_long'
  | 'conversation_too_long'
  | 'origin_not_allowed'
  | 'rate_limited'
  | 'session_required'
  | 'session_invalid'
  | 'turnstile_disabled'
  | 'turnstile_failed'
  | 'turnstile_unavailable'
  | 'misconfigured'
  | 'budget_exhausted'
  | 'answer_exists'
  | 'answer_not_found'
  | 'answer_other_origin'
  | 'answer_other_session'
  | 'origin_required'
  | 'budget_unavailable'
  | 'not_found'
  | 'http_error'
  | 'internal_error';

/** Codes of failures of the model upstream, in an error body or the stream's `error` event (`UpstreamError`). */
export type UpstreamErrorCode =
  | 'upstream_auth'
  | 'upstream_quota'
  | 'model_not_found'
  | 'upstream_rejected'
  | 'upstream_rate_limited'
  | 'model_loading'
  | 'upstream_busy'
  | 'upstream_unavailable'
  | 'upstream_unreachable'
  | 'upstream_error'
  | 'upstream_malformed'
  | 'upstream_disconnected'
  | 'upstream_incomplete'
  | 'upstream_timeout'
  | 'answer_timeout';

/** Every code the worker sends. */
export type WorkerErrorCode = ApiErrorCode | UpstreamErrorCode;

/** The one JSON shape of every failure that is not inside a stream. */
export interface ErrorBody {
  error: {
    code: WorkerErrorCode;
    message: string;
    /** Which budget refused (`budget_exhausted`): `day` or `visitor`. */
    scope?: 'day' | 'visitor';
    /**
     * The bound a request went over, as the operator set it (`too_many_messages`, `message_too_long`,
     * `system_message_too_long`, `payload_too_large`): an element asks again within it.
     */
    limit?: number;
  };
}

/** `event: token`: the next piece of the answer. */
export interface TokenData {
  text: string;
}

/** `event: done`: the answer is complete; always the stream's last event. */
export interface DoneData {
  /** `stop`, or `length` when the answer hit its token limit. */
  finishReason: string;
  promptTokens?: number;
  completionTokens?: number;
  /** Oldest turns left out so the conversation fit the model's context. */
  droppedTurns?: number;
}

/** `event: error`: the answer failed after the stream started. `message` is written for visitors. */
export interface ErrorData {
  code: WorkerErrorCode;
  message: string;
  /** Seconds to wait before asking again. */
  retryAfter?: number;
}

/**
 * One SSE event of the answer. `id`, when present, goes out as the event's
 * `id:` line, so a client can say where it left off. Event 0, `answer`, carries
 * the resume handle (see `GET /api/chat/<handle>?from=<id>`); `stopped` says the
 * answer ended by Stop (from any tab) or because nobody was reading it.
 */
export type StreamEvent = { id?: string } & (
  | { event: 'answer'; data: { handle: string } }
  | { event: 'token'; data: TokenData }
  | { event: 'done'; data: DoneData }
  | { event: 'stopped'; data: Record<string, never> }
  | { event: 'error'; data: ErrorData }
);

/** The event names, for readers that switch on them. */
export type StreamEventName = StreamEvent['event'];
