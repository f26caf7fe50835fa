/**
 * A small byte-level BPE look-alike for Falcon (docs/upstream-protocol.md §4.3). It is not
 * the real 65,024-token vocabulary, but it behaves like one where the wire shows it:
 * word pieces carry their leading space (" Hello"), "\n" is its own token (193), ":" is
 * 37, long words split into pieces, and characters of three or more UTF-8 bytes are cut
 * between bytes so that single tokens hold half a character (§1.6, §5.4).
 * Ids are stable: the real ids from TGI's Falcon snapshot where known, else a hash.
 */

export interface VocabToken {
  id: number;
  /** The token's bytes; a token may end in the middle of a UTF-8 character. */
  bytes: Uint8Array;
  special: boolean;
}

export const VOCAB_SIZE = 65_024;
export const EOS_TOKEN_ID = 11;

const encoder = new TextEncoder();

export const EOS_TOKEN: VocabToken = { id: EOS_TOKEN_ID, bytes: encoder.encode('<|endoftext|>'), special: true };

/** Real Falcon-7B ids from TGI's snapshot (§4.3) and the fixtures' "User" (§6). */
const KNOWN_IDS = new Map<string, number>([
  [' Hello', 23090],
  [',', 23],
  [' Daniel', 8156],
  ['!', 12],
  ['\n', 193],
  ['Daniel', 23626],
  [':', 37],
  [' What', 1634],
  ["'", 18],
  ['s', 94],
  ['User', 4340],
]);
const RESERVED_IDS = new Set([...KNOWN_IDS.values(), ...Array.from({ length: 12 }, (_, id) => id)]);

/**
 * Pre-tokenizer in the GPT-2 style: newlines alone; words, up to three digits, or a run of
 * up to three equal symbols, each with an optional leading space; spaces before a word
 * leave the last one to the word.
 */
const PIECE = /\n| ?\p{L}+| ?\p{N}{1,3}| ?([^\s\p{L}\p{N}])\1{0,2}| +(?!\S)| +|\s/gu;
const LONGEST_WHOLE_PIECE = 8;
const SPLIT_PIECE_LENGTH = 6;

export function tokenize(text: string): VocabToken[] {
  const tokens: VocabToken[] = [];
  for (const [piece] of text.matchAll(PIECE)) {
    for (const part of splitLongPiece(piece)) {
      for (const bytes of splitWideCharacters(part)) tokens.push({ id: idFor(bytes), bytes, special: false });
    }
  }
  return tokens;
}

/**
 * `text` as tokens cut exactly at the given UTF-16 indices (`every`: after each code unit)
 * rather than into word pieces, so a test can put a chunk boundary anywhere in an answer.
 * A cut between the two halves of a surrogate pair falls after the character's second
 * UTF-8 byte, as `splitWideCharacters` cuts; indices outside the text are ignored.
 */
export function tokenizeAt(text: string, cuts: readonly number[] | 'every'): VocabToken[] {
  const wanted = cuts === 'every' ? null : new Set(cuts);
  const tokens: VocabToken[] = [];
  let current: number[] = [];
  const cut = () => {
    if (current.length === 0) return;
    const bytes = Uint8Array.from(current);
    tokens.push({ id: idFor(bytes), bytes, special: false });
    current = [];
  };
  let index = 0;
  for (const char of text) {
    const bytes = encoder.encode(char);
    if (index > 0 && (wanted === null || wanted.has(index))) cut();
    if (char.length === 2 && (wanted === null || wanted.has(index + 1))) {
      current.push(bytes[0], bytes[1]);
      cut();
      current.push(...bytes.subarray(2));
    } else {
      current.push(...bytes);
    }
    index += char.length;
  }
  cut();
  return tokens;
}

/** How many tokens `text` is, for `input_length` and the token budget (§1.2). */
export function countTokens(text: string): number {
  return tokenize(text).length;
}

function splitLongPiece(piece: string): string[] {
  const chars = Array.from(piece);
  if (chars.length <= LONGEST_WHOLE_PIECE) return [piece];
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += SPLIT_PIECE_LENGTH)
    parts.push(chars.slice(i, i + SPLIT_PIECE_LENGTH).join(''));
  return parts;
}

/**
 * Byte-level BPE rarely has a whole token for a 3- or 4-byte character (emoji, "‑", "“"):
 * cut each such character after its second byte, so the first token ends mid-character.
 */
function splitWideCharacters(part: string): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let current: number[] = [];
  for (const char of part) {
    const bytes = encoder.encode(char);
    if (bytes.length < 3) {
      current.push(...bytes);
      continue;
    }
    current.push(bytes[0], bytes[1]);
    pieces.push(Uint8Array.from(current));
    current = Array.from(bytes.subarray(2));
  }
  if (current.length > 0) pieces.push(Uint8Array.from(current));
  return pieces;
}

const decoder = new TextDecoder();

function idFor(bytes: Uint8Array): number {
  const known = KNOWN_IDS.get(decoder.decode(bytes));
  if (known !== undefined) return known;
  let id = (fnv1a32(bytes) % (VOCAB_SIZE - 12)) + 12;
  while (RESERVED_IDS.has(id)) id = id + 1 < VOCAB_SIZE ? id + 1 : 12;
  return id;
}

export function fnv1a32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}
