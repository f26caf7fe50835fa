/**
 * TGI's `InferError`: the Display text, the `error_type`, the status on non-streaming
 * routes, and the two in-band shapes (docs/upstream-protocol.md §1.3, §1.8).
 */
import { toSerdeJson } from './serde-json.ts';

export type InferErrorType =
  | 'validation'
  | 'overloaded'
  | 'generation'
  | 'incomplete_generation'
  | 'incomplete_generation_stream'
  | 'template_error';

export interface InferError {
  type: InferErrorType;
  /** The Display text, e.g. "Input validation error: `top_p` must be > 0.0 and < 1.0". */
  message: string;
}

const STATUS: Record<InferErrorType, number> = {
  validation: 422,
  overloaded: 429,
  generation: 424,
  incomplete_generation: 500,
  incomplete_generation_stream: 500,
  template_error: 422,
};

export const validationError = (text: string): InferError => ({
  type: 'validation',
  message: `Input validation error: ${text}`,
});
export const OVERLOADED: InferError = { type: 'overloaded', message: 'Model is overloaded' };
/** A shard failure as the router words it; the CUDA text is the one in fixture D. */
export const GENERATION_FAILED: InferError = {
  type: 'generation',
  message: 'Request failed during generation: Server error: CUDA out of memory. Tried to allocate 20.00 MiB',
};
export const INCOMPLETE_GENERATION: InferError = { type: 'incomplete_generation', message: 'Incomplete generation' };
export const INCOMPLETE_GENERATION_STREAM: InferError = {
  type: 'incomplete_generation_stream',
  message: 'Incomplete generation stream',
};
export const TEMPLATE_NOT_FOUND: InferError = { type: 'template_error', message: 'Template error: template not found' };

export function statusOf(error: InferError): number {
  return STATUS[error.type];
}

/** `{"error":..,"error_type":..}`: the HTTP error body, and the in-band event on `/generate_stream` and `/`. */
export function nativeErrorJson(error: InferError): string {
  return toSerdeJson({ error: error.message, error_type: error.type });
}

/** The in-band event on chat and completions: always 422, no `error_type` (§1.8). */
export function openAiErrorJson(error: InferError): string {
  return toSerdeJson({ error: { message: error.message, http_status_code: 422 } });
}
