/**
 * TGI's OpenAI-compatible routes: `/v1/chat/completions` (docs/upstream-protocol.md §1.11)
 * and `/v1/completions` (§1.12), streaming chunks and non-streaming bodies.
 */
import type { Finish, FinishReason, GenerationResult, GenerationStep } from '../generation.ts';
import { openAiErrorJson, type InferError } from '../infer-error.ts';
import { JsonFloat, toSerdeJson, type JsonValue } from '../serde-json.ts';
import type { ValidRequest } from '../validation.ts';
import type { StreamEncoder } from './stream-encoder.ts';
import { lastFinish } from './tgi-native.ts';

export interface OpenAiContext {
  /** Unix seconds. */
  created: number;
  /** Chat echoes the request's model unless it is absent or "tgi"; completions always say the served id. */
  model: string;
  systemFingerprint: string;
  includeUsage: boolean;
  logprobs: boolean;
}

export const DONE = '[DONE]';

/** An error event, then `[DONE]` all the same (§1.8). */
export const openAiErrorEvents = (error: InferError): string[] => [openAiErrorJson(error), DONE];

/** `FinishReason::format(true)`: only eos_token becomes "stop" (§1.11). */
export function chatFinishReason(reason: FinishReason): string {
  return reason === 'eos_token' ? 'stop' : reason;
}

function usage(finish: Finish, request: ValidRequest): JsonValue {
  return {
    prompt_tokens: request.inputLength,
    completion_tokens: finish.generatedTokens,
    total_tokens: request.inputLength + finish.generatedTokens,
  };
}

export function chatCompletionsEncoder(request: ValidRequest, context: OpenAiContext): StreamEncoder {
  const head = {
    object: 'chat.completion.chunk',
    id: '',
    created: context.created,
    model: context.model,
    system_fingerprint: context.systemFingerprint,
  };
  return {
    step(step: GenerationStep) {
      const { token, finish } = step;
      const chunk = toSerdeJson({
        ...head,
        choices: [
          {
            index: 0,
            // Every chunk repeats the role; special tokens have no content (§1.11).
            delta: { role: 'assistant', content: token.special ? '' : token.text },
            logprobs: context.logprobs
              ? { content: [{ token: token.text, logprob: new JsonFloat(token.logprob), top_logprobs: [] }] }
              : null,
            finish_reason: finish ? chatFinishReason(finish.reason) : null,
          },
        ],
        usage: null,
      });
      if (!finish) return [chunk];
      const usageChunk = context.includeUsage
        ? [toSerdeJson({ ...head, choices: [], usage: usage(finish, request) })]
        : [];
      return [chunk, ...usageChunk, DONE];
    },
    error: openAiErrorEvents,
  };
}

export function completionsEncoder(request: ValidRequest, context: OpenAiContext): StreamEncoder {
  return {
    step(step: GenerationStep) {
      const { token, finish } = step;
      // The raw token text: the final chunk of an EOS finish says "<|endoftext|>" (§1.12).
      const choice = { index: 0, text: token.text, logprobs: null, finish_reason: finish ? finish.reason : '' };
      if (!finish) {
        const { created, model, systemFingerprint } = context;
        return [
          toSerdeJson({
            object: 'text_completion',
            id: '',
            created,
            choices: [choice],
            model,
            system_fingerprint: systemFingerprint,
          }),
        ];
      }
      // The final chunk is another struct, with another key order.
      const final = toSerdeJson({
        object: 'text_completion',
        id: '',
        created: context.created,
        model: context.model,
        system_fingerprint: context.systemFingerprint,
        choices: [choice],
        usage: usage(finish, request),
      });
      return [final, DONE];
    },
    error: openAiErrorEvents,
  };
}

export function chatCompletionJson(result: GenerationResult, request: ValidRequest, context: OpenAiContext): JsonValue {
  const finish = lastFinish(result);
  return {
    object: 'chat.completion',
    id: '',
    created: context.created,
    model: context.model,
    system_fingerprint: context.systemFingerprint,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: finish.generatedText },
        logprobs: null,
        finish_reason: chatFinishReason(finish.reason),
      },
    ],
    usage: usage(finish, request),
  };
}

export function completionJson(result: GenerationResult, request: ValidRequest, context: OpenAiContext): JsonValue {
  const finish = lastFinish(result);
  return {
    object: 'text_completion',
    id: '',
    created: context.created,
    model: context.model,
    system_fingerprint: context.systemFingerprint,
    choices: [{ index: 0, text: finish.generatedText, logprobs: null, finish_reason: finish.reason }],
    usage: usage(finish, request),
  };
}
