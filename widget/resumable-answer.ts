import { ChatError } from './chat-error.ts';
import type { ChatStreamEvent } from './chat-stream.ts';

/** Where an answer can be picked up again: its handle and the id of the last event received. */
export interface ResumePoint {
  handle: string;
  lastId: number;
}

export interface ResumableAnswerOptions {
  signal: AbortSignal;
  /** Opens the answer after event `from` (`resume` of chat-client, with the element's endpoint and headers). */
  resume: (handle: string, from: number, signal: AbortSignal) => AsyncGenerator<ChatStreamEvent>;
  /** True while the connection is down and being tried again; false once events flow again. */
  onReconnecting: (reconnecting: boolean) => void;
  /** Each new resume point, so an answer cut short by a reload can be picked up. */
  onResumePoint?: (point: ResumePoint) => void;
  /** How long to keep trying before the failure is the visitor's to see. */
  giveUpMs?: number;
}

/** The waits between tries while the worker cannot be reached: quick at first, then every few seconds; `online` cuts one short. */
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

/**
 * An answer that survives a dropped connection. It reads `first` (the
 * question's own response, or a resume after a reload); when that breaks
 * before its end, it asks the worker for the events after the last id it saw,
 * so the text goes on with nothing missing or repeated. A stream that was
 * delivering is picked up at once; one that opened and broke before any event
 * (the browser may drop the bytes that came just before a cut) is tried again
 * shortly, not later and later, since an answer nobody reads is soon cancelled;
 * an unreachable worker is tried with backoff, and at once when the browser is
 * back online. After `giveUpMs` without an event the last failure is thrown, as
 * a stream that cannot be resumed throws at once.
 */
export async function* resumableAnswer(
  first: AsyncGenerator<ChatStreamEvent>,
  { signal, resume, onReconnecting, onResumePoint, giveUpMs = 30_000 }: ResumableAnswerOptions,
  start?: ResumePoint,
): AsyncGenerator<ChatStreamEvent> {
  let point = start;
  let failingSince: number | undefined;
  let stream = first;
  for (let unreachable = 0; ; ) {
    let delivered = false;
    try {
      for await (const event of stream) {
        delivered = true;
        if (event.type === 'handle') point = { handle: event.handle, lastId: event.id ?? 0 };
        else if (point && event.id !== undefined) point = { ...point, lastId: event.id };
        if (failingSince !== undefined) {
          failingSince = undefined;
          unreachable = 0;
          onReconnecting(false);
        }
        if (point) onResumePoint?.(point);
        yield event;
      }
      return;
    } catch (error) {
      if (signal.aborted || !point || !isConnectionFailure(error)) throw error;
      failingSince ??= Date.now();
      if (Date.now() - failingSince >= giveUpMs) throw error;
      onReconnecting(true);
      const wait = delivered
        ? 0
        : error.code === 'connection-lost'
          ? BACKOFF_MS[0]
          : BACKOFF_MS[Math.min(unreachable++, BACKOFF_MS.length - 1)];
      await waitToRetry(wait, signal);
      stream = resume(point.handle, point.lastId, signal);
    }
  }
}

/** A failure of the connection, not of the answer: worth trying again. */
function isConnectionFailure(error: unknown): error is ChatError {
  return (
    error instanceof ChatError && (error.code === 'connection-lost' || error.code === 'network') && !error.serverCode
  );
}

/** Waits `ms`, or less when the browser comes back online; rejects with the abort reason when the run ends. */
function waitToRetry(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanUp = () => {
      clearTimeout(timer);
      removeEventListener('online', done);
      signal.removeEventListener('abort', aborted);
    };
    const done = () => {
      cleanUp();
      resolve();
    };
    const aborted = () => {
      cleanUp();
      reject(signal.reason);
    };
    const timer = setTimeout(done, ms);
    addEventListener('online', done);
    signal.addEventListener('abort', aborted, { once: true });
  });
}
