/**
 * Writes a planned stream to a live response at the scenario's pace: a delay before the
 * first token and between tokens, axum's keep-alive comment after each silent interval
 * (reset by every write, docs/upstream-protocol.md §1.4), back-pressure, and cut writes.
 * `cancel()` (the client left) clears every timer at once, so generation really stops (§1.9).
 */
/// <reference types="node" />
import type { ServerResponse } from 'node:http';
import type { Scenario } from './scenario.ts';
import { frameAction, type StreamAction } from './stream-plan.ts';
import { sseComment, type Framing } from './wire/sse.ts';
import { cutForWrites } from './write-pieces.ts';

/** How a planned stream stopped. */
export type StreamEnd = 'ended' | 'close-abruptly' | 'stalled' | 'cancelled';

export class PacedWriter {
  #cancelled = false;
  #keepAliveOn = false;
  #keepAlive: NodeJS.Timeout | undefined;
  #sleepTimeout: NodeJS.Timeout | undefined;
  #sleepImmediate: NodeJS.Immediate | undefined;
  #wake: (() => void) | undefined;
  #queue: Promise<void> = Promise.resolve();
  /** Frames `burst` holds back until the stream ends. */
  #burst = '';

  constructor(
    private readonly response: ServerResponse,
    private readonly scenario: Scenario,
    private readonly framing: Framing,
  ) {}

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Stops everything: pending delays resolve as cancelled, keep-alives end, writes are skipped. */
  cancel(): void {
    this.#cancelled = true;
    this.#stopKeepAlive();
    clearTimeout(this.#sleepTimeout);
    if (this.#sleepImmediate) clearImmediate(this.#sleepImmediate);
    this.#wake?.();
  }

  /** Waits `ms` (at least one turn of the event loop); false when cancelled meanwhile. */
  sleep(ms: number): Promise<boolean> {
    if (this.#cancelled) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        this.#sleepTimeout = undefined;
        this.#sleepImmediate = undefined;
        resolve(!this.#cancelled);
      };
      if (ms > 0) this.#sleepTimeout = setTimeout(this.#wake, ms);
      else this.#sleepImmediate = setImmediate(this.#wake);
    });
  }

  /** Milliseconds of generation time for `tokens` tokens. */
  generationTime(tokens: number): number {
    return tokens === 0 ? 0 : this.scenario.firstDelay + (tokens - 1) * this.scenario.delay;
  }

  /** Plays `actions`; `onToken` runs after each token's events are written. */
  async play(actions: readonly StreamAction[], onToken: () => void): Promise<StreamEnd> {
    this.#keepAliveOn = true;
    this.#armKeepAlive();
    for (const action of actions) {
      const wait =
        action.wait === 'first-token'
          ? this.scenario.firstDelay
          : action.wait === 'next-token'
            ? this.scenario.delay
            : null;
      if (wait !== null && !(await this.sleep(wait))) return 'cancelled';
      if (action.kind === 'close-abruptly') {
        this.#releaseBurst();
        await this.#queue;
        this.#stopKeepAlive();
        return 'close-abruptly';
      }
      if (action.kind === 'endless') {
        this.#releaseBurst();
        if (
          !(await this.#writeEndless(action.sse ? `data:${this.framing.space ? ' ' : ''}${action.head}` : action.head))
        )
          return 'cancelled';
        break;
      }
      // Keep-alives go on until the client gives up.
      if (action.kind === 'stall') {
        this.#releaseBurst();
        return 'stalled';
      }
      for (const frame of frameAction(action, this.framing)) {
        if (this.scenario.burst) this.#burst += frame;
        else this.#enqueue(frame);
      }
      await this.#queue;
      if (this.#cancelled) return 'cancelled';
      if (action.kind === 'events' && action.token) onToken();
      if (action.kind === 'malformed') break;
    }
    this.#releaseBurst();
    this.#stopKeepAlive();
    await this.#queue;
    return this.#cancelled ? 'cancelled' : 'ended';
  }

  /** `head`, then `chunk` bytes (default 1 KiB) of filler per `delay` until cancelled or `line-bytes` are out. */
  async #writeEndless(head: string): Promise<boolean> {
    this.#stopKeepAlive();
    const piece = Buffer.alloc(this.scenario.chunk ?? 1024, 'x');
    await this.#writeNow(Buffer.from(head));
    for (let sent = 0; this.scenario.lineBytes === null || sent < this.scenario.lineBytes; sent += piece.length) {
      if (this.#cancelled) return false;
      await this.#writeNow(piece);
      if (!(await this.sleep(this.scenario.delay))) return false;
    }
    return !this.#cancelled;
  }

  async #writeNow(bytes: Buffer): Promise<void> {
    if (!this.response.write(bytes)) await this.#drained();
  }

  /** Sends what `burst` held back, in one write. */
  #releaseBurst(): void {
    if (this.#burst !== '') this.#enqueue(this.#burst);
    this.#burst = '';
  }

  #armKeepAlive(): void {
    clearTimeout(this.#keepAlive);
    if (!this.#keepAliveOn || this.#cancelled) return;
    this.#keepAlive = setTimeout(() => this.#enqueue(sseComment('', this.framing)), this.scenario.keepalive);
  }

  #stopKeepAlive(): void {
    this.#keepAliveOn = false;
    clearTimeout(this.#keepAlive);
  }

  /** Writes go one after another, so keep-alives never land inside a cut-up event. */
  #enqueue(frame: string): void {
    this.#queue = this.#queue
      .then(() => this.#write(frame))
      .then(() => this.#armKeepAlive())
      .catch(() => this.cancel());
  }

  async #write(frame: string): Promise<void> {
    const pieces = cutForWrites(Buffer.from(frame), {
      chunk: this.scenario.chunk,
      splitUtf8: this.scenario.split === 'utf8',
    });
    for (const piece of pieces) {
      if (this.#cancelled) return;
      if (pieces.length === 1) {
        if (!this.response.write(piece)) await this.#drained();
        continue;
      }
      // Each piece its own write, flushed before the next, so it travels on its own.
      await new Promise<void>((resolve) => {
        const done = () => {
          this.response.off('close', done);
          resolve();
        };
        this.response.once('close', done);
        this.response.write(piece, done);
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }
}
