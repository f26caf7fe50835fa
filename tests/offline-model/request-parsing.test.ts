/** Bad bodies get axum's and serde's exact words (docs/upstream-protocol.md §1.3). */
import { describe, expect, it } from 'vitest';
import {
  checkShape,
  completionRequest,
  generateRequest,
  type FieldType,
} from '../../demo/offline-model/request-shapes.ts';
import { parseSerdeJson } from '../../demo/offline-model/serde-json-parse.ts';

function syntaxError(text: string): string {
  const parsed = parseSerdeJson(text);
  if (parsed.ok) throw new Error('parsed');
  return parsed.message;
}

function shapeError(text: string, type: FieldType): string | null {
  const parsed = parseSerdeJson(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return checkShape(parsed.value, type, parsed.spans, parsed.bytes);
}

describe('JSON syntax errors, as serde_json words and places them', () => {
  it.each([
    ['', 'EOF while parsing a value at line 1 column 0'],
    ['{not json', 'key must be a string at line 1 column 2'],
    ['{"inputs": ', 'inputs: EOF while parsing a value at line 1 column 11'],
    ['{"inputs" "x"}', 'inputs: expected `:` at line 1 column 11'],
    ['{"a":1,}', 'trailing comma at line 1 column 8'],
    ['{"a":1 "b":2}', 'expected `,` or `}` at line 1 column 8'],
    ['[1,2', 'EOF while parsing a list at line 1 column 4'],
    ['{"a":\n  tru}', 'a: expected ident at line 2 column 6'],
    ['{"a":"x\ny"}', 'a: control character (\\u0000-\\u001F) found while parsing a string at line 2 column 0'],
    ['{"a":01}', 'a: invalid number at line 1 column 7'],
    ['{"a":"\\q"}', 'a: invalid escape at line 1 column 8'],
  ])('%j → %s', (text, message) => {
    expect(syntaxError(text)).toBe(message);
  });

  it('keeps big integers exact and ignores what follows the value (axum 0.7 does not call `end`)', () => {
    const parsed = parseSerdeJson('{"seed":18446744073709551615} trailing');
    expect(parsed.ok && parsed.value).toEqual({ seed: 18446744073709551615n });
  });

  it('treats "__proto__" as a plain member', () => {
    const parsed = parseSerdeJson('{"__proto__":{"polluted":true}}');
    expect(parsed.ok && Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('data errors, as serde_path_to_error words them', () => {
  const foo: FieldType = {
    kind: 'struct',
    name: 'Foo',
    fields: {
      a: { type: { kind: 'i32' }, required: true },
      b: {
        type: {
          kind: 'seq',
          of: {
            kind: 'struct',
            name: 'Bar',
            fields: { x: { type: { kind: 'i32' }, required: true }, y: { type: { kind: 'i32' }, required: true } },
          },
        },
        required: true,
      },
    },
  };

  it("matches axum's own test", () => {
    expect(shapeError('{"a": 1, "b": [{"x": 2}]}', foo)).toBe('b[0]: missing field `y` at line 1 column 23');
  });

  it.each([
    ['{"parameters":{}}', 'missing field `inputs` at line 1 column 17'],
    ['{"inputs":5}', 'inputs: invalid type: integer `5`, expected a string at line 1 column 11'],
    [
      '{"inputs":"x","parameters":{"temperature":"hot"}}',
      'parameters.temperature: invalid type: string "hot", expected f32 at line 1 column 47',
    ],
    [
      '{"inputs":"x","parameters":{"max_new_tokens":-1}}',
      'parameters.max_new_tokens: invalid value: integer `-1`, expected u32 at line 1 column 47',
    ],
    [
      '{"inputs":"x","parameters":{"max_new_tokens":1.5}}',
      'parameters.max_new_tokens: invalid type: floating point `1.5`, expected u32 at line 1 column 48',
    ],
    [
      '{"inputs":"x","parameters":{"stop":"\\n"}}',
      'parameters.stop: invalid type: string "\\n", expected a sequence at line 1 column 39',
    ],
    [
      '{"inputs":"x","parameters":{"stop":[1]}}',
      'parameters.stop[0]: invalid type: integer `1`, expected a string at line 1 column 37',
    ],
    [
      '{"inputs":"x","parameters":null}',
      'parameters: invalid type: null, expected struct GenerateParameters at line 1 column 31',
    ],
    ['"x"', 'invalid type: string "x", expected struct GenerateRequest at line 1 column 3'],
    ['[1]', '[0]: invalid type: integer `1`, expected a string at line 1 column 2'],
    ['[]', 'invalid length 0, expected struct GenerateRequest with 3 elements at line 1 column 2'],
    ['["x",{},true,4]', 'trailing characters at line 1 column 14'],
  ])('%s → %s', (text, message) => {
    expect(shapeError(text, generateRequest)).toBe(message);
  });

  it('accepts unknown members and integers for floats', () => {
    expect(
      shapeError('{"inputs":"x","parameters":{"temperature":1,"whatever":[{}]},"extra":1}', generateRequest),
    ).toBeNull();
  });

  it("uses TGI's own words for a bad prompt", () => {
    expect(shapeError('{"prompt":[]}', completionRequest)).toBe(
      'prompt: Empty array detected. Do not use an empty array for the prompt. at line 1 column 12',
    );
    expect(shapeError('{"prompt":7}', completionRequest)).toBe(
      'prompt: Expected a string or an array of strings at line 1 column 11',
    );
  });
});
