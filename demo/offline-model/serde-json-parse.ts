/**
 * A JSON reader that fails the way serde_json does, so the offline model can answer a
 * bad body with axum's exact rejection text (docs/upstream-protocol.md §1.3):
 * `Failed to parse the request body as JSON: expected value at line 1 column 2`.
 *
 * Besides the value it records where every value starts and ends (`spans`, keyed by the
 * serde_path_to_error path such as `parameters.stop[0]`), because data errors
 * (`missing field`, `invalid type`) quote those positions too. Positions follow
 * serde_json's `SliceRead`: byte offsets, `column` = bytes consumed on the current line;
 * `peek` errors point one byte further than plain errors.
 *
 * Integers beyond 2^53 are kept exact as `bigint` so that a u64 seed is echoed digit
 * for digit (§5.8).
 */

export interface ValueSpan {
  /** Byte offset of the value's first byte. */
  start: number;
  /** Byte offset just after the value's last byte. */
  end: number;
  /** The number as written, for numbers: serde tells `1` (integer) from `1.0` (float). */
  numberText?: string;
}

export type SerdeParseResult =
  | { ok: true; value: unknown; spans: Map<string, ValueSpan>; bytes: Uint8Array }
  | { ok: false; message: string };

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const utf8 = new TextDecoder();

class SyntaxFailure extends Error {}

/** Path of a member, written as serde_path_to_error writes it. */
export function memberPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** serde_json's "line L column C" for a byte offset. */
export function serdePosition(bytes: Uint8Array, index: number): string {
  let line = 1;
  let startOfLine = 0;
  for (let i = 0; i < index; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      startOfLine = i + 1;
    }
  }
  return `line ${line} column ${index - startOfLine}`;
}

