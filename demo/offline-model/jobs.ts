/**
 * How each generation route turns its body into one TGI generate request, and how it
 * writes the result: TGI's own routes (docs/upstream-protocol.md §1.2), chat completions
 * (§1.11) and completions (§1.12), each in the TGI or the vLLM flavour.
 */
import type { GenerationResult } from './generation.ts';
import type { InferError } from './infer-error.ts';
import { MAX_CLIENT_BATCH_SIZE, SYSTEM_FINGERPRINT } from './model-card.ts';
import { questionInMessages, questionInPrompt, renderChatTemplate, type ChatMessage } from './prompt.ts';
import type { RouteName } from './routes.ts';
import type { Scenario } from './scenario.ts';
import { toSerdeJson, type JsonValue } from './serde-json.ts';
import { fnv1a32 } from './tokenizer.ts';
import type { GenerateParameters, GenerateRequest, ValidRequest } from './validation.ts';
import {
  chatCompletionJson,
  chatCompletionsEncoder,
  completionJson,
  completionsEncoder,
  openAiErrorEvents,
  type OpenAiContext,
} from './wire/openai-tgi.ts';
import {
  vllmChatCompletionJson,
  vllmChatEncoder,
  vllmCompletionJson,
  vllmCompletionsEncoder,
  type VllmContext,
} from './wire/openai-vllm.ts';
import { llamaCppChatEncoder, llamaCppErrorEvents, llamaCppId } from './wire/llama-cpp.ts';
import type { StreamEncoder } from './wire/stream-encoder.ts';
import { generateResponseJson, generateStreamEncoder, nativeErrorEvents } from './wire/tgi-native.ts';

/** One generation, ready to validate and run. */
export interface Job {
  request: GenerateRequest;
  streaming: boolean;
  /** The user's question, which the demo answer quotes. */
  question: string;
  /** Served like vLLM's OpenAI server rather than TGI (only on the OpenAI routes). */
  vllm: boolean;
  /** Served like llama.cpp's llama-server (only on chat completions). */
  llamaCpp?: boolean;
  /** In-band error payloads of this route (needs no valid request). */
  errorPayloads(error: InferError): string[];
  encoder(request: ValidRequest): StreamEncoder;
  /** The non-streaming body. */
  body(result: GenerationResult, request: ValidRequest): JsonValue;
}

/** A route's refusal before generation: status and JSON body. */
export interface Refusal {
  status: number;
  body: string;
}

export interface JobContext {
  scenario: Scenario;
  /** The served model: `/info.model_id`. */
  servedModel: string;
  /** Unix seconds. */
  created: number;
}

export function jobFor(route: RouteName, body: Record<string, unknown>, context: JobContext): Job | Refusal {
  switch (route) {
    case 'generate_stream':
      return nativeJob(body);
    case 'chat_completions':
      return chatJob(body, context);
    case 'completions':
      return completionsJob(body, context);
    default:
      throw new Error(`${route} does not generate`);
  }
}

function nativeJob(body: Record<string, unknown>): Job {
  const inputs = body.inputs as string;
  // Without `parameters` TGI samples (`default_parameters()` sets do_sample, §1.2).
  const parameters = (body.parameters as GenerateParameters | undefined) ?? { do_sample: true };
  return {
    request: { inputs, parameters },
    streaming: true,
    question: questionInPrompt(inputs),
    vllm: false,
    errorPayloads: nativeErrorEvents,
    encoder: generateStreamEncoder,
    // The `json-200` fault answers the stream with /generate's whole-answer JSON.
    body: generateResponseJson,
  };
}

/** temperature 0 means greedy on the OpenAI routes, not an error (§1.11, §1.12). */
function sampling(temperature: unknown): Pick<GenerateParameters, 'do_sample' | 'temperature'> {
  return temperature === 0
    ? { do_sample: false, temperature: null }
    : { do_sample: true, temperature: temperature as number | null | undefined };
}

function openAiContext(body: Record<string, unknown>, context: JobContext, model: string, prompt: string) {
  const streamOptions = body.stream_options as { include_usage?: boolean } | null | undefined;
  const base: OpenAiContext = {
    created: context.created,
    model,
    systemFingerprint: SYSTEM_FINGERPRINT,
    includeUsage: streamOptions?.include_usage ?? false,
    logprobs: body.logprobs === true,
  };
  const vllm: VllmContext = { ...base, model: context.servedModel, id: responseId(prompt, context.created) };
  return { base, vllm, isVllm: context.scenario.flavour === 'vllm' };
}

