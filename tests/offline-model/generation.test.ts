/** TGI's stopping criteria and detokenisation (docs/upstream-protocol.md §1.6, §1.7) on scripted tokens. */
import { describe, expect, it } from 'vitest';
import { createIncrementalDecoder, generate } from '../../demo/offline-model/generation.ts';
import type { ScriptedToken } from '../../demo/offline-model/script.ts';
import { EOS_TOKEN } from '../../demo/offline-model/tokenizer.ts';

const utf8 = new TextEncoder();
const word = (text: string): ScriptedToken => ({
  id: 100 + text.length,
  bytes: utf8.encode(text),
  logprob: -0.5,
  special: false,
});
const bytes = (...values: number[]): ScriptedToken => ({
  id: 5000 + values[0],
  bytes: Uint8Array.from(values),
  logprob: -0.5,
  special: false,
});
const eos: ScriptedToken = { ...EOS_TOKEN, logprob: -0.1 };
const texts = (script: ScriptedToken[], limits: Parameters<typeof generate>[1]) =>
  generate(script, limits).steps.map((step) => step.token.text);

describe('finish reasons in TGI order', () => {
  it('ends on EOS; generated_text leaves the special token out', () => {
    const { steps, finished } = generate([word(' Hi'), word('!'), eos, word(' never')], { maxNewTokens: 10, stop: [] });
    expect(finished).toBe(true);
    expect(steps.map((step) => step.token.text)).toEqual([' Hi', '!', '<|endoftext|>']);
    expect(steps.at(-1)?.token.special).toBe(true);
    expect(steps.at(-1)?.finish).toEqual({
      reason: 'eos_token',
      generatedText: ' Hi!',
      generatedTokens: 3,
      stopSequence: undefined,
    });
    expect(steps.slice(0, -1).every((step) => step.finish === null)).toBe(true);
  });

  it('length beats EOS on the last allowed token', () => {
    const { steps } = generate([word(' Hi'), eos], { maxNewTokens: 2, stop: ['<|endoftext|>'] });
    expect(steps.at(-1)?.finish?.reason).toBe('length');
  });

  it('EOS beats a stop string that names it', () => {
    const { steps } = generate([word(' Hi'), eos], { maxNewTokens: 5, stop: ['<|endoftext|>'] });
    expect(steps.at(-1)?.finish?.reason).toBe('eos_token');
  });

  it('a stop string split over tokens ends on the token that completes it, and stays in the text', () => {
    const script = [word(' Hi'), word('\n'), word('User'), word(':'), word(' more'), eos];
    const { steps } = generate(script, { maxNewTokens: 10, stop: ['\nUser:'] });
    expect(steps.map((step) => step.token.text)).toEqual([' Hi', '\n', 'User', ':']);
    expect(steps.at(-1)?.finish).toMatchObject({
      reason: 'stop_sequence',
      generatedText: ' Hi\nUser:',
      stopSequence: '\nUser:',
    });
  });

  it("matches only as a suffix at token boundaries ('Pari' does not stop ' Paris')", () => {
    const { steps } = generate([word(' Paris'), eos], { maxNewTokens: 10, stop: ['Pari'] });
    expect(steps.at(-1)?.finish?.reason).toBe('eos_token');
  });

  it("matches before a trailing newline, like Python's `$`", () => {
    const { steps } = generate([word(' User:'), word('\n'), word(' x'), eos], { maxNewTokens: 10, stop: ['User:'] });
    // " User:" itself already ends with the stop string…
    expect(steps).toHaveLength(1);
    const late = generate([word(' User'), word(':\n'), word(' x'), eos], { maxNewTokens: 10, stop: ['User:'] });
    // …and ":\n" completes "User:\n", which `$` accepts too.
    expect(late.steps).toHaveLength(2);
    expect(late.steps.at(-1)?.finish?.reason).toBe('stop_sequence');
  });

  it('reports an unfinished script', () => {
    expect(generate([word(' Hi')], { maxNewTokens: 10, stop: [] }).finished).toBe(false);
  });

  it('vLLM matching finds the stop string inside a token and cuts it off', () => {
    const { steps } = generate([word(' Hi'), word('\nUser: more'), eos], {
      maxNewTokens: 10,
      stop: ['\nUser:'],
      stopMatching: 'substring',
    });
    expect(steps.at(-1)?.finish).toMatchObject({ reason: 'stop_sequence', generatedText: ' Hi' });
  });

  it('puts the prompt first with return_full_text', () => {
    const { steps } = generate([word(' Hi'), eos], {
      maxNewTokens: 10,
      stop: [],
      fullTextPrefix: 'User: x\nAssistant:',
    });
    expect(steps.at(-1)?.finish?.generatedText).toBe('User: x\nAssistant: Hi');
  });
});

describe('partial UTF-8 (§1.6)', () => {
  const eagle = [0xf0, 0x9f, 0xa6, 0x85];

  it('gives "" for a token ending inside a character, then the whole character', () => {
    const script = [bytes(0x20, eagle[0], eagle[1]), bytes(eagle[2], eagle[3]), eos];
    expect(texts(script, { maxNewTokens: 10, stop: [] })).toEqual(['', ' 🦅', '<|endoftext|>']);
  });

  it('waits over several incomplete tokens', () => {
    const script = eagle.map((byte) => bytes(byte));
    expect(texts([...script, eos], { maxNewTokens: 10, stop: [] })).toEqual(['', '', '', '🦅', '<|endoftext|>']);
  });

  it('empties generated_text when generation stops mid-character', () => {
    const { steps } = generate([word(' Hi'), bytes(eagle[0], eagle[1]), bytes(eagle[2], eagle[3])], {
      maxNewTokens: 2,
      stop: [],
    });
    expect(steps.at(-1)?.finish).toMatchObject({ reason: 'length', generatedText: '' });
  });

  it('the decoder on its own', () => {
    const decoder = createIncrementalDecoder();
    expect([decoder.push(Uint8Array.of(0xc3)), decoder.push(Uint8Array.of(0xa9, 0x21))]).toEqual(['', 'é!']);
  });
});
