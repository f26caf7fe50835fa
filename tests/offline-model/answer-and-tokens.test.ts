/** The tokenizer's Falcon-like pieces and the demo answer it streams. */
import { describe, expect, it } from 'vitest';
import { demoAnswer, quoteQuestion, REAL_MODEL_LINK } from '../../demo/offline-model/answer.ts';
import { answerScript } from '../../demo/offline-model/script.ts';
import { countTokens, tokenize } from '../../demo/offline-model/tokenizer.ts';

const decoder = new TextDecoder();
const pieces = (text: string) => tokenize(text).map((token) => [token.id, decoder.decode(token.bytes)]);

describe('tokenizer', () => {
  it('keeps leading spaces on words and uses the real ids it knows', () => {
    expect(pieces(' Hello, Daniel!\nUser:')).toEqual([
      [23090, ' Hello'],
      [23, ','],
      [8156, ' Daniel'],
      [12, '!'],
      [193, '\n'],
      [4340, 'User'],
      [37, ':'],
    ]);
  });

  it('gives stable ids outside the special range', () => {
    const ids = tokenize(' The quick brown fox jumps').map((token) => token.id);
    expect(ids).toEqual(tokenize(' The quick brown fox jumps').map((token) => token.id));
    expect(ids.every((id) => id > 11 && id < 65_024)).toBe(true);
  });

  it('cuts characters of three or more bytes between tokens', () => {
    const [first, second] = tokenize(' 🦅');
    expect([...first.bytes]).toEqual([0x20, 0xf0, 0x9f]);
    expect([...second.bytes]).toEqual([0xa6, 0x85]);
  });

  it('counts the prompt of docs/upstream-protocol.md §6 as 18 tokens', () => {
    expect(countTokens('System: You are a helpful assistant.\nUser: Say hello\nAssistant:')).toBe(18);
  });
});

describe('the demo answer', () => {
  const answer = demoAnswer('How do I bake bread? @offline(fault=none)');

  it('says it is the offline demo, not a real LLM, and quotes the question without the directive', () => {
    expect(answer.startsWith(' This is the offline demo model, not a real LLM')).toBe(true);
    expect(answer).toContain('“How do I bake bread?”');
    expect(answer).not.toContain('@offline');
    expect(demoAnswer('Something else')).not.toBe(answer);
  });

  it('shows markdown: a list, a js code block, a link, non-ASCII and an emoji', () => {
    expect(answer).toMatch(/^- \*\*Tokens\*\*/m);
    expect(answer).toMatch(/^```js\n[\s\S]*\n```$/m);
    expect(answer).toContain(`](${REAL_MODEL_LINK})`);
    expect(answer).toMatch(/café/);
    expect(answer).toMatch(/\p{Extended_Pictographic}/u);
  });

  it('quotes long questions on one line, shortened', () => {
    expect(quoteQuestion(`a\n\nb ${'x'.repeat(200)}`)).toMatch(/^a b x+…$/);
    expect(Array.from(quoteQuestion('x'.repeat(200)))).toHaveLength(80);
  });

  it('is a script ending in EOS, with tokens that end mid-character', () => {
    const script = answerScript('Hi');
    expect(script.at(-1)).toMatchObject({ id: 11, special: true });
    expect(script.some((token) => decoder.decode(token.bytes).endsWith('\uFFFD'))).toBe(true);
    expect(script.every((token) => token.logprob < 0)).toBe(true);
  });

  it('can run on with "\\nUser: Thanks!" before EOS', () => {
    const script = answerScript('Hi', { ending: 'stop-sequence' });
    const tail = script.slice(-6).map((token) => decoder.decode(token.bytes));
    expect(tail).toEqual(['\n', 'User', ':', ' Thanks', '!', '<|endoftext|>']);
    expect(script.slice(-6, -3).map((token) => token.id)).toEqual([193, 4340, 37]);
  });

  it('is exactly N tokens in benchmark mode, with lists, tables and code', () => {
    for (const tokens of [1, 2, 50, 777]) expect(answerScript('Bench', { tokens })).toHaveLength(tokens);
    const text = decoder.decode(Buffer.concat(answerScript('Bench', { tokens: 400 }).map((token) => token.bytes)));
    expect(text).toMatch(/^- item/m);
    expect(text).toMatch(/^\| n \| square \| note \|$/m);
    expect(text).toContain('```js');
  });
});
