import {
  chatCompletionStream,
  InferenceClientHubApiError,
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientRoutingError,
  textGenerationStream,
} from '@huggingface/inference';
import { AnswerFilter } from './answer-filter.ts';
import type { GenerationRequest } from './conversation.ts';
import { buildFalconPrompt, breakControlStrings, FALCON_STOP_SEQUENCES } from './falcon-prompt.ts';
import { UpstreamError, type UpstreamErrorCode } from './upstream-error.ts';
import { isRecord, readChunkBatches } from './upstream-events.ts';

export type PromptFormat = 'falcon' | 'chat';

export interface UpstreamConfig {
  /** Hugging Face token; sent only to the upstream, never logged. */
  token: string;
  /** A TGI / Inference Endpoint / OpenAI-compatible base URL; empty for the Hugging Face router. */
  endpointUrl: string;
  model: string;
  promptFormat: PromptFormat;
}

/** `stop` for an ordinary end (EOS, stop sequence), `length` at `maxNewTokens`, or the upstream's own word. */
export type FinishReason = 'stop' | 'length' | (string & {});

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
  /** Called once per upstream attempt when its response headers arrive. */
  onUpstreamResponse?: (status: number) => void;
  /** Called before a retry, with the failure that caused it. */
  onRetry?: (error: UpstreamError, waitMs: number) => void;
}

// A connection refused or reset before any text is as safe to retry as a 503: nothing reached the visitor.
const RETRYABLE = new Set(['upstream_rate_limited', 'model_loading', 'upstream_busy', 'upstream_unreachable']);

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
  const answerDeadline = Date.now() + policy.answerTimeoutMs;
  let textSent = false;

  for (let attempt = 0; ; attempt++) {
    const upstreamRequest = new AbortController();
    const stopUpstream = () => upstreamRequest.abort(signal.reason);
    signal.addEventListener('abort', stopUpstream, { once: true });
    // The error is made when the time is up: an Error captures a stack, too dear to make for every answer.
    const timeUp = (code: UpstreamErrorCode, ms: number) =>
      setTimeout(() => upstreamRequest.abort(new UpstreamError(code)), Math.max(0, ms));
    const answerTimer = timeUp('answer_timeout', answerDeadline - Date.now());
    const firstTokenTimer = textSent ? undefined : timeUp('upstream_timeout', policy.firstTokenTimeoutMs);
    let lastResponse: Response | undefined;
    let finishReason: string | undefined;
    let promptTokens: number | undefined;
    let completionTokens: number | undefined;
    let receivedAny = false;

    try {
      const body = await openStream(request, upstream, {
        signal: upstreamRequest.signal,
        onResponse: (response) => {
          lastResponse = response;
          policy.onUpstreamResponse?.(response.status);
        },
      });
      for await (const batch of readChunkBatches(body, policy.batchMs)) {
        receivedAny = true;
        let piece = '';
        for (const chunk of batch) {
          const choice = chunk.choices?.[0];
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage) {
            promptTokens = chunk.usage.prompt_tokens;
            completionTokens = chunk.usage.completion_tokens;
          }
          piece += choice?.text ?? choice?.delta?.content ?? '';
        }
        // Every token of one network read goes out as one piece: the visitor sees the same text, sooner.
        const text = filter.push(piece);
        if (text) {
          textSent = true;
          if (firstTokenTimer !== undefined) clearTimeout(firstTokenTimer);
          yield { type: 'text', text };
        }
        // A stop string the upstream did not stop at ends the answer here; the finally cancels the upstream.
        if (filter.hitStop && !finishReason) {
          finishReason = 'stop';
          break;
        }
      }
    } catch (caught) {
      if (signal.aborted) throw signal.reason;
      const reason: unknown = upstreamRequest.signal.reason;
      const error =
        upstreamRequest.signal.aborted && reason instanceof UpstreamError
          ? reason
          : toUpstreamError(caught, receivedAny, lastResponse);
      if (textSent || attempt >= policy.retries || !RETRYABLE.has(error.code)) throw error;
      const waitMs = retryWait(error, attempt, policy.retryBaseMs);
      if (Date.now() + waitMs >= answerDeadline) throw error;
      policy.onRetry?.(error, waitMs);
      await abortableSleep(waitMs, signal);
      continue;
    } finally {
      clearTimeout(answerTimer);
      if (firstTokenTimer !== undefined) clearTimeout(firstTokenTimer);
      signal.removeEventListener('abort', stopUpstream);
      upstreamRequest.abort();
    }

    if (!finishReason) throw new UpstreamError('upstream_incomplete');
    const rest = filter.flush();
    if (rest) yield { type: 'text', text: rest };
    yield { type: 'done', finishReason: normaliseFinishReason(finishReason), promptTokens, completionTokens };
    return;
  }
}

/** Exponential backoff, or the upstream's own wait when it names one that is not too long. */
function retryWait(error: UpstreamError, attempt: number, baseMs: number): number {
  const backoff = baseMs * 2 ** attempt;
  const asked = (error.retryAfterSeconds ?? 0) * 1000;
  return asked > backoff && asked <= baseMs * 4 ? asked : backoff;
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
  { signal, onResponse }: { signal: AbortSignal; onResponse: (response: Response) => void },
): Promise<ReadableStream<Uint8Array>> {
  let answerBody: ReadableStream<Uint8Array> | null = null;
  const options = {
    retry_on_error: false,
    signal,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await fetch(input, init);
      onResponse(response);
      if (!response.ok || !response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
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

function normaliseFinishReason(reason: string): FinishReason {
  // TGI says eos_token / stop_sequence on /v1/completions; OpenAI and vLLM say stop.
  return reason === 'eos_token' || reason === 'stop_sequence' ? 'stop' : reason;
}

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
