/**
 * The "llama.cpp flavour" of `/v1/chat/completions`: what llama.cpp's `llama-server` streams
 * (its server README, "POST /v1/chat/completions", and the chunks it writes):
 * - a first chunk `{"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],
 *   "created":…,"id":"chatcmpl-<32 letters and digits>","model":…,"system_fingerprint":"b<build>-<commit>",
 *   "object":"chat.completion.chunk"}`, choices first and the rest after;
 * - one chunk per text delta, `"delta":{"content":"…"}`; stop strings are left out of the text, and only
 *   an end of the text that may still grow into one is held back (llama-server's partial stop match);
 * - a last chunk with `"delta":{}`, `finish_reason` `stop` or `length`, and always both the OpenAI `usage`
 *   and llama.cpp's own `timings` (prompt_n, prompt_ms, prompt_per_token_ms, prompt_per_second, predicted_n,
 *   predicted_ms, predicted_per_token_ms, predicted_per_second; doubles written with a decimal point);
 * - then `data: [DONE]`.
 * Errors are `{"error":{"code":<status>,"message":…,"type":…}}`: the body of an HTTP error
 * (`exceed_context_size_error` with `n_prompt_tokens` and `n_ctx` for a prompt over the context,
 * `invalid_request_error` otherwise), and the one event of a stream that fails (`server_error`),
 * after which the stream ends without `[DONE]`.
 */
import type { Finish, GenerationStep } from '../generation.ts';
import type { InferError } from '../infer-error.ts';
import { JsonFloat, toSerdeJson, type JsonValue } from '../serde-json.ts';
import { fnv1a32 } from '../tokenizer.ts';
import type { ValidRequest } from '../validation.ts';
import { DONE } from './openai-tgi.ts';
import type { StreamEncoder } from './stream-encoder.ts';

/** A llama-server build and commit, as in `system_fingerprint`. */
export const LLAMA_CPP_FINGERPRINT = 'b6097-9515c613';

export interface LlamaCppContext {
  /** Unix seconds. */
  created: number;
  /** The request's `model`, or the served one. */
  model: string;
  /** The `chatcmpl-…` id, from `llamaCppId`. */
  id: string;
  /** The pace of this stream, reported in `timings`: ms before the first token, ms between tokens. */
  firstDelayMs: number;
  delayMs: number;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** llama-server's random 32-character id, derived from the prompt here so responses are reproducible. */
export function llamaCppId(prompt: string, created: number): string {
  const bytes = new TextEncoder().encode(`${created}:${prompt}`);
  let id = 'chatcmpl-';
  for (let i = 0; i < 32; i++) id += ALPHANUMERIC[fnv1a32(Uint8Array.from([...bytes, i])) % ALPHANUMERIC.length];
  return id;
}

const double = (value: number) => new JsonFloat(value, 'f64');

/** How much of the end of `text` is the start of a stop string, and so cannot be sent yet. */
function partialStopLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

/** Text deltas without special tokens or the stop string, holding back only a partial stop match. */
function createDeltas(request: ValidRequest) {
  let text = '';
  let sent = 0;
  return (step: GenerationStep): string => {
    if (!step.token.special) text += step.token.text;
    const stop = step.finish?.stopSequence;
    const end = step.finish
      ? stop && text.includes(stop)
        ? text.indexOf(stop)
        : text.length
      : text.length - partialStopLength(text, request.stop);
    const delta = text.slice(sent, Math.max(sent, end));
    sent = Math.max(sent, end);
    return delta;
  };
}

function timings(finish: Finish, request: ValidRequest, context: LlamaCppContext): JsonValue {
  const promptMs = context.firstDelayMs;
  const predictedMs = context.delayMs * Math.max(0, finish.generatedTokens - 1);
  return {
    prompt_n: request.inputLength,
    prompt_ms: double(promptMs),
    prompt_per_token_ms: double(promptMs / request.inputLength),
    prompt_per_second: double((1000 * request.inputLength) / promptMs),
    predicted_n: finish.generatedTokens,
    predicted_ms: double(predictedMs),
    predicted_per_token_ms: double(predictedMs / finish.generatedTokens),
    predicted_per_second: double((1000 * finish.generatedTokens) / predictedMs),
  };
}

export function llamaCppChatEncoder(request: ValidRequest, context: LlamaCppContext): StreamEncoder {
  const tail = {
    created: context.created,
    id: context.id,
    model: context.model,
    system_fingerprint: LLAMA_CPP_FINGERPRINT,
    object: 'chat.completion.chunk',
  };
  const chunk = (delta: JsonValue, finishReason: string | null, extra: Record<string, JsonValue> = {}) =>
    toSerdeJson({ choices: [{ finish_reason: finishReason, index: 0, delta }], ...tail, ...extra });
  const nextDelta = createDeltas(request);
  return {
    step(step: GenerationStep) {
      const payloads = step.index === 1 ? [chunk({ role: 'assistant', content: null }, null)] : [];
      const delta = nextDelta(step);
      if (delta !== '') payloads.push(chunk({ content: delta }, null));
      const { finish } = step;
      if (!finish) return payloads;
      const usage = {
        completion_tokens: finish.generatedTokens,
        prompt_tokens: request.inputLength,
        total_tokens: request.inputLength + finish.generatedTokens,
      };
      const reason = finish.reason === 'length' ? 'length' : 'stop';
      payloads.push(chunk({}, reason, { usage, timings: timings(finish, request, context) }));
      return [...payloads, DONE];
    },
    error: llamaCppErrorEvents,
  };
}

/** The one event of a stream that fails; llama-server ends the stream after it. */
export function llamaCppErrorEvents(error: InferError): string[] {
  return [toSerdeJson({ error: { code: 500, message: error.message, type: 'server_error' } })];
}

/** The 400 body of a request llama-server refuses before generating; `contextTokens` is its `n_ctx`. */
export function llamaCppRefusalJson(error: InferError, contextTokens: number): string {
  // TGI-style validation says "Given: <prompt tokens> `inputs` tokens"; llama-server reports them as n_prompt_tokens.
  const given = /tokens?\b.*Given: (\d+)/.exec(error.message);
  return toSerdeJson({
    error: given
      ? {
          code: 400,
          message: 'the request exceeds the available context size, try increasing it',
          type: 'exceed_context_size_error',
          n_prompt_tokens: Number(given[1]),
          n_ctx: contextTokens,
        }
      : { code: 400, message: error.message, type: 'invalid_request_error' },
  });
}
