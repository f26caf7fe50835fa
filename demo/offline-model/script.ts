/**
 * The token script the offline "model" follows: the answer tokenised, a deterministic
 * logprob for each token, and the ending. TGI semantics (where to stop, what to stream)
 * are applied later by generation.ts, exactly as they would be to a real model's tokens.
 */
import { benchmarkIntro, benchmarkSection, demoAnswer } from './answer.ts';
import { createIncrementalDecoder } from './generation.ts';
import { EOS_TOKEN, fnv1a32, tokenize, tokenizeAt, type VocabToken } from './tokenizer.ts';

export interface ScriptedToken extends VocabToken {
  logprob: number;
}

export type Ending = 'eos' | 'stop-sequence';

export interface ScriptOptions {
  /** Make the whole generation exactly this many tokens, EOS included (benchmarks). */
  tokens?: number | null;
  /** `stop-sequence`: after the answer the model goes on with "\nUser: Thanks!" before EOS (docs/upstream-protocol.md §1.7). */
  ending?: Ending;
  /** Say exactly this instead of the demo answer (`answer=`). */
  answer?: string | null;
  /** Cut the answer into tokens at these UTF-16 indices, or at every one (`split-at=`), instead of word pieces. */
  splitAt?: readonly number[] | 'every' | null;
}

/** The model's next turn, as it would continue after "\nUser:" if nothing stopped it. */
const RUN_ON_TURN = '\nUser: Thanks!';

export function answerScript(
  question: string,
  { tokens = null, ending = 'eos', answer: text = null, splitAt = null }: ScriptOptions = {},
): ScriptedToken[] {
  const answerText = text ?? demoAnswer(question);
  const answer =
    tokens !== null
      ? benchmarkTokens(question, tokens - 1)
      : splitAt !== null
        ? tokenizeAt(answerText, splitAt)
        : tokenize(answerText);
  const ended = ending === 'stop-sequence' ? [...answer, ...tokenize(RUN_ON_TURN), EOS_TOKEN] : [...answer, EOS_TOKEN];
  return ended.map((token, position) => ({ ...token, logprob: logprobFor(token.id, position) }));
}

/** Exactly `count` tokens of endless markdown, never ending inside a character. */
function benchmarkTokens(question: string, count: number): VocabToken[] {
  const tokens = tokenize(benchmarkIntro(question));
  for (let part = 1; tokens.length < count; part++) tokens.push(...tokenize(benchmarkSection(part)));
  const kept = tokens.slice(0, Math.max(0, count));
  // A cut between the two halves of an emoji would leave half a character before EOS.
  const decoder = createIncrementalDecoder();
  let lastComplete = 0;
  kept.forEach((token, index) => {
    if (decoder.push(token.bytes) !== '') lastComplete = index + 1;
  });
  const [period] = tokenize('.');
  for (let index = lastComplete; index < kept.length; index++) kept[index] = period;
  return kept;
}

/** A plausible, stable logprob: mostly close to 0, sometimes a few nats down. */
function logprobFor(id: number, position: number): number {
  const unit = fnv1a32(Uint8Array.of(id & 0xff, (id >> 8) & 0xff, position & 0xff, (position >> 8) & 0xff)) / 2 ** 32;
  return -(unit ** 3 * 4 + 0.0001);
}
