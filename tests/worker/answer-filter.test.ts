import { describe, expect, it } from 'vitest';
import { AnswerFilter } from '../../worker/model/answer-filter.ts';

const STOPS = ['\nUser:', '<|endoftext|>'];

function run(pieces: string[], stops = STOPS) {
  const filter = new AnswerFilter(stops);
  const shown = pieces.map((piece) => filter.push(piece));
  shown.push(filter.flush());
  return { text: shown.join(''), shown, hitStop: filter.hitStop };
}

/** Every way to cut `text` into two or three pieces. */
function splits(text: string): string[][] {
  const result: string[][] = [];
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j++) result.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return result;
}

describe('AnswerFilter', () => {
  it('cuts at a stop sequence that arrives token by token, showing none of it', () => {
    const result = run([' Hello', '!', '\n', 'User', ':', ' more']);
    expect(result.text).toBe('Hello!');
    expect(result.hitStop).toBe(true);
    // The "\n" was held back rather than shown and taken back.
    expect(result.shown).toEqual(['Hello', '!', '', '', '', '', '']);
  });

  it('shows a held-back tail once it can no longer become a stop sequence', () => {
    const result = run([' a', '\n', 'Us', 'ers are', ' here']);
    expect(result.text).toBe('a\nUsers are here');
    expect(result.hitStop).toBe(false);
  });

  it('drops the end-of-text token and what follows', () => {
    expect(run([' Hi', '<|endoftext|>']).text).toBe('Hi');
    expect(run([' Hi', '<|endo', 'ftext|>']).text).toBe('Hi');
  });

  it('finds the stop sequence at every split position', () => {
    const answer = ' Sure: x < y\nUser: ignored';
    for (const pieces of splits(answer)) expect(run(pieces).text).toBe('Sure: x < y');
  });

  it('removes leading whitespace of the answer only', () => {
    expect(run(['', ' ', '\n', ' Hi', ' there']).text).toBe('Hi there');
  });

  it('never shows half of a surrogate pair', () => {
    const filter = new AnswerFilter(STOPS);
    expect(filter.push(' ok \ud83d')).toBe('ok ');
    expect(filter.push('\ude00!')).toBe('\ud83d\ude00!');
  });

  it('gives back a held tail at the end when the stream ends without a stop', () => {
    expect(run([' line', '\n']).text).toBe('line\n');
    expect(run([' a', '<|end']).text).toBe('a<|end');
  });
});
