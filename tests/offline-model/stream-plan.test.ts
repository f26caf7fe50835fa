import { describe, expect, it } from 'vitest';
import { generate } from '../../demo/offline-model/generation.ts';
import { answerScript } from '../../demo/offline-model/script.ts';
import { planStream, renderPlan } from '../../demo/offline-model/stream-plan.ts';
import { TGI_FRAMING } from '../../demo/offline-model/wire/sse.ts';
import { cutForWrites } from '../../demo/offline-model/write-pieces.ts';

const encoder = { step: (step: { index: number }) => [`t${step.index}`], error: () => ['err'] };
const generation = generate(answerScript('Hi', { tokens: 6 }), { maxNewTokens: 100, stop: [] });

describe('stream plans', () => {
  it('waits for the first token, then between tokens', () => {
    const actions = planStream({ encoder, generation, fault: 'none', after: 3, comments: false });
    expect(actions.map((action) => action.wait)).toEqual([
      'first-token',
      'next-token',
      'next-token',
      'next-token',
      'next-token',
      'next-token',
    ]);
    expect(renderPlan(actions, TGI_FRAMING)).toBe(
      'data: t1\n\ndata: t2\n\ndata: t3\n\ndata: t4\n\ndata: t5\n\ndata: t6\n\n',
    );
  });

  it('cuts in after `after` tokens, and always before the last', () => {
    expect(
      renderPlan(planStream({ encoder, generation, fault: 'midstream-error', after: 2, comments: false }), TGI_FRAMING),
    ).toBe('data: t1\n\ndata: t2\n\ndata: err\n\n');
    const late = planStream({ encoder, generation, fault: 'abrupt-close', after: 99, comments: false });
    expect(late.filter((action) => action.kind === 'events')).toHaveLength(5);
    expect(late.at(-1)).toEqual({ kind: 'close-abruptly', wait: 'next-token' });
    expect(planStream({ encoder, generation, fault: 'stall', after: 0, comments: false })).toEqual([
      { kind: 'stall', wait: 'first-token' },
    ]);
  });

  it('adds comments between events', () => {
    const text = renderPlan(planStream({ encoder, generation, fault: 'none', after: 0, comments: true }), TGI_FRAMING);
    expect(text).toBe(
      'data: t1\n\n: ping\n\ndata: t2\n\ndata: t3\n\n:\n\ndata: t4\n\ndata: t5\n\n: ping\n\ndata: t6\n\n',
    );
  });

  it('leaves the blank line off the last event for no-final-newline, and frames other ways', () => {
    const actions = planStream({ encoder, generation, fault: 'no-final-newline', after: 0, comments: false });
    expect(renderPlan(actions, TGI_FRAMING).endsWith('data: t5\n\ndata: t6\n')).toBe(true);
    expect(renderPlan(actions.slice(0, 1), { space: false, eol: '\r\n' })).toBe('data:t1\r\n\r\n');
  });
});

describe('cut writes', () => {
  const bytes = Buffer.from('a🦅é');

  it('every N bytes', () => {
    expect(cutForWrites(bytes, { chunk: 2, splitUtf8: false }).map((piece) => piece.length)).toEqual([2, 2, 2, 1]);
  });

  it('inside each multi-byte character', () => {
    expect(cutForWrites(bytes, { chunk: null, splitUtf8: true }).map((piece) => [...piece])).toEqual([
      [0x61, 0xf0],
      [0x9f, 0xa6, 0x85, 0xc3],
      [0xa9],
    ]);
  });

  it('not at all by default', () => {
    expect(cutForWrites(bytes, { chunk: null, splitUtf8: false })).toHaveLength(1);
  });
});
