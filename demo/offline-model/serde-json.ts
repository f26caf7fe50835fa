/**
 * Compact JSON exactly as serde_json writes it for TGI (docs/upstream-protocol.md §1.4):
 * keys in insertion order (Rust struct order), no whitespace, only `"`, `\` and
 * U+0000–U+001F escaped, everything else (including emoji and U+2028) raw UTF-8.
 * For valid strings that is byte for byte what `JSON.stringify` produces, so strings
 * go through it; numbers need care: u64 seeds are written as digits (§5.8) and
 * floats as shortest round-trip f32 values with a decimal point (`20.0`, `-1.8251953`).
 */

/** A float field: serde writes `20.0` where JavaScript would write `20`. */
export class JsonFloat {
  constructor(
    readonly value: number,
    /** f32 fields (logprobs) are shortened to f32 precision, f64 fields keep double precision. */
    readonly precision: 'f32' | 'f64' = 'f32',
  ) {}
}

export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonFloat
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/** Serialises `value`; object members whose value is `undefined` are left out (serde `skip_serializing_if`). */
export function toSerdeJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value instanceof JsonFloat) return formatFloat(value);
  if (Array.isArray(value)) return `[${value.map((item) => toSerdeJson(item)).join(',')}]`;
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${toSerdeJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

/** Shortest decimal that reads back as the same f32, as ryu (serde_json's float writer) prints it. */
export function shortestF32(value: number): number {
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}

function formatFloat({ value, precision }: JsonFloat): string {
  // serde_json writes non-finite floats as null (§1.4).
  if (!Number.isFinite(value)) return 'null';
  const text = String(precision === 'f32' ? shortestF32(value) : value).replace('e+', 'e');
  return /[.e]/.test(text) ? text : `${text}.0`;
}
