import { en, errorSentence } from './strings.ts';

/**
 * What went wrong, in the element's own terms: stable for host pages whatever
 * the worker calls it, and each one has a sentence in `strings.errors`.
 */
export type ChatErrorCode =
  | 'network'
  | 'connection-lost'
  | 'timeout'
  | 'rate-limited'
  | 'busy'
  | 'bad-request'
  | 'too-large'
  | 'forbidden'
  | 'server';

export interface ChatErrorDetails {
  /** The worker's own code, e.g. `upstream_rate_limited`, when it sent one. */
  serverCode?: string;
  /** The worker's own message: for the site owner's console, not always for visitors. */
  serverMessage?: string;
  /** How long the service asked us to wait before trying again. */
  retryAfterSeconds?: number;
  /** Shown instead of the element's sentence for `code` (a message the worker wrote for visitors). */
  visitorMessage?: string;
}

/** A failed answer. `message` is what the visitor reads (in English; the element shows its own locale's sentence). */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly serverCode?: string;
  readonly serverMessage?: string;
  readonly retryAfterSeconds?: number;
  /** The worker's sentence, when the element has none of its own for this code. */
  readonly visitorMessage?: string;

  constructor(
    readonly code: ChatErrorCode,
    { serverCode, serverMessage, retryAfterSeconds, visitorMessage }: ChatErrorDetails = {},
  ) {
    super(visitorMessage ?? errorSentence(en, code, retryAfterSeconds));
    this.serverCode = serverCode;
    this.serverMessage = serverMessage;
    this.retryAfterSeconds = retryAfterSeconds;
    this.visitorMessage = visitorMessage;
  }
}

/**
 * The worker's codes that the element has its own (translated) words for,
 * in a stream's `event: error` or an HTTP error body. Codes not listed here
 * keep the worker's own message for visitors.
 */
const SERVER_CODES: Record<string, ChatErrorCode> = {
  rate_limited: 'rate-limited',
  upstream_rate_limited: 'rate-limited',
  model_loading: 'busy',
  upstream_busy: 'busy',
  upstream_disconnected: 'connection-lost',
  upstream_incomplete: 'connection-lost',
  timeout: 'timeout',
  first_token_timeout: 'timeout',
  upstream_timeout: 'timeout',
  answer_timeout: 'timeout',
  invalid_request: 'bad-request',
  upstream_rejected: 'bad-request',
  message_too_long: 'bad-request',
  system_message_too_long: 'bad-request',
  payload_too_large: 'too-large',
  too_many_messages: 'too-large',
  conversation_too_long: 'too-large',
  origin_not_allowed: 'forbidden',
  // A resume the worker refuses: the answer is gone (its retention is over) or belongs to another page.
  answer_not_found: 'connection-lost',
  answer_other_origin: 'forbidden',
  answer_other_session: 'forbidden',
  origin_required: 'forbidden',
  upstream_error: 'server',
  upstream_malformed: 'server',
  upstream_unreachable: 'server',
  upstream_unavailable: 'server',
};

function knownCode(serverCode: string | undefined): ChatErrorCode | undefined {
  return serverCode !== undefined && Object.hasOwn(SERVER_CODES, serverCode) ? SERVER_CODES[serverCode] : undefined;
}

/**
 * An `event: error` from the stream. Its message was written for visitors, so
 * it is shown as is when the code is one the element has no words for.
 */
export function errorFromStreamEvent(data: unknown): ChatError {
  const { code, message, retryAfter } = isRecord(data) ? data : {};
  const serverCode = typeof code === 'string' ? code : undefined;
  const serverMessage = typeof message === 'string' && message.trim() ? message : undefined;
  const known = knownCode(serverCode);
  return new ChatError(known ?? 'server', {
    serverCode,
    serverMessage,
    retryAfterSeconds: wholeSeconds(retryAfter),
    visitorMessage: known ? undefined : serverMessage,
  });
}

/** A non-2xx answer before streaming, classified by its status (stable even if codes change). */
export async function errorFromResponse(response: Response): Promise<ChatError> {
  const { error } = await response.json().catch(() => ({}) as Record<string, unknown>);
  const details: ChatErrorDetails = {
    serverCode: isRecord(error) && typeof error.code === 'string' ? error.code : undefined,
    serverMessage: isRecord(error) && typeof error.message === 'string' ? error.message : undefined,
    retryAfterSeconds: parseRetryAfter(response.headers.get('Retry-After')),
  };
  const known = knownCode(details.serverCode);
  return new ChatError(known ?? codeForStatus(response.status), details);
}

function codeForStatus(status: number): ChatErrorCode {
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'busy';
  if (status === 403 || status === 401) return 'forbidden';
  if (status === 504 || status === 408) return 'timeout';
  if (status === 413 || status === 422) return 'too-large';
  if (status === 400 || status === 415) return 'bad-request';
  return 'server';
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = wholeSeconds(Number(header));
  if (seconds !== undefined) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : wholeSeconds((date - Date.now()) / 1000);
}

function wholeSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
