import {
  chatCompletionStream,
  InferenceClientHubApiError,
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientRoutingError,
  textGenerationStream,
} from '@huggingface/inference';
import { AnswerFilter } from './answer-filter.ts';
import { readAtMost } from './bounded-body.ts';
import type { GenerationRequest } from './conversation.ts';
import { buildFalconPrompt, breakControlStrings, FALCON_STOP_SEQUENCES } from './falcon-prompt.ts';
import { UpstreamError, type UpstreamErrorCode } from './upstream-error.ts';
import { isRecord, readChunkBatches, type StreamChunk } from './upstream-events.ts';

export type PromptFormat = 'falcon' | 'chat';

export interface UpstreamConfig {
  /** Hugging Face token; sent only to the upstream, never logged. */
  token: string;
  /** A TGI / Inference Endpoint / OpenAI-compatible base URL; empty for the Hugging Face router. */
  endpointUrl: string;
  model: string;
  promptFormat: PromptFormat;
}

/**
 * `stop` for an ordinary end (EOS, stop sequence, or a reason this worker does
 * not know), `length` at `maxNewTokens`, `content_filter` when the provider cut
 * the answer. Nothing else the upstream says reaches the visitor or the log.
 */
export type FinishReason = 'stop' | 'length' | 'content_filter';

export type AnswerEvent =
  | { type: 'text'; text: string }
  | { type: 'done'; finishReason: FinishReason; promptTokens?: number; completionTokens?: number };

/**
 * Strings that end an answer wherever they appear in the output, whatever the
 * upstream did with its own stop list: special tokens some servers leave in
 * the text (`/v1/completions` on TGI streams `<|endoftext|>` literally).
 */
const SPECIAL_TOKENS = ['<|endoftext|>', '</s>', '<|im_end|>', '<|eot_id|>', '<|end|>'];

/** Time limits and retries for one answer. */
export interface AnswerPolicy {
  /** The answer fails with `upstream_timeout` if no text arrives within this. */
  firstTokenTimeoutMs: number;
  /** After a text piece, whatever arrives within this long goes out as the next piece (see `readChunkBatches`). */
  batchMs: number;
  /** The answer is cut off with `answer_timeout` after this long. */
  answerTimeoutMs: number;
  /** 429/503/overloaded before the first token are retried this many times, never after it. */
  retries: number;
  /** The first retry waits this long, doubling after; an upstream's own wait is honoured up to 4x this. */
  retryBaseMs: number;
  /** Called once per upstream attempt as its request is made, before any of its response. */
  onUpstreamRequest?: () => void;
  /** Called once per upstream attempt when its response headers arrive. */
  onUpstreamResponse?: (status: number) => void;
  /** Called before a retry, with the failure that caused it. */
  onRetry?: (error: UpstreamError, waitMs: number) => void;
}

// A connection refused or reset before any text is as safe to retry as a 503: nothing reached the visitor.
const RETRYABLE = new Set(['upstream_rate_limited', 'model_loading', 'upstream_busy', 'upstream_unreachable']);

/** How an upstream attempt ended without failing. */
interface AttemptEnd {
  finishReason?: string;
  promptTokens?: number;
  completionTokens?: number;
}

/**
 * Streams the answer to `request` from the configured upstream as clean text
 * pieces, then one `done`. Throws `UpstreamError` for every upstream failure.
 * Whenever it stops early (a stop string, an error, a time limit, `signal`),
 * the upstream request is aborted so the model stops generating.
 */
export async function* streamAnswer(
  request: GenerationRequest,
  upstream: UpstreamConfig,
  signal: AbortSignal,
  policy: AnswerPolicy,
): AsyncGenerator<AnswerEvent> {
  const filter = new AnswerFilter(
    upstream.promptFormat === 'falcon' ? [...FALCON_STOP_SEQUENCES, ...SPECIAL_TOKENS] : SPECIAL_TOKENS,
  );
  const deadline = Date.now() + policy.answerTimeoutMs;
  const progress = { textSent: false };
  for (let attempt = 0; ; attempt++) {
    let end: AttemptEnd;
    try {
      end = yield* attemptAnswer(request, upstream, signal, policy, { filter, deadline, progress });
    } catch (error) {
      const waitMs = progress.textSent || signal.aborted ? undefined : retryWait(error, attempt, policy, deadline);
      if (waitMs === undefined) throw error;
      policy.onRetry?.(error as UpstreamError, waitMs);
      await abortableSleep(waitMs, signal);
      continue;
    }
    if (!end.finishReason) throw new UpstreamError('upstream_incomplete');
    const rest = filter.flush();
    if (rest) yield { type: 'text', text: rest };
    const { promptTokens, completionTokens } = end;
    yield { type: 'done', finishReason: normaliseFinishReason(end.finishReason), promptTokens, completionTokens };
    return;
  }
}

/**
 * One request to the upstream, its text filtered as it comes. Throws
 * `UpstreamError` (a time limit's, or the failure translated), or the
 * reason of `signal` when the visitor left.
 */
