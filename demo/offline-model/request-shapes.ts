/**
 * The Rust request types of TGI's router (`router/src/lib.rs`), reduced to what serde
 * checks while deserialising them, so a body of the wrong shape gets axum's 422
 * `Failed to deserialize the JSON body into the target type: <path>: <serde message>`
 * (docs/upstream-protocol.md §1.3), without serde's `at line L column C`: nothing
 * here reads it. Unknown fields are ignored, as TGI has no `deny_unknown_fields` (§1.2).
 */

export type FieldType =
  | { kind: 'string' | 'bool' | 'f32' | 'u32' | 'u64' | 'usize' | 'i32' | 'any' }
  | { kind: 'option'; of: FieldType }
  | { kind: 'seq'; of: FieldType }
  | { kind: 'struct'; name: string; fields: Record<string, Field> }
  /** A hand-written `Deserialize` (untagged enums, TGI's `Prompt`): returns serde's message or null. */
  | {
      kind: 'custom';
      name: string;
      check: (value: unknown) => string | null;
    };

interface Field {
  type: FieldType;
  /** Without `#[serde(default)]` a missing member is `missing field`. */
  required?: boolean;
  /** `#[serde(alias = ...)]` */
  alias?: string;
}

const string: FieldType = { kind: 'string' };
const bool: FieldType = { kind: 'bool' };
const f32: FieldType = { kind: 'f32' };
const optional = (of: FieldType): FieldType => ({ kind: 'option', of });
const seq = (of: FieldType): FieldType => ({ kind: 'seq', of });

export const generateParameters: FieldType = {
  kind: 'struct',
  name: 'GenerateParameters',
  fields: {
    best_of: { type: optional({ kind: 'usize' }) },
    temperature: { type: optional(f32) },
    repetition_penalty: { type: optional(f32) },
    frequency_penalty: { type: optional(f32) },
    top_k: { type: optional({ kind: 'i32' }) },
    top_p: { type: optional(f32) },
    typical_p: { type: optional(f32) },
    do_sample: { type: bool },
    max_new_tokens: { type: optional({ kind: 'u32' }) },
    return_full_text: { type: optional(bool) },
    stop: { type: seq(string) },
    truncate: { type: optional({ kind: 'usize' }) },
    watermark: { type: bool },
    details: { type: bool },
    decoder_input_details: { type: bool },
    seed: { type: optional({ kind: 'u64' }) },
    top_n_tokens: { type: optional({ kind: 'u32' }) },
    grammar: { type: { kind: 'any' } },
    adapter_id: { type: optional(string) },
  },
};

/** `POST /generate` and `/generate_stream`. */
export const generateRequest: FieldType = {
  kind: 'struct',
  name: 'GenerateRequest',
  fields: {
    inputs: { type: string, required: true },
    parameters: { type: generateParameters },
    add_special_tokens: { type: bool },
  },
};

const messageContent = (value: unknown): boolean =>
  typeof value === 'string' ||
  (Array.isArray(value) &&
    value.every(
      (chunk) =>
        isObject(chunk) &&
        ((chunk.type === 'text' && typeof chunk.text === 'string') ||
          (chunk.type === 'image_url' && isObject(chunk.image_url) && typeof chunk.image_url.url === 'string')),
    ));

/** TGI's `Message` flattens an untagged `MessageBody` (content, or tool calls). */
const message: FieldType = {
  kind: 'custom',
  name: 'Message',
  check(value) {
    if (!isObject(value)) return `invalid type: ${describeUnexpected(value)}, expected struct Message`;
    if (!('role' in value)) return 'missing field `role`';
    if (typeof value.role !== 'string') return `invalid type: ${describeUnexpected(value.role)}, expected a string`;
    if (messageContent(value.content) || Array.isArray(value.tool_calls)) return null;
    return 'data did not match any variant of untagged enum MessageBody';
  },
};

export const chatRequest: FieldType = {
  kind: 'struct',
  name: 'ChatRequest',
  fields: {
    model: { type: optional(string) },
    messages: { type: seq(message), required: true },
    frequency_penalty: { type: optional(f32) },
    logit_bias: { type: optional(seq(f32)) },
    logprobs: { type: optional(bool) },
    top_logprobs: { type: optional({ kind: 'u32' }) },
    max_tokens: { type: optional({ kind: 'u32' }), alias: 'max_completion_tokens' },
    n: { type: optional({ kind: 'u32' }) },
    presence_penalty: { type: optional(f32) },
    stop: { type: optional(seq(string)) },
    stream: { type: bool },
    seed: { type: optional({ kind: 'u64' }) },
    temperature: { type: optional(f32) },
    top_p: { type: optional(f32) },
    tools: { type: { kind: 'any' } },
    tool_prompt: { type: optional(string) },
    tool_choice: { type: { kind: 'any' } },
    response_format: { type: { kind: 'any' } },
    stream_options: {
      type: optional({
        kind: 'struct',
        name: 'StreamOptions',
        fields: { include_usage: { type: bool, required: true } },
      }),
    },
  },
};

