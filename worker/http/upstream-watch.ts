import type { AnswerPolicy } from '../model/upstream.ts';

/**
 * What the route learns about the upstream while an answer starts: when its
 * response arrived, its status and the retries, for Server-Timing and the
 * log line. `hooks` go into the answer's policy.
 */
export class UpstreamWatch {
  status?: number;
  /** Milliseconds from `received` to the first upstream response. */
  respondedMs?: number;
  retries = 0;
  private responded!: () => void;
  private readonly firstResponse = new Promise<void>((resolve) => {
    this.responded = resolve;
  });

  constructor(readonly received: number) {}

  readonly hooks: Pick<AnswerPolicy, 'onUpstreamResponse' | 'onRetry'> = {
    onUpstreamResponse: (status) => {
      this.status = status;
      this.respondedMs ??= Date.now() - this.received;
      this.responded();
    },
    onRetry: () => {
      this.retries++;
    },
  };

  /**
   * Waits until the upstream has responded, `firstStep` has settled (an early
   * failure travels in the stream as an error event; here it only ends the
   * wait) or `maxMs` have passed, whichever comes first.
   */
  async upstreamStarted(firstStep: Promise<unknown>, maxMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.firstResponse,
      firstStep.then(
        () => {},
        () => {},
      ),
      new Promise((resolve) => {
        timer = setTimeout(resolve, maxMs);
      }),
    ]);
    if (timer !== undefined) clearTimeout(timer);
  }

  /** The `Server-Timing` header: the worker's own checks, and the upstream's response time once known. */
  serverTiming(): string {
    if (this.respondedMs === undefined) {
      return `checks;dur=${Date.now() - this.received};desc="worker checks"`;
    }
    return `checks;dur=0;desc="worker checks", upstream;dur=${this.respondedMs};desc="upstream response"`;
  }
}
