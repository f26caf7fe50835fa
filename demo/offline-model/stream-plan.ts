/**
 * What a streaming response will do, decided before the first byte: which events, in
 * which order, where a fault cuts in, where comments go. The plan is pure data; the
 * server paces it (stream-writer.ts) and tests read it as bytes (`renderPlan`).
 */
import type { GenerationResult } from './generation.ts';
import { GENERATION_FAILED, INCOMPLETE_GENERATION_STREAM, type InferError } from './infer-error.ts';
import type { Fault } from './scenario.ts';
import { sseComment, sseEvent, type Framing } from './wire/sse.ts';
import type { StreamEncoder } from './wire/stream-encoder.ts';

/** When an action happens: at once, after the first-token delay, or after the per-token delay. */
export type Wait = 'none' | 'first-token' | 'next-token';

export type StreamAction =
  | {
      kind: 'events';
      wait: Wait;
      payloads: string[];
      /** The events of one generated token (counted in the log's `tokensSent`). */
      token: boolean;
      /** False for the `no-final-newline` fault: the last event lacks its blank line. */
      terminated: boolean;
    }
  | { kind: 'comment'; wait: Wait; text: string }
  /** `data: {not json`, then the body ends. */
  | { kind: 'malformed'; wait: Wait }
  /** Destroy the socket: no error event, no terminating chunk. */
  | { kind: 'close-abruptly'; wait: Wait }
  /** Send nothing more (keep-alives aside) until the client leaves. */
  | { kind: 'stall'; wait: Wait }
  /**
   * `head`, then filler that never ends a line, piece by piece at the token pace, until the client
   * leaves (or `line-bytes`): a hostile or broken upstream. `sse`: `head` is an event's data.
   */
  | { kind: 'endless'; wait: Wait; head: string; sse: boolean };

export interface PlanInput {
  encoder: StreamEncoder;
  generation: GenerationResult;
  fault: Fault;
  /** Tokens before an in-stream fault. */
  after: number;
  comments: boolean;
}

const CUTTING_FAULTS: Partial<Record<Fault, (encoder: StreamEncoder, wait: Wait) => StreamAction>> = {
  'midstream-error': (encoder, wait) => errorEvents(encoder, GENERATION_FAILED, wait),
  incomplete: (encoder, wait) => errorEvents(encoder, INCOMPLETE_GENERATION_STREAM, wait),
  'abrupt-close': (_, wait) => ({ kind: 'close-abruptly', wait }),
  stall: (_, wait) => ({ kind: 'stall', wait }),
  malformed: (_, wait) => ({ kind: 'malformed', wait }),
  'endless-line': (_, wait) => ({ kind: 'endless', wait, head: '{"choices":[{"index":0,"text":"', sse: true }),
};

/** A request refused before generation (validation, overload): one in-band error, at once. */
export function inBandErrorPlan(payloads: string[]): StreamAction[] {
  return [{ kind: 'events', wait: 'none', payloads, token: false, terminated: true }];
}

export function planStream({ encoder, generation, fault, after, comments }: PlanInput): StreamAction[] {
  const { steps, finished } = generation;
  const cut = CUTTING_FAULTS[fault];
  // A cutting fault always cuts before the last token, however short the answer.
  const sent = cut ? Math.min(after, Math.max(0, steps.length - 1)) : steps.length;
  const waitFor = (tokensBefore: number): Wait => (tokensBefore === 0 ? 'first-token' : 'next-token');

  const actions: StreamAction[] = [];
  steps.slice(0, sent).forEach((step, position) => {
    actions.push({
      kind: 'events',
      wait: waitFor(position),
      payloads: encoder.step(step),
      token: true,
      terminated: true,
    });
    if (comments) actions.push(...commentsAfter(position + 1));
  });
  if (cut) actions.push(cut(encoder, waitFor(sent)));
  // The backend stream closed without an End message (docs/upstream-protocol.md §1.8).
  else if (!finished) actions.push(errorEvents(encoder, INCOMPLETE_GENERATION_STREAM, 'next-token'));

  if (fault === 'no-final-newline') {
    const last = actions.findLast((action) => action.kind === 'events');
    if (last?.kind === 'events') last.terminated = false;
  }
  return actions;
}

function errorEvents(encoder: StreamEncoder, error: InferError, wait: Wait): StreamAction {
  return { kind: 'events', wait, payloads: encoder.error(error), token: false, terminated: true };
}

/** `: ping` after the 1st, 5th, 9th… token, a bare `:` after the 3rd, 7th… */
function commentsAfter(tokenCount: number): StreamAction[] {
  if (tokenCount % 4 === 1) return [{ kind: 'comment', wait: 'none', text: 'ping' }];
  if (tokenCount % 4 === 3) return [{ kind: 'comment', wait: 'none', text: '' }];
  return [];
}

/** The frames one action writes, each its own network write. */
export function frameAction(action: StreamAction, framing: Framing): string[] {
  switch (action.kind) {
    case 'events':
      return action.payloads.map((payload, index) =>
        sseEvent(payload, framing, action.terminated || index < action.payloads.length - 1),
      );
    case 'comment':
      return [sseComment(action.text, framing)];
    case 'malformed':
      return [sseEvent('{not json', framing)];
    case 'close-abruptly':
    case 'stall':
    case 'endless':
      return [];
  }
}

/** The whole body a plan produces when nothing is paced or cut short: for byte-exact tests. */
export function renderPlan(actions: readonly StreamAction[], framing: Framing): string {
  return actions.flatMap((action) => frameAction(action, framing)).join('');
}