async function* attemptAnswer(
  request: GenerationRequest,
  upstream: UpstreamConfig,
  signal: AbortSignal,
  policy: AnswerPolicy,
  { filter, deadline, progress }: { filter: AnswerFilter; deadline: number; progress: { textSent: boolean } },
): AsyncGenerator<AnswerEvent, AttemptEnd> {
  const upstreamRequest = new AbortController();
  const stopUpstream = () => upstreamRequest.abort(signal.reason);
  signal.addEventListener('abort', stopUpstream, { once: true });
  // Retries happen only before any text, so every attempt waits for a first token.
  const answerTimer = timeUp(upstreamRequest, 'answer_timeout', deadline - Date.now());
  const firstTokenTimer = timeUp(upstreamRequest, 'upstream_timeout', policy.firstTokenTimeoutMs);
  let lastResponse: Response | undefined;
  let receivedAny = false;
  const end: AttemptEnd = {};
  try {
    const body = await openStream(request, upstream, {
      signal: upstreamRequest.signal,
      onRequest: policy.onUpstreamRequest,
      onResponse: (response) => {
        lastResponse = response;
        policy.onUpstreamResponse?.(response.status);
      },
    });
    for await (const batch of readChunkBatches(body, policy.batchMs)) {
      receivedAny = true;
      // Every token of one network read goes out as one piece: the visitor sees the same text, sooner.
      const text = filter.push(readBatch(batch, end));
      if (text) {
        progress.textSent = true;
        clearTimeout(firstTokenTimer);
        yield { type: 'text', text };
      }
      // A stop string the upstream did not stop at ends the answer here; the finally cancels the upstream.
      if (filter.hitStop && !end.finishReason) {
        end.finishReason = 'stop';
        break;
      }
    }
    return end;
  } catch (caught) {
    if (signal.aborted) throw signal.reason;
    const reason: unknown = upstreamRequest.signal.reason;
    if (upstreamRequest.signal.aborted && reason instanceof UpstreamError) throw reason;
    throw toUpstreamError(caught, receivedAny, lastResponse);
  } finally {
    clearTimeout(answerTimer);
    clearTimeout(firstTokenTimer);
    signal.removeEventListener('abort', stopUpstream);
    upstreamRequest.abort();
  }
}

/** Aborts `request` with `code` after `ms`. The error is made only then: an Error captures a stack, too dear to make for every answer. */
function timeUp(request: AbortController, code: UpstreamErrorCode, ms: number): ReturnType<typeof setTimeout> {
  return setTimeout(() => request.abort(new UpstreamError(code)), Math.max(0, ms));
}

/** The text of one network read's chunks; their finish reason and token counts go into `end`. */
function readBatch(batch: readonly StreamChunk[], end: AttemptEnd): string {
  let piece = '';
  for (const chunk of batch) {
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (isRecord(choice) && choice.finish_reason) end.finishReason = normaliseFinishReason(choice.finish_reason);
    if (isRecord(chunk.usage)) {
      end.promptTokens = tokenCount(chunk.usage.prompt_tokens);
      end.completionTokens = tokenCount(chunk.usage.completion_tokens);
    }
    piece += textOf(choice);
  }
  return piece;
}

/**
 * How long to wait before trying again, or `undefined` when `error` is not
 * worth another attempt (not retryable, retries used up, or no time left).
 * Exponential backoff, or the upstream's own wait when it names one that is not too long.
 */
function retryWait(error: unknown, attempt: number, policy: AnswerPolicy, deadline: number): number | undefined {
  if (!(error instanceof UpstreamError) || attempt >= policy.retries || !RETRYABLE.has(error.code)) return undefined;
  const backoff = policy.retryBaseMs * 2 ** attempt;
  const asked = (error.retryAfterSeconds ?? 0) * 1000;
  const waitMs = asked > backoff && asked <= policy.retryBaseMs * 4 ? asked : backoff;
  return Date.now() + waitMs >= deadline ? undefined : waitMs;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Opens the upstream's event stream and returns its body unread. The client
 * library makes the request (provider routing, URL, auth, payload) and turns a
 * failed response into its typed errors; the answer itself is read by
 * `readChunkBatches`, because the library's reader parses byte by byte and
 * yields one event at a time, which cost a fifth of the worker's CPU per answer.
 */
async function openStream(
  request: GenerationRequest,
  upstream: UpstreamConfig,
  {
    signal,
    onRequest,
    onResponse,
  }: { signal: AbortSignal; onRequest?: () => void; onResponse: (response: Response) => void },
): Promise<ReadableStream<Uint8Array>> {
  let answerBody: ReadableStream<Uint8Array> | null = null;
  const options = {
    retry_on_error: false,
    signal,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const pending = fetch(input, init);
      onRequest?.();
      const response = await pending;
      onResponse(response);
      if (!response.ok || !response.headers.get('content-type')?.startsWith('text/event-stream'))
        return boundedResponse(response);
      answerBody = response.body;
      // The library sees an event stream with nothing in it and returns at once, leaving the answer to us.
      return new Response(null, { status: response.status, headers: response.headers });
    },
  };
  for await (const _ of libraryStream(request, upstream, options)) {
    // Never reached: the body the library reads is empty.
  }
  if (!answerBody) throw new UpstreamError('upstream_incomplete', 200);
  return answerBody;
}

