/** Bodies of the wrong shape get axum's 422 in serde's words (docs/upstream-protocol.md §1.3), without its positions. */
import { describe, expect, it } from 'vitest';
import {
  checkShape,
  completionRequest,
  generateRequest,
  type FieldType,
} from '../../demo/offline-model/request-shapes.ts';

const shapeError = (text: string, type: FieldType): string | null => checkShape(JSON.parse(text), type);

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
    expect(shapeError('{"a": 1, "b": [{"x": 2}]}', foo)).toBe('b[0]: missing field `y`');
  });

  it.each([
    ['{"parameters":{}}', 'missing field `inputs`'],
    ['{"inputs":5}', 'inputs: invalid type: integer `5`, expected a string'],
    [
      '{"inputs":"x","parameters":{"temperature":"hot"}}',
      'parameters.temperature: invalid type: string "hot", expected f32',
    ],
    [
      '{"inputs":"x","parameters":{"max_new_tokens":-1}}',
      'parameters.max_new_tokens: invalid value: integer `-1`, expected u32',
    ],
    [
      '{"inputs":"x","parameters":{"max_new_tokens":1.5}}',
      'parameters.max_new_tokens: invalid type: floating point `1.5`, expected u32',
    ],
    ['{"inputs":"x","parameters":{"stop":"\\n"}}', 'parameters.stop: invalid type: string "\\n", expected a sequence'],
    ['{"inputs":"x","parameters":{"stop":[1]}}', 'parameters.stop[0]: invalid type: integer `1`, expected a string'],
    ['{"inputs":"x","parameters":null}', 'parameters: invalid type: null, expected struct GenerateParameters'],
    ['"x"', 'invalid type: string "x", expected struct GenerateRequest'],
    ['[]', 'invalid type: sequence, expected struct GenerateRequest'],
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
      'prompt: Empty array detected. Do not use an empty array for the prompt.',
    );
    expect(shapeError('{"prompt":7}', completionRequest)).toBe('prompt: Expected a string or an array of strings');
  });
});