/** TGI's `Prompt` accepts a string or a non-empty array of strings, with its own messages. */
const prompt: FieldType = {
  kind: 'custom',
  name: 'Prompt',
  check(value) {
    if (typeof value === 'string') return null;
    if (Array.isArray(value)) {
      if (value.length === 0) return 'Empty array detected. Do not use an empty array for the prompt.';
      return value.every((item) => typeof item === 'string') ? null : 'Expected a string';
    }
    return 'Expected a string or an array of strings';
  },
};

export const completionRequest: FieldType = {
  kind: 'struct',
  name: 'CompletionRequest',
  fields: {
    model: { type: optional(string) },
    prompt: { type: prompt, required: true },
    max_tokens: { type: optional({ kind: 'u32' }) },
    temperature: { type: optional(f32) },
    top_p: { type: optional(f32) },
    stream: { type: bool },
    seed: { type: optional({ kind: 'u64' }) },
    suffix: { type: optional(string) },
    repetition_penalty: { type: optional(f32) },
    frequency_penalty: { type: optional(f32) },
    stop: { type: optional(seq(string)) },
  },
};

const INTEGER_RANGES = {
  u32: [0, 0xffff_ffff],
  u64: [0, Number.MAX_SAFE_INTEGER],
  usize: [0, Number.MAX_SAFE_INTEGER],
  i32: [-0x8000_0000, 0x7fff_ffff],
} as const;

/**
 * Checks `value` against `type` in document order, as serde visits it. Returns the
 * text after "Failed to deserialize the JSON body into the target type: ", or null.
 */
export function checkShape(value: unknown, type: FieldType): string | null {
  const failure = firstMismatch(value, type, '');
  if (!failure) return null;
  return failure.path === '' ? failure.message : `${failure.path}: ${failure.message}`;
}

interface Mismatch {
  path: string;
  message: string;
}

/** A member's path, written as serde_path_to_error writes it: `parameters.stop[0]`. */
function memberPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

function firstMismatch(value: unknown, type: FieldType, path: string): Mismatch | null {
  const invalidType = (expected: string): Mismatch => ({
    path,
    message: `invalid type: ${describeUnexpected(value)}, expected ${expected}`,
  });
  switch (type.kind) {
    case 'any':
      return null;
    case 'option':
      return value === null ? null : firstMismatch(value, type.of, path);
    case 'string':
      return typeof value === 'string' ? null : invalidType('a string');
    case 'bool':
      return typeof value === 'boolean' ? null : invalidType('a boolean');
    case 'f32':
      return typeof value === 'number' ? null : invalidType('f32');
    case 'u32':
    case 'u64':
    case 'usize':
    case 'i32': {
      if (!Number.isInteger(value)) return invalidType(type.kind);
      const [min, max] = INTEGER_RANGES[type.kind];
      const integer = value as number;
      if (integer >= min && integer <= max) return null;
      return { path, message: `invalid value: integer \`${integer}\`, expected ${type.kind}` };
    }
    case 'seq':
      return Array.isArray(value) ? firstInSeq(value, type.of, path) : invalidType('a sequence');
    case 'custom': {
      const message = type.check(value);
      return message === null ? null : { path, message };
    }
    case 'struct':
      return isObject(value) ? firstInStruct(value, type, path) : invalidType(`struct ${type.name}`);
  }
}

function firstInSeq(items: unknown[], type: FieldType, path: string): Mismatch | null {
  for (let i = 0; i < items.length; i++) {
    const mismatch = firstMismatch(items[i], type, memberPath(path, i));
    if (mismatch) return mismatch;
  }
  return null;
}

function firstInStruct(
  value: Record<string, unknown>,
  type: Extract<FieldType, { kind: 'struct' }>,
  path: string,
): Mismatch | null {
  const byName = new Map<string, [string, Field]>();
  for (const [name, field] of Object.entries(type.fields)) {
    byName.set(name, [name, field]);
    if (field.alias) byName.set(field.alias, [name, field]);
  }
  const seen = new Set<string>();
  for (const [key, member] of Object.entries(value)) {
    const entry = byName.get(key);
    if (!entry) continue;
    seen.add(entry[0]);
    const mismatch = firstMismatch(member, entry[1].type, memberPath(path, key));
    if (mismatch) return mismatch;
  }
  for (const [name, field] of Object.entries(type.fields)) {
    if (field.required && !seen.has(name)) return { path, message: `missing field \`${name}\`` };
  }
  return null;
}

/** serde's `Unexpected` as Display writes it: "integer `5`", "string \"x\"", "map". */
export function describeUnexpected(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return 'sequence';
  return 'map';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