export function parseSerdeJson(input: Uint8Array | string): SerdeParseResult {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const spans = new Map<string, ValueSpan>();
  let index = 0;
  // The path whose value is being read, for the `parameters: ...` prefix of syntax errors.
  let currentPath = '';

  const fail = (message: string, at: number): never => {
    const prefix = currentPath === '' ? '' : `${currentPath}: `;
    throw new SyntaxFailure(`${prefix}${message} at ${serdePosition(bytes, at)}`);
  };
  const error = (message: string) => fail(message, index);
  const peekError = (message: string) => fail(message, Math.min(index + 1, bytes.length));

  const skipWhitespace = (): number | undefined => {
    while (index < bytes.length) {
      const byte = bytes[index];
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x09 && byte !== 0x0d) return byte;
      index++;
    }
    return undefined;
  };

  const readIdent = (rest: string) => {
    for (const char of rest) {
      if (index >= bytes.length) error('EOF while parsing a value');
      if (bytes[index++] !== char.charCodeAt(0)) error('expected ident');
    }
  };

  const isDigit = (byte: number | undefined) => byte !== undefined && byte >= 0x30 && byte <= 0x39;

  const readNumber = (): string => {
    const start = index;
    if (bytes[index] === 0x2d) index++;
    const first = bytes[index];
    if (index < bytes.length) index++;
    if (first === 0x30) {
      if (isDigit(bytes[index])) peekError('invalid number');
    } else if (!isDigit(first)) {
      error('invalid number');
    }
    while (isDigit(bytes[index])) index++;
    if (bytes[index] === 0x2e) {
      index++;
      if (index >= bytes.length) peekError('EOF while parsing a value');
      if (!isDigit(bytes[index])) peekError('invalid number');
      while (isDigit(bytes[index])) index++;
    }
    if (bytes[index] === 0x65 || bytes[index] === 0x45) {
      index++;
      if (bytes[index] === 0x2b || bytes[index] === 0x2d) index++;
      if (index >= bytes.length) error('EOF while parsing a value');
      if (!isDigit(bytes[index++])) error('invalid number');
      while (isDigit(bytes[index])) index++;
    }
    return utf8.decode(bytes.subarray(start, index));
  };

  const readString = (): string => {
    index++; // opening quote
    let text = '';
    let runStart = index;
    for (;;) {
      if (index >= bytes.length) error('EOF while parsing a string');
      const byte = bytes[index];
      if (byte === 0x22) {
        text += utf8.decode(bytes.subarray(runStart, index));
        index++;
        return text;
      }
      if (byte < 0x20) {
        index++;
        error('control character (\\u0000-\\u001F) found while parsing a string');
      }
      if (byte !== 0x5c) {
        index++;
        continue;
      }
      text += utf8.decode(bytes.subarray(runStart, index));
      index++;
      if (index >= bytes.length) error('EOF while parsing a string');
      const escaped = String.fromCharCode(bytes[index++]);
      if (escaped === 'u') {
        if (index + 4 > bytes.length) {
          index = bytes.length;
          error('EOF while parsing a string');
        }
        const hex = utf8.decode(bytes.subarray(index, index + 4));
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) error('invalid escape');
        index += 4;
        text += String.fromCharCode(parseInt(hex, 16));
      } else if (escaped in ESCAPES) {
        text += ESCAPES[escaped];
      } else {
        error('invalid escape');
      }
      runStart = index;
    }
  };

  const readValue = (path: string): unknown => {
    const outerPath = currentPath;
    currentPath = path;
    const peek = skipWhitespace();
    if (peek === undefined) peekError('EOF while parsing a value');
    const start = index;
    let value: unknown;
    let numberText: string | undefined;
    switch (peek) {
      case 0x6e: // n
        index++;
        readIdent('ull');
        value = null;
        break;
      case 0x74: // t
        index++;
        readIdent('rue');
        value = true;
        break;
      case 0x66: // f
        index++;
        readIdent('alse');
        value = false;
        break;
      case 0x22:
        value = readString();
        break;
      case 0x5b:
        value = readArray(path);
        break;
      case 0x7b:
        value = readObject(path);
        break;
      default:
        if (peek === 0x2d || isDigit(peek)) {
          numberText = readNumber();
          value = toNumber(numberText);
        } else {
          peekError('expected value');
        }
    }
    spans.set(path, { start, end: index, numberText });
    currentPath = outerPath;
    return value;
  };

  const readArray = (path: string): unknown[] => {
    index++;
    const items: unknown[] = [];
    for (;;) {
      let peek = skipWhitespace();
      if (peek === 0x5d) break;
      if (items.length > 0) {
        if (peek === undefined) peekError('EOF while parsing a list');
        if (peek !== 0x2c) peekError('expected `,` or `]`');
        index++;
        peek = skipWhitespace();
        if (peek === 0x5d) peekError('trailing comma');
      } else if (peek === undefined) {
        peekError('EOF while parsing a list');
      }
      items.push(readValue(memberPath(path, items.length)));
    }
    index++;
    return items;
  };

  const readObject = (path: string): Record<string, unknown> => {
    index++;
    const members: Record<string, unknown> = {};
    let first = true;
    for (;;) {
      let peek = skipWhitespace();
      if (peek === 0x7d) break;
      if (!first) {
        if (peek === undefined) peekError('EOF while parsing an object');
        if (peek !== 0x2c) peekError('expected `,` or `}`');
        index++;
        peek = skipWhitespace();
        if (peek === 0x7d) peekError('trailing comma');
      } else if (peek === undefined) {
        peekError('EOF while parsing an object');
      }
      first = false;
      if (peek === undefined) peekError('EOF while parsing a value');
      if (peek !== 0x22) peekError('key must be a string');
      const key = readString();
      // From here on serde_path_to_error already counts the member in the path.
      const outerPath = currentPath;
      currentPath = memberPath(path, key);
      const colon = skipWhitespace();
      if (colon === undefined) peekError('EOF while parsing an object');
      if (colon !== 0x3a) peekError('expected `:`');
      index++;
      currentPath = outerPath;
      // defineProperty: a "__proto__" key must stay a plain member.
      Object.defineProperty(members, key, {
        value: readValue(memberPath(path, key)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    index++;
    return members;
  };

  try {
    const value = readValue('');
    // axum 0.7's Json extractor never calls `Deserializer::end`, so bytes after the
    // value are ignored rather than rejected as "trailing characters".
    return { ok: true, value, spans, bytes };
  } catch (failure) {
    if (failure instanceof SyntaxFailure) return { ok: false, message: failure.message };
    throw failure;
  }
}

function toNumber(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) {
    const exact = BigInt(text);
    if (exact > BigInt(Number.MAX_SAFE_INTEGER) || exact < BigInt(Number.MIN_SAFE_INTEGER)) return exact;
  }
  return Number(text);
}
