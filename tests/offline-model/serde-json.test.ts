import { describe, expect, it } from 'vitest';
import { JsonFloat, shortestF32, toSerdeJson } from '../../demo/offline-model/serde-json.ts';

describe('serde_json output (docs/upstream-protocol.md §1.4)', () => {
  it('escapes only ", \\ and control characters, lowercase \\u00xx, everything else raw', () => {
    const text = 'q" b\\ \n\t\r\b\f \u0000\u001f \u007f / é 🦅 \u2028';
    expect(toSerdeJson(text)).toBe('"q\\" b\\\\ \\n\\t\\r\\b\\f \\u0000\\u001f \u007f / é 🦅 \u2028"');
  });

  it('writes u64 seeds digit for digit, beyond 2^53', () => {
    expect(toSerdeJson({ seed: 15894434128425543452n })).toBe('{"seed":15894434128425543452}');
  });

  it('writes floats as shortest f32 values, with a decimal point, and non-finite ones as null', () => {
    expect(
      toSerdeJson([
        new JsonFloat(-1.8251953),
        new JsonFloat(20, 'f64'),
        new JsonFloat(Number.NaN),
        new JsonFloat(-0.0023403168),
      ]),
    ).toBe('[-1.8251953,20.0,null,-0.0023403168]');
    expect(shortestF32(0.1)).toBe(0.1);
    expect(shortestF32(1 / 3)).toBe(0.33333334);
  });

  it('keeps key order and leaves out undefined members', () => {
    expect(toSerdeJson({ b: 1, a: [true, null], top_tokens: undefined, c: { d: 'x' } })).toBe(
      '{"b":1,"a":[true,null],"c":{"d":"x"}}',
    );
  });
});
