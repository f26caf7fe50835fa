/**
 * The "vLLM flavour" of the OpenAI routes (docs/upstream-protocol.md §2.1, inferred): ids
 * `cmpl-…`/`chatcmpl-…`, finish_reason "stop"/"length" with a `stop_reason`, special
 * tokens skipped, and stop strings left out of the text. To leave them out while
 * streaming, vLLM holds back the last (longest stop − 1) characters until it knows
 * they do not start a stop string.
 */
import type { Finish, GenerationResult, GenerationStep } from '../generation.ts';
import { toSerdeJson, type JsonValue } from '../serde-json.ts';
import type { ValidRequest } from '../validation.ts';
import { DONE, openAiErrorEvents, type OpenAiContext } from './openai-tgi.ts';
import type { StreamEncoder } from './stream-encoder.ts';
import { lastFinish } from './tgi-native.ts';

export interface VllmContext extends OpenAiContext {
  /** Hex id shared by all chunks of a response. */
  id: string;
}

function finishReason(finish: Finish): string {
  return finish.reason === 'length' ? 'length' : 'stop';
}

function stopReason(finish: Finish): string | null {
  return finish.reason === 'stop_sequence' ? (finish.stopSequence ?? null) : null;
}

function usage(finish: Finish, request: ValidRequest): JsonValue {
  return {
    prompt_tokens: request.inputLength,
    total_tokens: request.inputLength + finish.generatedTokens,
    completion_tokens: finish.generatedTokens,
  };
}

/** Streams text deltas, holding back what might still turn out to be a stop string. */
function createHoldBack(request: ValidRequest) {
  const holdBack = request.stop.reduce((longest, stop) => Math.max(longest, stop.length - 1), 0);
  let text = '';
  let sent = 0;
  return (step: GenerationStep): string => {
    if (!step.token.special) text += step.token.text;
    const end = step.finish ? step.finish.generatedText.length : Math.max(sent, text.length - holdBack);
    const source = step.finish ? step.finish.generatedText : text;
    const delta = source.slice(sent, end);
    sent = Math.max(sent, end);
    return delta;
  };
}

export function vllmChatEncoder(request: ValidRequest, context: VllmContext): StreamEncoder {
  const head = {
    id: `chatcmpl-${context.id}`,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
  };
  const nextDelta = createHoldBack(request);
  const chunk = (delta: JsonValue, finish: Finish | null) =>
    toSerdeJson({
      ...head,
      choices: [
        finish
          ? { index: 0, delta, logprobs: null, finish_reason: finishReason(finish), stop_reason: stopReason(finish) }
          : { index: 0, delta, logprobs: null, finish_reason: null },
      ],
    });
  return {
    step(step) {
      const payloads = step.index === 1 ? [chunk({ role: 'assistant', content: '' }, null)] : [];
      const delta = nextDelta(step);
      if (!step.finish) return delta === '' ? payloads : [...payloads, chunk({ content: delta }, null)];
      payloads.push(chunk({ content: delta }, step.finish));
      if (context.includeUsage)
        payloads.push(toSerdeJson({ ...head, choices: [], usage: usage(step.finish, request) }));
      return [...payloads, DONE];
    },
    error: openAiErrorEvents,
  };
}

export function vllmCompletionsEncoder(request: ValidRequest, context: VllmContext): StreamEncoder {
  const head = { id: `cmpl-${context.id}`, object: 'text_completion', created: context.created, model: context.model };
  const nextDelta = createHoldBack(request);
  return {
    step(step) {
      const text = nextDelta(step);
      const { finish } = step;
      if (!finish && text === '') return [];
      const choice = {
        index: 0,
        text,
        logprobs: null,
        finish_reason: finish ? finishReason(finish) : null,
        stop_reason: finish ? stopReason(finish) : null,
      };
      const payloads = [toSerdeJson({ ...head, choices: [choice], usage: null })];
      if (finish && context.includeUsage)
        payloads.push(toSerdeJson({ ...head, choices: [], usage: usage(finish, request) }));
      return finish ? [...payloads, DONE] : payloads;
    },
    error: openAiErrorEvents,
  };
}

export function vllmChatCompletionJson(
  result: GenerationResult,
  request: ValidRequest,
  context: VllmContext,
): JsonValue {
  const finish = lastFinish(result);
  return {
    id: `chatcmpl-${context.id}`,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: finish.generatedText },
        logprobs: null,
        finish_reason: finishReason(finish),
        stop_reason: stopReason(finish),
      },
    ],
    usage: usage(finish, request),
  };
}

export function vllmCompletionJson(result: GenerationResult, request: ValidRequest, context: VllmContext): JsonValue {
  const finish = lastFinish(result);
  return {
    id: `cmpl-${context.id}`,
    object: 'text_completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        text: finish.generatedText,
        logprobs: null,
        finish_reason: finishReason(finish),
        stop_reason: stopReason(finish),
      },
    ],
    usage: usage(finish, request),
  };
}