function libraryStream(
  request: GenerationRequest,
  upstream: UpstreamConfig,
  options: { retry_on_error: boolean; signal: AbortSignal; fetch: typeof fetch },
): AsyncGenerator<unknown> {
  const target = upstream.endpointUrl
    ? { endpointUrl: upstream.endpointUrl }
    : upstream.promptFormat === 'falcon'
      ? // Naming the provider skips the Hub lookup that `auto` makes without the abort signal.
        { provider: 'hf-inference' as const }
      : {};
  const common = { accessToken: upstream.token || undefined, model: upstream.model, ...target };

  if (upstream.promptFormat === 'falcon') {
    // 4.13.30 posts to {url}/v1/completions (which streams OpenAI completion chunks, whatever its types say).
    return textGenerationStream(
      {
        ...common,
        inputs: buildFalconPrompt(request.system, request.turns),
        parameters: {
          max_new_tokens: request.maxNewTokens,
          temperature: request.temperature,
          stop: FALCON_STOP_SEQUENCES,
          return_full_text: false,
        },
      },
      options,
    );
  }
  return chatCompletionStream(
    {
      ...common,
      messages: [
        { role: 'system', content: breakControlStrings(request.system) },
        ...request.turns.map((turn) => ({ role: turn.role, content: breakControlStrings(turn.content) })),
      ],
      max_tokens: request.maxNewTokens,
      temperature: request.temperature,
      stream_options: { include_usage: true },
    },
    options,
  );
}

/** The answer text of one choice; anything that is not a string counts as none. */
function textOf(choice: unknown): string {
  if (!isRecord(choice)) return '';
  if (typeof choice.text === 'string') return choice.text;
  const delta = choice.delta;
  return isRecord(delta) && typeof delta.content === 'string' ? delta.content : '';
}

function normaliseFinishReason(reason: unknown): FinishReason {
  // TGI says eos_token / stop_sequence on /v1/completions; OpenAI and vLLM say stop. An unknown word is an end too.
  if (reason === 'length' || reason === 'content_filter') return reason;
  return 'stop';
}

/** A token count as the upstream reports it, if it is one: a non-negative whole number. */
function tokenCount(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

/**
 * The response the client library may read (an error, or an OK that is not an
 * event stream), with at most `MAX_SIDE_BODY_BYTES` of its body: the library
 * reads a JSON error body whole. A longer or non-object body becomes `{}`,
 * which the library reports as a plain HTTP error of the same status.
 */
async function boundedResponse(response: Response): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  if (NULL_BODY_STATUSES.has(response.status)) return new Response(null, { status: response.status, headers });
  const bytes = await readAtMost(response.body);
  let body = '{}';
  if (bytes && headers.get('content-type')?.startsWith('application/json')) {
    const text = new TextDecoder().decode(bytes);
    try {
      if (isRecord(JSON.parse(text))) body = text;
    } catch {
      // Not JSON: `{}` stands for it.
    }
  } else if (bytes) {
    body = new TextDecoder().decode(bytes);
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function toUpstreamError(error: unknown, receivedAny: boolean, response: Response | undefined): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof SyntaxError) return new UpstreamError('upstream_malformed', 200);
  // The client's own refusals: the model or provider named in the configuration cannot serve this task.
  if (error instanceof InferenceClientInputError || error instanceof InferenceClientRoutingError) {
    return new UpstreamError('model_not_found');
  }
  if (error instanceof InferenceClientProviderApiError || error instanceof InferenceClientHubApiError) {
    const status = error.httpResponse.status;
    const body: unknown = error.httpResponse.body;
    // An OK response that is not an event stream.
    if (status === 200) return new UpstreamError('upstream_malformed', 200);
    if (status === 401 || status === 403) return new UpstreamError('upstream_auth', status);
    if (status === 402) return new UpstreamError('upstream_quota', status);
    if (status === 404) return new UpstreamError('model_not_found', status);
    // The router's word for a model none of its providers serves (upstream-protocol notes §2.3).
    if (status === 400 && /not supported by (any )?provider/i.test(JSON.stringify(body) ?? '')) {
      return new UpstreamError('model_not_found', status);
    }
    if (status === 429) return new UpstreamError('upstream_rate_limited', status, retryAfter(response));
    if (status === 503) return new UpstreamError('model_loading', status, estimatedTime(body) ?? retryAfter(response));
    if (status >= 400 && status < 500) return new UpstreamError('upstream_rejected', status);
    return new UpstreamError('upstream_unavailable', status);
  }
  // fetch's own failures: refused or reset before the response, lost during it.
  return new UpstreamError(receivedAny || response ? 'upstream_disconnected' : 'upstream_unreachable');
}

function retryAfter(response: Response | undefined): number | undefined {
  const seconds = Number(response?.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

function estimatedTime(body: unknown): number | undefined {
  const seconds = isRecord(body) ? Number(body.estimated_time) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}
