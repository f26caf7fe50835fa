import type { WorkerConfig } from '../config.ts';
import { fitToContext } from '../model/context-window.ts';
import type { GenerationRequest } from '../model/conversation.ts';
import { resolveSystemMessage } from '../model/system-message.ts';
import { ApiError } from './api-error.ts';
import type { ChatRequest } from './chat-request.ts';
import { enforceLimits } from './request-limits.ts';

/**
 * What the model will be asked, once the request has passed the operator's bounds. (The answer's whole plan,
 * handed to its Durable Object, is `AnswerPlan` in worker/answers/answer-plan.ts; this is one part of it.)
 */
export interface ModelRequestPlan {
  request: GenerationRequest;
  /** Oldest turns left out so the conversation fits the model's context. */
  droppedTurns: number;
}

/**
 * Turns a valid request body into the model's request: the operator's size
 * bounds, the system message policy, the context window and the defaults.
 * Throws `ApiError` for a request that cannot be answered.
 */
export function planModelRequest(body: ChatRequest, config: WorkerConfig): ModelRequestPlan {
  enforceLimits(body, config.limits);
  const system = resolveSystemMessage(config.systemMessagePolicy, config.systemMessage, body.system);
  const fitted = fitToContext(
    system,
    body.messages,
    config.limits.contextTokens,
    Math.min(body.maxNewTokens ?? config.defaultMaxNewTokens, config.limits.maxNewTokens),
    config.upstream.promptFormat,
  );
  if (!fitted) {
    throw new ApiError(
      422,
      'conversation_too_long',
      'The question and system message leave the model no room to answer. Ask a shorter question.',
    );
  }
  return {
    request: {
      system,
      turns: fitted.turns,
      // The element's slider stays in range; a hand-made request is brought into it rather than refused.
      temperature: Math.min(2, Math.max(0, body.temperature ?? config.defaultTemperature)),
      maxNewTokens: fitted.maxNewTokens,
    },
    droppedTurns: fitted.droppedTurns,
  };
}
