import type { ChatTurn } from './conversation.ts';

/**
 * The stop sequences of Falcon's chat format (docs/upstream-protocol.md §4.1),
 * plus the other two role lines: TGI takes at most four, and a model that
 * starts writing any turn of its own has finished its answer (docs/security.md §8).
 */
export const FALCON_STOP_SEQUENCES = ['\nUser:', '<|endoftext|>', '\nSystem:', '\nAssistant:'];

const ROLE_LINE = /^([ \t]*)(system|user|assistant|human|ai|bot)([ \t]*:)/gimu;
/** Everything a tokenizer or a reader may take for a line break (Python's `str.splitlines` list): each becomes `\n`. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the information separators are exactly what it must find.
const LINE_BREAKS = /\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]/gu;
/**
 * Every control, format, line/paragraph separator and default-ignorable
 * character except the newline and the tab: by Unicode property, so a
 * character no list foresaw (variation selectors, tag characters, Hangul
 * fillers, soft hyphen, CGJ…) cannot hide a role word or start a line either.
 */
const INVISIBLE = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;
/** Control strings of common prompt formats, e.g. `<|endoftext|>`, `[INST]`, `<<SYS>>`, `</s>`. */
const CONTROL_STRINGS = /<\|[^|\n]{0,40}\|>|\[\/?INST\]|<<\/?SYS>>|<\/?s>|<\/?(?:start|end)_of_turn>|>>[A-Z]{3,12}<</gu;

/**
 * Makes a visitor's (or a stored answer's) text unable to forge a turn in the
 * raw `System:/User:/Assistant:` prompt: line breaks are normalised so no
 * exotic separator starts a line the model sees as new, invisible characters
 * that could hide a role word go, a line that starts like a role label gets a
 * full-width colon (so it reads the same but is no longer the label), and
 * special-token spellings are broken with a zero-width space.
 */
export function neutraliseTurnText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(LINE_BREAKS, '\n')
    .replace(INVISIBLE, '')
    .replace(
      ROLE_LINE,
      (_match, indent: string, role: string, colon: string) => `${indent}${role}${colon.slice(0, -1)}\uff1a`,
    )
    .replace(CONTROL_STRINGS, breakControlString);
}

/**
 * Breaks special-token spellings with a zero-width space so a tokenizer reads
 * them as ordinary text, not control tokens (AISVS C2.1.7). Chat templates
 * place roles structurally but still copy such strings verbatim.
 */
export function breakControlStrings(text: string): string {
  return text.replace(CONTROL_STRINGS, breakControlString);
}

function breakControlString(token: string): string {
  return `${token[0]}\u200b${token.slice(1)}`;
}

/**
 * Falcon-instruct's prompt (docs/upstream-protocol.md §4.1): `System:{system}`, then `\nUser: {q}\nAssistant: {a}`
 * per past turn, ending `\nUser: {question}\nAssistant:` with no trailing
 * space (a trailing space would be tokenised on its own and hurt the answer).
 */
export function buildFalconPrompt(system: string, turns: readonly ChatTurn[]): string {
  let prompt = `System:${neutraliseTurnText(system)}`;
  for (const turn of turns) {
    const label = turn.role === 'user' ? 'User' : 'Assistant';
    prompt += `\n${label}: ${neutraliseTurnText(turn.content)}`;
  }
  return `${prompt}\nAssistant:`;
}
