/**
 * Characters of an answer shown per animation frame, at most. A frame costs
 * in proportion to what it shows (parsing it, styling and laying out what it
 * adds): in `npm run bench`, 500 characters of markdown (headings, lists,
 * tables, code) take 25–30 ms of a phone-speed main thread, 1,000 take 40–50,
 * close to a 50 ms long task. At 60 frames a second this still shows 30,000
 * characters a second, far more than a model sends; only bursts are spread
 * over frames.
 */
export const FRAME_BUDGET = 500;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * Hands text that arrives in bursts to `show` once per animation frame, in
 * order and at most `budget` characters a frame (never cutting a character
 * in two), so a frame's work does not grow with the burst. A hidden page
 * draws no frames: there `drained()` shows the rest at once.
 */
export class TextPacer {
  /** Pieces not shown yet, as pushed: cutting one long string over and over would keep every version of it alive. */
  private pending: string[] = [];
  private frame = 0;
  private whenDrained?: () => void;

  constructor(
    private readonly show: (text: string) => void,
    private readonly budget = FRAME_BUDGET,
  ) {}

  push(text: string): void {
    this.pending.push(text);
    this.frame ||= requestAnimationFrame(this.showNext);
  }

  /** Resolves once everything pushed has been shown, or dropped by `cancel()`. */
  drained(): Promise<void> {
    if (document.hidden) this.showNext();
    if (!this.pending.length) return Promise.resolve();
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    return new Promise((resolve) => (this.whenDrained = resolve));
  }

  /** Drops what has not been shown yet. */
  cancel(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = [];
    this.finish();
  }

  private showNext = (): void => {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const text = document.hidden ? this.pending.splice(0).join('') : this.takeBudget();
    if (text) this.show(text);
    if (this.pending.length) this.frame = requestAnimationFrame(this.showNext);
    else this.finish();
  };

  /** Whole pieces up to the budget; a piece longer than the budget is cut, between characters. */
  private takeBudget(): string {
    let text = '';
    while (this.pending.length) {
      const next = this.pending[0];
      const room = this.budget - text.length;
      if (next.length <= room) {
        text += this.pending.shift();
      } else {
        if (text) break;
        const end = isHighSurrogate(next.charCodeAt(room - 1)) ? room + 1 : room;
        this.pending[0] = next.slice(end);
        return next.slice(0, end);
      }
    }
    return text;
  }

  private onVisibilityChange = (): void => {
    if (document.hidden) this.showNext();
  };

  private finish(): void {
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.whenDrained?.();
    this.whenDrained = undefined;
  }
}
