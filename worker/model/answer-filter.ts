/**
 * Turns the raw pieces an upstream streams into exactly the answer a visitor
 * should see, whatever way the upstream splits its text:
 * - nothing from the first stop string on (TGI streams a stop sequence token by
 *   token before it knows it is one, so any tail that could still grow into a
 *   stop string is held back until the next piece decides it);
 * - no leading whitespace before the first visible character (Falcon's first
 *   token is `" Hello"`);
 * - never half of a UTF-16 surrogate pair (an upstream that escapes an emoji
 *   as two `\uXXXX` halves may put them in different events).
 */
export class AnswerFilter {
  private held = '';
  private started = false;
  private stopped = false;

  private readonly longestStop: number;
  private readonly firstCharacters: Set<string>;

  constructor(private readonly stopStrings: readonly string[]) {
    this.longestStop = Math.max(0, ...stopStrings.map((stop) => stop.length));
    this.firstCharacters = new Set(stopStrings.map((stop) => stop[0]));
  }

  /** True once a stop string has been seen: the answer is complete. */
  get hitStop(): boolean {
    return this.stopped;
  }

  /** Feeds one upstream piece; returns the text that is now safe to show. */
  push(piece: string): string {
    if (this.stopped || piece === '') return '';
    let text = this.held + piece;
    this.held = '';

    const stopAt = this.firstStopIndex(text);
    if (stopAt !== -1) {
      this.stopped = true;
      text = text.slice(0, stopAt);
    } else {
      const keep = Math.max(this.undecidedTailLength(text), endsInHighSurrogate(text) ? 1 : 0);
      this.held = text.slice(text.length - keep);
      text = text.slice(0, text.length - keep);
    }
    return this.withoutLeadingWhitespace(text);
  }

  /** The upstream has finished: whatever was held back was not a stop string. */
  flush(): string {
    if (this.stopped) return '';
    const rest = this.held;
    this.held = '';
    return this.withoutLeadingWhitespace(rest);
  }

  private firstStopIndex(text: string): number {
    let first = -1;
    for (const stop of this.stopStrings) {
      const at = text.indexOf(stop);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    }
    return first;
  }

  /** Length of the longest tail of `text` that is a proper prefix of a stop string. */
  private undecidedTailLength(text: string): number {
    // Runs once per piece of every answer: only tails starting with a stop string's first character are candidates.
    for (let start = Math.max(0, text.length - this.longestStop + 1); start < text.length; start++) {
      if (!this.firstCharacters.has(text[start])) continue;
      const tail = text.slice(start);
      if (this.stopStrings.some((stop) => stop.length > tail.length && stop.startsWith(tail))) return tail.length;
    }
    return 0;
  }

  private withoutLeadingWhitespace(text: string): string {
    if (this.started) return text;
    const trimmed = text.trimStart();
    if (trimmed !== '') this.started = true;
    return trimmed;
  }
}

function endsInHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}
