/**
 * Where to cut the body into separate network writes, so clients meet multi-byte
 * characters split across reads (docs/upstream-protocol.md §5.4): every `chunk` bytes, and/or
 * (`split=utf8`) just after the first byte of every multi-byte character.
 */

export interface Cutting {
  chunk: number | null;
  splitUtf8: boolean;
}

export function cutForWrites(bytes: Uint8Array, { chunk, splitUtf8 }: Cutting): Uint8Array[] {
  const cuts = new Set<number>();
  if (chunk !== null) for (let at = chunk; at < bytes.length; at += chunk) cuts.add(at);
  if (splitUtf8) {
    for (let at = 0; at < bytes.length; at++) {
      // A lead byte (11xxxxxx) starts a character of two or more bytes.
      if (bytes[at] >= 0xc0) cuts.add(at + 1);
    }
  }
  if (cuts.size === 0) return [bytes];
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const at of [...cuts].sort((a, b) => a - b)) {
    pieces.push(bytes.subarray(from, at));
    from = at;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}
