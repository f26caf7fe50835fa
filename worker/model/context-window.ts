import type { ChatTurn } from './conversation.ts';

/**
 * A cautious token count without the model's tokenizer: Falcon's BPE averages
 * about four bytes of English per token, so three bytes per token leaves room
 * for code and other languages. Each turn also costs its role label.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(new TextEncoder().encode(text).length / 3);
}

const TOKENS_PER_TURN = 4;

export interface FittedConversation {
  turns: ChatTurn[];
  /** How many of the oldest turns were left out to fit. */
  droppedTurns: number;
  /** The answer's token budget, lowered if the prompt leaves less room. */
  maxNewTokens: number;
}

/** The smallest answer worth asking for; below it the conversation does not fit. */
export const MIN_ANSWER_TOKENS = 64;

/**
 * Drops the oldest turns until the prompt and the answer fit the context,
 * always keeping the system message and the newest question. Returns
 * undefined when even those leave no room for an answer.
 */
export function fitToContext(
  system: string,
  turns: readonly ChatTurn[],
  contextTokens: number,
  maxNewTokens: number,
): FittedConversation | undefined {
  const cost = turns.map((turn) => estimateTokens(turn.content) + TOKENS_PER_TURN);
  const fixed = estimateTokens(system) + TOKENS_PER_TURN + cost[cost.length - 1];
  const room = contextTokens - fixed;
  if (room < MIN_ANSWER_TOKENS) return undefined;

  const answerTokens = Math.min(maxNewTokens, room);
  let used = fixed + answerTokens;
  let first = turns.length - 1;
  while (first > 0 && used + cost[first - 1] <= contextTokens) {
    first--;
    used += cost[first];
  }
  // A conversation should start with a question, not with an answer whose question was dropped.
  if (turns[first]?.role === 'assistant') first++;
  return { turns: turns.slice(first), droppedTurns: first, maxNewTokens: answerTokens };
}
