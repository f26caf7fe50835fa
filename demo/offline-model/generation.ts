/**
 * TGI's generation semantics applied to a token script, with no I/O and no clock:
 * incremental detokenisation (docs/upstream-protocol.md §1.6), the stopping criteria in their
 * exact order (§1.7) and the final `generated_text`.
 */
import type { ScriptedToken } from './script.ts';
import { EOS_TOKEN_ID } from './tokenizer.ts';

export interface StreamToken {
  id: number;
  /** Incremental text: "" while a multi-byte character is incomplete (§1.6). */
  text: string;
  logprob: number;
  special: boolean;
}

export type FinishReason = 'length' | 'eos_token' | 'stop_sequence';

export interface Finish {
  reason: FinishReason;
  /** Special tokens skipped, stop text included; the prompt first with `return_full_text`. */
  generatedText: string;
  generatedTokens: number;
  /** The stop string that matched, for `stop_sequence`. */
  stopSequence?: string;
}

export interface GenerationStep {
  /** 1-based, one per token (§1.5). */
  index: number;
  token: StreamToken;
  /** Only on the last step. */
  finish: Finish | null;
}

export interface GenerationResult {
  steps: GenerationStep[];
  /** False when the script ran out before any stopping criterion: TGI's "incomplete generation". */
  finished: boolean;
}

export interface GenerationLimits {
  /** Already resolved by validation, including TGI's 1024-token re-queueing (§1.10). */
  maxNewTokens: number;
  stop: readonly string[];
  /** With `return_full_text`, the final text starts with the prompt. */
  fullTextPrefix?: string;
  /**
   * `suffix`: TGI tests each stop string as a regex `re.escape(s) + "$"` on the text so far.
   * `substring`: vLLM finds the stop string anywhere in the new text and cuts it off (§2.1).
   */
  stopMatching?: 'suffix' | 'substring';
}

/** TGI's `decode_token`: text is only released once it does not end in U+FFFD. */
export function createIncrementalDecoder() {
  // A U+FEFF inside the text is a character like any other (Rust's from_utf8_lossy keeps it).
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  let pending = new Uint8Array(0);
  return {
    push(bytes: Uint8Array): string {
      const joined = new Uint8Array(pending.length + bytes.length);
      joined.set(pending);
      joined.set(bytes, pending.length);
      const text = decoder.decode(joined);
      if (text === '' || text.endsWith('\uFFFD')) {
        pending = joined;
        return '';
      }
      pending = new Uint8Array(0);
      return text;
    },
  };
}

/** Runs the script through the stopping criteria. */
export function generate(script: Iterable<ScriptedToken>, limits: GenerationLimits): GenerationResult {
  const decoder = createIncrementalDecoder();
  const stopCheck = createStopSequenceCheck(limits.stop, limits.stopMatching ?? 'suffix');
  const generated: ScriptedToken[] = [];
  const steps: GenerationStep[] = [];
  for (const scripted of script) {
    generated.push(scripted);
    const token: StreamToken = {
      id: scripted.id,
      text: decoder.push(scripted.bytes),
      logprob: scripted.logprob,
      special: scripted.special,
    };
    const stop = stoppingCriteria(generated.length, token, limits.maxNewTokens, stopCheck);
    const finish = stop && {
      reason: stop.reason,
      generatedText: (limits.fullTextPrefix ?? '') + finalText(generated, stop.cutAt),
      generatedTokens: generated.length,
      stopSequence: stop.stopSequence,
    };
    steps.push({ index: steps.length + 1, token, finish });
    if (finish) return { steps, finished: true };
  }
  return { steps, finished: false };
}

interface Stop {
  reason: FinishReason;
  stopSequence?: string;
  /** vLLM: characters of the text before the stop string. */
  cutAt?: number;
}

/** `StoppingCriteria.__call__`: length first (even for EOS), then EOS, then stop strings. */
function stoppingCriteria(
  currentTokens: number,
  token: StreamToken,
  maxNewTokens: number,
  stopCheck: (text: string) => Omit<Stop, 'reason'> | null,
): Stop | null {
  if (currentTokens >= maxNewTokens) return { reason: 'length' };
  if (token.id === EOS_TOKEN_ID) return { reason: 'eos_token' };
  const match = stopCheck(token.text);
  return match && { reason: 'stop_sequence', ...match };
}

const KEEP_OUTPUT_AFTER = 300;
const KEPT_OUTPUT = 200;

function createStopSequenceCheck(stop: readonly string[], matching: 'suffix' | 'substring') {
  // TGI keeps only the tail of the output for matching (tokens.py, in code points).
  let tail = '';
  // vLLM searches the whole text; `text` is what has been generated so far.
  let text = '';
  return (tokenText: string): Omit<Stop, 'reason'> | null => {
    if (stop.length === 0) return null;
    if (matching === 'substring') {
      const searchFrom = text.length;
      text += tokenText;
      for (const stopSequence of stop) {
        const found = text.indexOf(stopSequence, Math.max(0, searchFrom - stopSequence.length + 1));
        if (found !== -1) return { stopSequence, cutAt: found };
      }
      return null;
    }
    tail += tokenText;
    if (tail.length > KEEP_OUTPUT_AFTER && Array.from(tail).length > KEEP_OUTPUT_AFTER)
      tail = Array.from(tail).slice(-KEPT_OUTPUT).join('');
    for (const stopSequence of stop) {
      // Python's `$` also matches just before a trailing "\n".
      if (tail.endsWith(stopSequence) || tail.endsWith(`${stopSequence}\n`)) return { stopSequence };
    }
    return null;
  };
}

/** `generated_text`: all tokens decoded with special tokens skipped; "" if it ends mid-character. */
function finalText(generated: ScriptedToken[], cutAt?: number): string {
  const ordinary = generated.filter((token) => !token.special);
  const bytes = new Uint8Array(ordinary.reduce((length, token) => length + token.bytes.length, 0));
  let offset = 0;
  for (const token of ordinary) {
    bytes.set(token.bytes, offset);
    offset += token.bytes.length;
  }
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
  if (text.endsWith('\uFFFD')) return '';
  return cutAt === undefined ? text : text.slice(0, cutAt);
}
