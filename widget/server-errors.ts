import { ChatError, type ChatErrorCode, type ChatErrorDetails } from './chat-error.ts';
import { DEFAULT_BOUNDS, fitRequest, type RequestBounds } from './request-window.ts';
import type { ChatRequestBody, WorkerErrorCode } from './wire-contract.ts';

// The worker's failures in the element's terms: a chunk of its own, loaded by the stream reader (chat-stream.ts)
// when an answer fails, and by chat-client.ts when a request got no answer at all.

/**
 * What each of the worker's codes means to the element, in a stream's
 * `event: error` or an HTTP error body. `null` codes keep the worker's own
 * message for visitors (the element has no words of its own for them). Typed
 * over the contract's codes, so a code added to the worker must be given a
 * place here, and one removed cannot linger.
 */
const SERVER_CODES: Record<WorkerErrorCode, ChatErrorCode | null> = {
  rate_limited: 'rate-limited',
  upstream_rate_limited: 'rate-limited',
  model_loading: 'busy',
  upstream_busy: 'busy',
  upstream_disconnected: 'connection-lost',
  upstream_incomplete: 'connection-lost',
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
  answer_exists: null,
  misconfigured: 'misconfigured',
  budget_exhausted: 'limit-today',
  upstream_error: 'server',
  upstream_malformed: 'server',
  upstream_unreachable: 'server',
  upstream_unavailable: 'server',
  upstream_auth: null,
  upstream_quota: null,
  model_not_found: null,
  unsupported_media_type: null,
  session_required: null,
  session_invalid: null,
  turnstile_disabled: null,
  turnstile_failed: null,
  turnstile_unavailable: null,
  budget_unavailable: null,
  not_found: null,
  http_error: null,
  internal_error: null,
};

function knownCode(serverCode: string | undefined): ChatErrorCode | undefined {
  if (serverCode === undefined || !Object.hasOwn(SERVER_CODES, serverCode)) return undefined;
  return SERVER_CODES[serverCode as WorkerErrorCode] ?? undefined;
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
  const { error } = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const details: ChatErrorDetails = {
    serverCode: isRecord(error) && typeof error.code === 'string' ? error.code : undefined,
    serverMessage: isRecord(error) && typeof error.message === 'string' ? error.message : undefined,
    retryAfterSeconds: parseRetryAfter(response.headers.get('Retry-After')),
    limit: isRecord(error) && Number.isSafeInteger(error.limit) ? (error.limit as number) : undefined,
  };
  let known = knownCode(details.serverCode);
  // One server code for both budgets; `scope` says which, so the visitor reads "for today" or "for now".
  if (known === 'limit-today' && isRecord(error) && error.scope === 'visitor') known = 'limit-now';
  return new ChatError(known ?? codeForStatus(response.status), details);
}

function codeForStatus(status: number): ChatErrorCode {
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'busy';
  if (status === 403 || status === 401) return 'forbidden';
  if (status === 504 || status === 408) return 'timeout';
  if (status === 413 || status === 422) return 'too-large';
  if (status === 400 || status === 415) return 'bad-request';
  // Nothing here takes a chat question: a wrong `endpoint`, or a page's own origin when the script came from npm or a CDN.
  if (status === 404 || status === 405) return 'no-api';
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

/**
 * After a POST that got no answer: is something there at all? A script from a CDN without `endpoint` posts to the
 * CDN, whose 404 has no CORS headers, so the browser reports only a network error. The worker answers this page even
 * a GET it has no route for, with its CORS headers: when that GET can be read, the POST met a passing fault (a
 * network error, with Retry). Otherwise an opaque GET (`no-cors`, no preflight) that gets an answer tells the CDN
 * from being offline: there is a server, and it is no chat API for this page. The message is the site owner's
 * console line (`tellSiteOwner`).
 */
export async function noChatApi(url: string | URL, signal: AbortSignal): Promise<ChatError | undefined> {
  const answers = (mode: 'cors' | 'no-cors') =>
    fetch(url, { mode, cache: 'no-store', signal } as RequestInit).then(
      () => true,
      () => false,
    );
  if ((await answers('cors')) || !(await answers('no-cors')) || signal.aborted) return undefined;
  return new ChatError('no-api', {
    serverMessage: `no chat API at ${url}. Set its endpoint attribute to your worker's /api/chat URL.`,
  });
}

/**
 * The worker's own bounds, read from a refusal of a request that was over them (an operator who lowered
 * MAX_MESSAGES, MAX_BODY_BYTES or MAX_MESSAGE_CHARS below wrangler.toml's defaults): its body names the bound
 * as `limit`. Undefined for any other failure, or when the bound is not tighter than `bounds`.
 */
export function learnBounds(bounds: RequestBounds, { serverCode, limit = 0 }: ChatError): RequestBounds | undefined {
  const name = BOUND_OF[serverCode ?? ''];
  if (!name || !(limit > 0) || limit >= bounds[name]) return undefined;
  return { ...bounds, [name]: limit };
}

/** `request` with the newest turns within the bounds a refusal names, when that leaves out any; else undefined. */
export function refitRequest(
  request: ChatRequestBody,
  error: unknown,
  bounds = DEFAULT_BOUNDS,
): { request: ChatRequestBody; bounds: RequestBounds } | undefined {
  const learned = error instanceof ChatError ? learnBounds(bounds, error) : undefined;
  const fitted = learned && fitRequest(request, learned);
  return fitted && fitted.messages.length < request.messages.length ? { request: fitted, bounds: learned } : undefined;
}

const BOUND_OF: Record<string, keyof RequestBounds> = {
  too_many_messages: 'maxMessages',
  payload_too_large: 'maxBodyBytes',
  message_too_long: 'maxMessageChars',
};
