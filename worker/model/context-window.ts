import type { ChatTurn } from './conversation.ts';
import { breakControlStrings, neutraliseTurnText } from './falcon-prompt.ts';
import type { PromptFormat } from './upstream.ts';

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
 * A text as the upstream will get it: the Falcon prompt normalises it (NFKC
 * alone can make one character eighteen) and both formats break control
 * strings, so the count is taken after, not before.
 */
export function textAsSent(text: string, format: PromptFormat): string {
  return format === 'falcon' ? neutraliseTurnText(text) : breakControlStrings(text);
}

/**
 * Drops the oldest turns until the prompt and the answer fit the context,
 * always keeping the system message and the newest question. Returns
 * undefined when even those leave no room for an answer. Every text is
 * counted as `format` will send it.
 */
export function fitToContext(
  system: string,
  turns: readonly ChatTurn[],
  contextTokens: number,
  maxNewTokens: number,
  format: PromptFormat = 'falcon',
): FittedConversation | undefined {
  const tokensOf = (text: string) => estimateTokens(textAsSent(text, format));
  const cost = turns.map((turn) => tokensOf(turn.content) + TOKENS_PER_TURN);
  const fixed = tokensOf(system) + TOKENS_PER_TURN + cost[cost.length - 1];
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
