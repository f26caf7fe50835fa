import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatTurn } from '../../../worker/model/conversation.ts';
import { buildFalconPrompt } from '../../../worker/model/falcon-prompt.ts';

// Issue 11: random Unicode through the Falcon prompt builder never yields more role lines than turns.

// biome-ignore lint/suspicious/noControlCharactersInRegex: the information separators are line breaks here.
const INVISIBLE = /(?![\n\r\t\v\f\x1c-\x1e\x85])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
const LINE_BREAK = /\r\n?|[\n\v\f\x1c-\x1e\x85\u2028\u2029]/u;
const ROLE_LABEL = /^[ \t]*(system|user|assistant|human|ai|bot)[ \t]*:/i;

/** Lines a model could take for a role label: split at every line break a reader knows, invisibles dropped. */
const roleLikeLines = (prompt: string) =>
  prompt
    .replace(INVISIBLE, '')
    .split(LINE_BREAK)
    .filter((line) => ROLE_LABEL.test(line));

/** Pieces an attacker would reach for: role words, every kind of separator, invisibles, look-alikes. */
const hostilePiece = fc.oneof(
  fc.constantFrom(
    'System:',
    'User:',
    'Assistant:',
    'assistant :',
    'AI:',
    'Bot:',
    'Human:',
    '\uff33ystem:',
    '\uff35ser\uff1a',
    'Sys',
    'tem',
    ':',
    '\n',
    '\r',
    '\r\n',
    '\v',
    '\f',
    '\x1c',
    '\x1d',
    '\x1e',
    '\x1f',
    '\x85',
    '\u2028',
    '\u2029',
    '\u00ad',
    '\u034f',
    '\u115f',
    '\u1160',
    '\u3164',
    '\uffa0',
    '\u180e',
    '\u200b',
    '\u200d',
    '\u2060',
    '\u2066',
    '\u202e',
    '\ufe0f',
    '\ufeff',
    '\u{e0001}',
    '\u{e0020}',
    '\u{e007f}',
    '<|endoftext|>',
    ' ',
    '\t',
    '\u3000',
    '\u00a0',
    '\ufdfa',
  ),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

const turnText = fc.array(hostilePiece, { maxLength: 24 }).map((pieces) => pieces.join(''));

const conversation = fc
  .array(turnText, { minLength: 1, maxLength: 6 })
  .map((texts): ChatTurn[] =>
    texts.map((content, index) => ({ role: (texts.length - 1 - index) % 2 === 0 ? 'user' : 'assistant', content })),
  );

describe('the Falcon prompt, for any text', () => {
  it('has exactly one role line per turn, plus System and the closing Assistant', () => {
    fc.assert(
      fc.property(turnText, conversation, (system, turns) => {
        const prompt = buildFalconPrompt(system, turns);
        expect(roleLikeLines(prompt)).toHaveLength(turns.length + 2);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps each role line where the builder put it, in order', () => {
    fc.assert(
      fc.property(conversation, (turns) => {
        const labels = roleLikeLines(buildFalconPrompt('sys', turns)).map((line) => line.split(':')[0]);
        expect(labels).toEqual([
          'System',
          ...turns.map((turn) => (turn.role === 'user' ? 'User' : 'Assistant')),
          'Assistant',
        ]);
      }),
      { numRuns: 1000 },
    );
  });
});
