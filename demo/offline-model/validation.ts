/**
 * TGI's request validation (`router/src/validation.rs`), in its order, with its messages
 * (docs/upstream-protocol.md §1.2), and the generation limits it implies (§1.10).
 */
import { validationError, type InferError } from './infer-error.ts';
import { countTokens, fnv1a32 } from './tokenizer.ts';

/** `GenerateParameters` after deserialisation; absent members are `undefined`. */
export interface GenerateParameters {
  best_of?: number | null;
  temperature?: number | null;
  repetition_penalty?: number | null;
  frequency_penalty?: number | null;
  top_k?: number | null;
  top_p?: number | null;
  typical_p?: number | null;
  do_sample?: boolean;
  max_new_tokens?: number | null;
  return_full_text?: boolean | null;
  stop?: string[];
  truncate?: number | null;
  details?: boolean;
  decoder_input_details?: boolean;
  seed?: number | bigint | null;
  top_n_tokens?: number | null;
}

export interface GenerateRequest {
  inputs: string;
  parameters: GenerateParameters;
}

export interface ModelLimits {
  maxTotalTokens: number;
  maxInputTokens: number;
  maxStopSequences: number;
  maxBestOf: number;
  maxTopNTokens: number;
}

/** Launcher defaults for a 2048-token Falcon deployment (§1.13, §4.2). */
export const FALCON_LIMITS: ModelLimits = {
  maxTotalTokens: 2048,
  maxInputTokens: 2047,
  maxStopSequences: 4,
  maxBestOf: 2,
  maxTopNTokens: 5,
};

/** TGI generates at most this many tokens before re-queueing the request (§1.10). */
const GENERATION_CHUNK = 1024;

export interface ValidRequest {
  inputs: string;
  inputLength: number;
  /** Where generation really stops for `length`, after re-queueing in 1024-token chunks. */
  maxNewTokens: number;
  stop: string[];
  /** Whether the shards sample; `details.seed` is only reported then. */
  sampling: boolean;
  seed: bigint | number;
  details: boolean;
  returnFullText: boolean;
}

export type Validated = { ok: true; request: ValidRequest } | { ok: false; error: InferError };

/** Checked by `generate_stream_internal` before anything else, on streaming routes only. */
export function checkStreamable(parameters: GenerateParameters): InferError | null {
  if ((parameters.best_of ?? 1) !== 1) return validationError('`best_of` != 1 is not supported when streaming tokens');
  if (parameters.decoder_input_details) {
    return validationError('`decoder_input_details` == true is not supported when streaming tokens');
  }
  return null;
}

/** `Validation::validate`; a null `return_full_text` is false on every route served here (§1.2). */
export function validate({ inputs, parameters }: GenerateRequest, limits: ModelLimits = FALCON_LIMITS): Validated {
  const fail = (text: string): Validated => ({ ok: false, error: validationError(text) });
  const { temperature, top_k: topK, top_p: topP, typical_p: typicalP } = parameters;

  const bestOf = parameters.best_of ?? 1;
  if (bestOf === 0 || bestOf > limits.maxBestOf)
    return fail(`\`best_of\` must be > 0 and <= ${limits.maxBestOf}. Given: ${bestOf}`);
  const sampling =
    (parameters.do_sample ?? false) ||
    (temperature != null && temperature !== 1) ||
    topK != null ||
    (topP != null && topP !== 1) ||
    (typicalP != null && typicalP !== 1);
  if (bestOf > 1 && !sampling) return fail('you must use sampling when `best_of` is > 1');
  if ((temperature ?? 1) <= 0) return fail('`temperature` must be strictly positive');
  if ((parameters.repetition_penalty ?? 1) <= 0) return fail('`repetition_penalty` must be strictly positive');
  const frequencyPenalty = parameters.frequency_penalty ?? 0;
  if (frequencyPenalty < -2 || frequencyPenalty > 2) return fail('`frequency_penalty` must be >= -2.0 and <= 2.0');
  if (topP != null && (topP <= 0 || topP >= 1)) return fail('`top_p` must be > 0.0 and < 1.0');
  if (typicalP != null && (typicalP <= 0 || typicalP >= 1)) return fail('`typical_p` must be > 0.0 and < 1.0');
  if (topK != null && topK <= 0) return fail('`top_k` must be strictly positive');
  if (parameters.max_new_tokens === 0) return fail('`max_new_tokens` must be strictly positive');
  const stop = parameters.stop ?? [];
  if (stop.length > limits.maxStopSequences) {
    return fail(`\`stop\` supports up to ${limits.maxStopSequences} stop sequences. Given: ${stop.length}`);
  }
  if (parameters.seed != null && bestOf > 1) return fail('`seed` must not be set when `best_of` > 1');
  const topNTokens = parameters.top_n_tokens ?? 0;
  if (topNTokens > limits.maxTopNTokens) {
    return fail(`\`top_n_tokens\` must be >= 0 and <= ${limits.maxTopNTokens}. Given: ${topNTokens}`);
  }
  if (inputs === '') return fail('`inputs` cannot be empty');
  const truncate = parameters.truncate;
  if (truncate != null && (truncate === 0 || truncate > limits.maxInputTokens)) {
    return fail(`\`truncate\` must be strictly positive and less than ${limits.maxInputTokens}. Given: ${truncate}`);
  }

  // validate_input: the first chunk must fit, then the prompt itself.
  const tokens = countTokens(inputs);
  const inputLength = truncate != null ? Math.min(tokens, truncate) : tokens;
  const requested = parameters.max_new_tokens ?? Math.max(0, limits.maxTotalTokens - inputLength);
  const firstChunk = Math.min(requested, GENERATION_CHUNK);
  if (inputLength + firstChunk > limits.maxTotalTokens) {
    const given = `Given: ${inputLength} \`inputs\` tokens and ${firstChunk} \`max_new_tokens\``;
    return fail(`\`inputs\` tokens + \`max_new_tokens\` must be <= ${limits.maxTotalTokens}. ${given}`);
  }
  if (inputLength > limits.maxInputTokens) {
    return fail(`\`inputs\` must have less than ${limits.maxInputTokens} tokens. Given: ${inputLength}`);
  }

  return {
    ok: true,
    request: {
      inputs,
      inputLength,
      maxNewTokens: reachableTokens(inputLength, requested, limits),
      stop,
      sampling,
      seed: parameters.seed ?? randomSeedFor(inputs),
      details: parameters.details ?? false,
      returnFullText: parameters.return_full_text ?? false,
    },
  };
}

/**
 * After each 1024-token chunk TGI appends the text to the prompt and validates again;
 * when that no longer fits, the stream ends early with `length` (§1.10).
 */
function reachableTokens(inputLength: number, requested: number, limits: ModelLimits): number {
  let generated = 0;
  let chunk = Math.min(requested, GENERATION_CHUNK);
  for (;;) {
    generated += chunk;
    if (generated >= requested) return requested;
    const promptNow = inputLength + generated;
    chunk = Math.min(requested - generated, GENERATION_CHUNK);
    if (promptNow + chunk > limits.maxTotalTokens || promptNow > limits.maxInputTokens) return generated;
  }
}

/**
 * TGI draws a random u64 when no seed is given; the offline model derives one from the
 * prompt so answers stay reproducible. Most such seeds exceed 2^53 (§5.8).
 */
function randomSeedFor(inputs: string): bigint {
  const bytes = new TextEncoder().encode(inputs);
  const high = BigInt(fnv1a32(bytes));
  const low = BigInt(fnv1a32(Uint8Array.from([...bytes, 0x5f])));
  return (high << 32n) | low;
}
