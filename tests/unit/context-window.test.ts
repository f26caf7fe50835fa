import { describe, expect, it } from 'vitest';
import { estimateTokens, fitToContext, MIN_ANSWER_TOKENS } from '../../worker/model/context-window.ts';
import type { ChatTurn } from '../../widget/wire-contract.ts';

const turn = (role: ChatTurn['role'], chars: number): ChatTurn => ({ role, content: 'x'.repeat(chars) });

describe('fitToContext', () => {
  it('keeps a conversation that fits whole, with the asked answer length', () => {
    const turns = [turn('user', 30), turn('assistant', 30), turn('user', 30)];
    expect(fitToContext('Be brief.', turns, 2048, 256)).toEqual({ turns, droppedTurns: 0, maxNewTokens: 256 });
  });

  it('drops the oldest turns first, and never starts on an answer', () => {
    const turns = [
      turn('user', 900),
      turn('assistant', 900),
      turn('user', 300),
      turn('assistant', 300),
      turn('user', 30),
    ];
    const fitted = fitToContext('', turns, 600, 200)!;
    expect(fitted.turns[0].role).toBe('user');
    expect(fitted.turns.at(-1)).toBe(turns.at(-1));
    expect(fitted.droppedTurns).toBe(turns.length - fitted.turns.length);
    expect(fitted.droppedTurns).toBeGreaterThan(0);
  });

  it('lowers the answer budget to the room left', () => {
    const fitted = fitToContext('', [turn('user', 3000)], 1200, 1024)!;
    expect(fitted.maxNewTokens).toBeLessThan(1024);
    expect(fitted.maxNewTokens).toBeGreaterThanOrEqual(MIN_ANSWER_TOKENS);
  });

  it('gives up when the question and system message leave no room for an answer', () => {
    expect(fitToContext('s'.repeat(3000), [turn('user', 3000)], 2048, 512)).toBeUndefined();
  });

  it('counts bytes, so text in any script costs what it weighs', () => {
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('محادثة')).toBe(4);
  });
});
