import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENARIO,
  directiveItems,
  resolveScenario,
  splitScenarioPath,
} from '../../demo/offline-model/scenario.ts';

describe('scenario switches', () => {
  it('come from a URL prefix, URL-decoded', () => {
    expect(splitScenarioPath('/scenario/fault=midstream-error,delay=0/v1/completions')).toEqual({
      items: { fault: 'midstream-error', delay: '0' },
      path: '/v1/completions',
    });
    expect(splitScenarioPath('/scenario/tag%3Da%20b')).toEqual({ items: { tag: 'a b' }, path: '/' });
    expect(splitScenarioPath('/v1/completions')).toEqual({ items: {}, path: '/v1/completions' });
  });

  it('take the last @offline(...) directive of the prompt', () => {
    expect(directiveItems(['@offline(fault=stall) old', 'new @offline(fault=incomplete,after=1)'])).toEqual({
      fault: 'incomplete',
      after: '1',
    });
    expect(directiveItems(['no directive'])).toEqual({});
  });

  it('merge with later sources winning', () => {
    const scenario = resolveScenario({ delay: '0' }, { fault: 'stall', delay: '5' }, { fault: 'incomplete' });
    expect(scenario).toEqual({ ...DEFAULT_SCENARIO, delay: 5, fault: 'incomplete' });
  });

  it('read every key', () => {
    const scenario = resolveScenario({
      fault: 'http-429',
      'fault-times': '1',
      after: '2',
      delay: '1',
      'first-delay': '3',
      keepalive: '50',
      framing: 'nospace',
      eol: 'crlf',
      chunk: '7',
      split: 'utf8',
      flavour: 'vllm',
      tokens: '100',
      context: '4096',
      ending: 'stop-sequence',
      answer: 'aGk',
      'split-at': '3+1',
      comments: '1',
      burst: '1',
      'retry-after': '7',
      'line-bytes': '9',
      tag: 'x',
    });
    expect(scenario).toEqual({
      fault: 'http-429',
      faultTimes: 1,
      after: 2,
      delay: 1,
      firstDelay: 3,
      keepalive: 50,
      framing: 'nospace',
      eol: 'crlf',
      chunk: 7,
      split: 'utf8',
      flavour: 'vllm',
      tokens: 100,
      context: 4096,
      ending: 'stop-sequence',
      answer: 'hi',
      splitAt: [1, 3],
      comments: true,
      burst: true,
      retryAfter: 7,
      lineBytes: 9,
      tag: 'x',
    });
  });

  it('refuse unknown keys and bad values', () => {
    expect(() => resolveScenario({ falut: 'stall' })).toThrow(/unknown scenario key "falut"/);
    expect(() => resolveScenario({ fault: 'explode' })).toThrow(/fault must be one of/);
    expect(() => resolveScenario({ delay: '-1' })).toThrow(/delay must be a whole number/);
    expect(() => resolveScenario({ chunk: '0' })).toThrow(/chunk must be at least 1/);
  });
});
