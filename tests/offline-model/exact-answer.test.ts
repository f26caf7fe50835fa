/** `answer=` (say exactly this) and `split-at=` (cut it into tokens exactly there): the hostile-answer tests' switches. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAnswer, encodeAnswer, resolveScenario } from '../../demo/offline-model/scenario.ts';
import { answerScript } from '../../demo/offline-model/script.ts';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';
import { tokenizeAt } from '../../demo/offline-model/tokenizer.ts';
import { completionText, post, sseJson } from './helpers.ts';

const decoder = new TextDecoder();
const pieces = (text: string, cuts: readonly number[] | 'every') =>
  tokenizeAt(text, cuts).map((token) => [...token.bytes]);
const bytes = (text: string) => [...new TextEncoder().encode(text)];

describe('answer=', () => {
  it('is base64url of UTF-8, padding optional, and gives back any text', () => {
    const hostile = '[x](javascript:alert(1))\n<img src=x onerror=alert(1)>\r\n\u0000\u2028é🦅';
    expect(decodeAnswer('answer', encodeAnswer(hostile))).toBe(hostile);
    expect(encodeAnswer('ab?')).toBe('YWI_');
    expect(decodeAnswer('answer', 'YQ')).toBe('a');
    expect(decodeAnswer('answer', 'YQ==')).toBe('a');
    expect(resolveScenario({ answer: '' }).answer).toBe('');
  });

  it('refuses what is not base64url or not UTF-8', () => {
    expect(() => resolveScenario({ answer: 'a+b/' })).toThrow(/answer must be base64url/);
    expect(() => resolveScenario({ answer: 'abcde' })).toThrow(/answer must be base64url/);
    // 0xFF 0xFE is not UTF-8.
    expect(() => resolveScenario({ answer: '__4' })).toThrow(/answer is not UTF-8/);
  });
});

describe('split-at=', () => {
  it('reads one cut, several in any order, or every', () => {
    expect(resolveScenario({ 'split-at': '5' }).splitAt).toEqual([5]);
    expect(resolveScenario({ 'split-at': '9+2+9' }).splitAt).toEqual([2, 9]);
    expect(resolveScenario({ 'split-at': 'every' }).splitAt).toBe('every');
    expect(() => resolveScenario({ 'split-at': '0' })).toThrow(/split-at must be at least 1/);
    expect(() => resolveScenario({ 'split-at': 'x' })).toThrow(/split-at must be "every" or cut points/);
  });

  it('cuts exactly at UTF-16 indices, ignoring those outside the text', () => {
    expect(pieces('<a href>', [2])).toEqual([bytes('<a'), bytes(' href>')]);
    expect(pieces('abc', [1, 2, 3, 7])).toEqual([bytes('a'), bytes('b'), bytes('c')]);
    expect(pieces('aé', 'every')).toEqual([bytes('a'), bytes('é')]);
    expect(pieces('', 'every')).toEqual([]);
  });

  it("cuts inside a surrogate pair after the character's second UTF-8 byte", () => {
    expect(pieces('🦅x', [1])).toEqual([
      [0xf0, 0x9f],
      [0xa6, 0x85, 0x78],
    ]);
    expect(pieces('🦅', 'every')).toEqual([
      [0xf0, 0x9f],
      [0xa6, 0x85],
    ]);
  });

  it('turns the answer into exactly those tokens, then EOS', () => {
    const script = answerScript('ignored', { answer: '<svg onload=x>', splitAt: [4] });
    expect(script.map((token) => decoder.decode(token.bytes))).toEqual(['<svg', ' onload=x>', '<|endoftext|>']);
    expect(script.at(-1)).toMatchObject({ id: 11, special: true });
    expect(answerScript('ignored', { answer: 'ab' }).map((token) => decoder.decode(token.bytes))).toEqual([
      'ab',
      '<|endoftext|>',
    ]);
  });
});

describe('over HTTP, from a directive in the prompt', () => {
  let model: OfflineModel;
  beforeAll(async () => {
    model = await startOfflineModel({ quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
  });
  afterAll(() => model.close());

  const ask = (answer: string, items = '') =>
    post(`${model.url}/v1/completions`, {
      prompt: `User: hi @offline(answer=${encodeAnswer(answer)}${items})\nAssistant:`,
      stream: true,
      max_tokens: 512,
      stop: ['\nUser:', '<|endoftext|>'],
    });

  it('streams the exact answer as two tokens, cut where asked', async () => {
    const answer = '[a](javascript:alert(1))';
    const events = sseJson((await ask(answer, ',split-at=9')).text);
    expect(events.map((event) => event.choices[0].text)).toEqual(['[a](javas', 'cript:alert(1))', '<|endoftext|>']);
    expect(completionText(events.slice(0, -1))).toBe(answer);
  });

  it('keeps a character cut between tokens whole: the first token says nothing until it is complete', async () => {
    const events = sseJson((await ask('é🦅!', ',split-at=2')).text);
    expect(events.map((event) => event.choices[0].text)).toEqual(['', 'é🦅!', '<|endoftext|>']);
  });

  it('keeps a U+FEFF wherever it is, even as a token of its own', async () => {
    for (const items of ['', ',split-at=every']) {
      const events = sseJson((await ask('\uFEFFa\uFEFFb', items)).text);
      expect(completionText(events.slice(0, -1))).toBe('\uFEFFa\uFEFFb');
    }
  });

  it('stops at a stop sequence inside the answer, as TGI does', async () => {
    const events = sseJson((await ask('one\nUser: two', ',split-at=every')).text);
    expect(completionText(events)).toBe('one\nUser:');
    expect(events.at(-1).choices[0].finish_reason).toBe('stop_sequence');
  });
});