function chatJob(body: Record<string, unknown>, context: JobContext): Job {
  const messages = body.messages as ChatMessage[];
  const inputs = renderChatTemplate(messages);
  // Chat echoes the request's model unless it is absent or "tgi" (§1.11).
  const echoed = typeof body.model === 'string' && body.model !== 'tgi' ? body.model : context.servedModel;
  const { base, vllm, isVllm } = openAiContext(body, context, echoed, inputs);
  const isLlamaCpp = context.scenario.flavour === 'llamacpp';
  const llamaCpp = {
    created: context.created,
    model: echoed,
    id: llamaCppId(inputs, context.created),
    firstDelayMs: context.scenario.firstDelay,
    delayMs: context.scenario.delay,
  };
  const presencePenalty = body.presence_penalty as number | null | undefined;
  return {
    request: {
      inputs,
      parameters: {
        ...sampling(body.temperature),
        repetition_penalty: presencePenalty == null ? null : presencePenalty + 2,
        frequency_penalty: body.frequency_penalty as number | null | undefined,
        top_p: body.top_p as number | null | undefined,
        max_new_tokens: (body.max_tokens ?? body.max_completion_tokens) as number | null | undefined,
        stop: (body.stop as string[] | null | undefined) ?? [],
        seed: body.seed as number | bigint | null | undefined,
        top_n_tokens: body.top_logprobs as number | null | undefined,
        details: true,
      },
    },
    streaming: body.stream === true,
    question: questionInMessages(messages),
    vllm: isVllm,
    llamaCpp: isLlamaCpp,
    errorPayloads: isLlamaCpp ? llamaCppErrorEvents : openAiErrorEvents,
    encoder: (request) =>
      isLlamaCpp
        ? llamaCppChatEncoder(request, llamaCpp)
        : isVllm
          ? vllmChatEncoder(request, vllm)
          : chatCompletionsEncoder(request, base),
    body: (result, request) =>
      isVllm ? vllmChatCompletionJson(result, request, vllm) : chatCompletionJson(result, request, base),
  };
}

function completionsJob(body: Record<string, unknown>, context: JobContext): Job | Refusal {
  if (body.suffix != null) {
    return refusal('Suffix is not supported and can be achieved by preprocessing the prompt.', 'suffix not supported');
  }
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : (body.prompt as string[]);
  if (prompts.length > MAX_CLIENT_BATCH_SIZE) {
    return refusal(
      `Number of prompts exceeds the maximum allowed batch size of ${MAX_CLIENT_BATCH_SIZE}`,
      'batch size exceeded',
    );
  }
  // Only the first prompt of a batch is answered (a simplification).
  const inputs = prompts[0];
  // Completions never echo the request's model (§1.12).
  const { base, vllm, isVllm } = openAiContext(body, context, context.servedModel, inputs);
  const streaming = body.stream === true;
  return {
    request: {
      inputs,
      parameters: {
        ...sampling(body.temperature),
        repetition_penalty: body.repetition_penalty as number | null | undefined,
        frequency_penalty: body.frequency_penalty as number | null | undefined,
        top_p: body.top_p as number | null | undefined,
        max_new_tokens: body.max_tokens as number | null | undefined,
        stop: (body.stop as string[] | null | undefined) ?? [],
        seed: body.seed as number | bigint | null | undefined,
        details: true,
        decoder_input_details: !streaming,
      },
    },
    streaming,
    // `return_full_text` and `details` in the body are ignored here (§1.12).
    question: questionInPrompt(inputs),
    vllm: isVllm,
    errorPayloads: openAiErrorEvents,
    encoder: (request) => (isVllm ? vllmCompletionsEncoder(request, vllm) : completionsEncoder(request, base)),
    body: (result, request) =>
      isVllm ? vllmCompletionJson(result, request, vllm) : completionJson(result, request, base),
  };
}

function refusal(error: string, errorType: string): Refusal {
  return { status: 422, body: toSerdeJson({ error, error_type: errorType }) };
}

/** vLLM's random request id, derived from the prompt here so responses are reproducible. */
function responseId(prompt: string, created: number): string {
  const bytes = new TextEncoder().encode(`${created}:${prompt}`);
  return [0, 1, 2, 3]
    .map((salt) =>
      fnv1a32(Uint8Array.from([...bytes, salt]))
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
}
