/**
 * Bodies of TGI's own routes: `StreamResponse` events of `/generate_stream` and `/`
 * (docs/upstream-protocol.md §1.5) and the non-streaming `GenerateResponse` (§1.14).
 * Key order is the Rust struct order.
 */
import type { Finish, GenerationResult, GenerationStep, StreamToken } from '../generation.ts';
import { nativeErrorJson, type InferError } from '../infer-error.ts';
import { JsonFloat, toSerdeJson, type JsonValue } from '../serde-json.ts';
import type { ValidRequest } from '../validation.ts';
import type { StreamEncoder } from './stream-encoder.ts';

function tokenJson(token: StreamToken): JsonValue {
  return { id: token.id, text: token.text, logprob: new JsonFloat(token.logprob), special: token.special };
}

/** `details.seed` is the seed only when the request sampled (§1.5). */
function reportedSeed(request: ValidRequest): bigint | number | null {
  return request.sampling ? request.seed : null;
}

function streamDetails(finish: Finish, request: ValidRequest): JsonValue {
  return {
    finish_reason: finish.reason,
    generated_tokens: finish.generatedTokens,
    seed: reportedSeed(request),
    input_length: request.inputLength,
  };
}

export function streamResponseJson(step: GenerationStep, request: ValidRequest): string {
  const { finish } = step;
  return toSerdeJson({
    index: step.index,
    token: tokenJson(step.token),
    generated_text: finish ? finish.generatedText : null,
    details: finish && request.details ? streamDetails(finish, request) : null,
  });
}

/** One error event, then the body ends: no [DONE] on TGI's own routes (§1.8). */
export const nativeErrorEvents = (error: InferError): string[] => [nativeErrorJson(error)];

export function generateStreamEncoder(request: ValidRequest): StreamEncoder {
  return { step: (step) => [streamResponseJson(step, request)], error: nativeErrorEvents };
}

/** `GenerateResponse`: `details` is left out unless asked for. */
export function generateResponseJson(result: GenerationResult, request: ValidRequest): JsonValue {
  const finish = lastFinish(result);
  return {
    generated_text: finish.generatedText,
    details: request.details
      ? {
          finish_reason: finish.reason,
          generated_tokens: finish.generatedTokens,
          seed: reportedSeed(request),
          prefill: [],
          tokens: result.steps.map((step) => tokenJson(step.token)),
        }
      : undefined,
  };
}

export function lastFinish(result: GenerationResult): Finish {
  const finish = result.steps.at(-1)?.finish;
  if (!finish) throw new Error('generation did not finish');
  return finish;
}
