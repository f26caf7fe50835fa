import { strings } from './strings.ts';

/**
 * What went wrong, in the element's own terms: stable for host pages whatever
 * the worker calls it, and each one has a sentence in `strings.errors`.
 */
export type ChatErrorCode =
  | 'network'
  | 'connection-lost'
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

/** A failed answer. `message` is what the visitor reads. */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly serverCode?: string;
  readonly serverMessage?: string;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ChatErrorCode,
    { serverCode, serverMessage, retryAfterSeconds, visitorMessage }: ChatErrorDetails = {},
  ) {
    const sentence = strings.errors[code];
    super(visitorMessage ?? (typeof sentence === 'function' ? sentence(retryAfterSeconds) : sentence));
    this.serverCode = serverCode;
    this.serverMessage = serverMessage;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The worker's codes for errors inside a stream that the element has its own words for. */
const STREAM_ERROR_CODES: Record<string, ChatErrorCode> = {
  rate_limited: 'rate-limited',
  upstream_rate_limited: 'rate-limited',
  model_loading: 'busy',
  upstream_busy: 'busy',
  upstream_disconnected: 'connection-lost',
  upstream_incomplete: 'connection-lost',
  invalid_request: 'bad-request',
  upstream_rejected: 'bad-request',
  payload_too_large: 'too-large',
};

/**
 * An `event: error` from the stream. Its message was written for visitors, so
 * it is shown as is when the code is one the element has no words for.
 */
export function errorFromStreamEvent(data: unknown): ChatError {
  const { code, message, retryAfter } = isRecord(data) ? data : {};
  const serverCode = typeof code === 'string' ? code : undefined;
  const serverMessage = typeof message === 'string' && message.trim() ? message : undefined;
  const known = serverCode === undefined ? undefined : STREAM_ERROR_CODES[serverCode];
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
  return new ChatError(codeForStatus(response.status), details);
}

function codeForStatus(status: number): ChatErrorCode {
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'busy';
  if (status === 403) return 'forbidden';
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
