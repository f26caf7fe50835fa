/**
 * Every request the offline model sees, so tests can check what the worker sent
 * (headers, body) and how the exchange ended (completed, fault, or the client went away).
 * Waiters are woken by an event emitter, never by polling.
 */
import { EventEmitter } from 'node:events';
import type { Scenario } from './scenario.ts';

export type Outcome = 'completed' | 'client-closed' | 'fault';

export interface RequestRecord {
  seq: number;
  /** The scenario's `tag`, or null. */
  tag: string | null;
  method: string;
  /** Path as requested, scenario prefix included, query left out. */
  path: string;
  /** The route it reached (`completions`, `generate_stream`, …), or null. */
  route: string | null;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON, else the raw text ("" when empty). */
  body: unknown;
  scenario: Scenario | null;
  status: number | null;
  /** Epoch milliseconds. */
  startedAt: number;
  firstTokenAt: number | null;
  endedAt: number | null;
  tokensSent: number;
  /** Null while the exchange is under way. */
  outcome: Outcome | null;
  /** When the connection carrying the response closed. */
  closedAt: number | null;
}

export type WaitOutcome = Outcome | 'any';

/** Old records are dropped beyond this, so long benchmark runs stay small. */
const MAX_RECORDS = 5_000;

export class RequestLog {
  #records: RequestRecord[] = [];
  #nextSeq = 1;
  readonly #ended = new EventEmitter().setMaxListeners(0);

  start(fields: Pick<RequestRecord, 'method' | 'path' | 'headers' | 'body'>): RequestRecord {
    const record: RequestRecord = {
      seq: this.#nextSeq++,
      tag: null,
      route: null,
      scenario: null,
      status: null,
      startedAt: Date.now(),
      firstTokenAt: null,
      endedAt: null,
      tokensSent: 0,
      outcome: null,
      closedAt: null,
      ...fields,
    };
    this.#records.push(record);
    if (this.#records.length > MAX_RECORDS) this.#records.shift();
    return record;
  }

  /** Records the end of an exchange once; later calls are ignored. */
  end(record: RequestRecord, outcome: Outcome): void {
    if (record.outcome !== null) return;
    record.outcome = outcome;
    record.endedAt = Date.now();
    this.#ended.emit('ended', record);
  }

  /** Copies, oldest first; only those with `tag` when given. */
  list(tag?: string): RequestRecord[] {
    return this.#records.filter((record) => tag === undefined || record.tag === tag).map((record) => ({ ...record }));
  }

  clear(): void {
    this.#records = [];
  }

  /**
   * The latest record with `tag` (any tag when undefined) that has ended as `outcome`,
   * waiting for one up to `timeoutMs`. Rejects with `WaitTimeout`, or when `signal` aborts.
   */
  waitFor(
    tag: string | undefined,
    outcome: WaitOutcome = 'any',
    timeoutMs = 10_000,
    signal?: AbortSignal,
  ): Promise<RequestRecord> {
    const matches = (record: RequestRecord) =>
      (tag === undefined || record.tag === tag) &&
      record.outcome !== null &&
      (outcome === 'any' || record.outcome === outcome);
    const done = this.#records.findLast(matches);
    if (done) return Promise.resolve({ ...done });
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.#ended.off('ended', onEnded);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const onEnded = (record: RequestRecord) => {
        if (matches(record)) finish(() => resolve({ ...record }));
      };
      const onAbort = () => finish(() => reject(signal?.reason));
      const timer = setTimeout(
        () =>
          finish(() => reject(new WaitTimeout(`no request tagged ${tag} ended as ${outcome} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      this.#ended.on('ended', onEnded);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
}
