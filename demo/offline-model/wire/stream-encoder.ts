import type { GenerationStep } from '../generation.ts';
import type { InferError } from '../infer-error.ts';

/** Turns generation steps and errors into the SSE data payloads of one route. */
export interface StreamEncoder {
  /** Payloads for one generated token; on the last step also what closes the stream (usage, `[DONE]`). */
  step(step: GenerationStep): string[];
  /** In-band error payloads that end the stream. */
  error(error: InferError): string[];
}
