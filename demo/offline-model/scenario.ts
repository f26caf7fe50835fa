/**
 * Scenario switches: `key=value` items that pick a fault, the pace, the framing and the
 * flavour of one request. They come from a `/scenario/<items>/` path prefix (so an
 * HF_ENDPOINT_URL can carry them) and from an `@offline(<items>)` directive in the prompt
 * (so a visitor's typed question can); the directive wins, the server's defaults lose.
 */
import type { Ending } from './script.ts';

export const FAULTS = [
  'none',
  'error-before-first',
  'midstream-error',
  'incomplete',
  'abrupt-close',
  'stall',
  'http-401',
  'http-402',
  'http-404',
  'http-422-template',
  'http-429',
  'http-503',
  'malformed',
  'json-200',
  'no-final-newline',
  'endless-line',
  'huge-error',
  'echo-auth',
] as const;
export type Fault = (typeof FAULTS)[number];

export interface Scenario {
  fault: Fault;
  /** Only the first N requests with the same `tag` get the fault (null: all of them). */
  faultTimes: number | null;
  /** Tokens sent before an in-stream fault. */
  after: number;
  /** Milliseconds between tokens. */
  delay: number;
  /** Milliseconds before the first token. */
  firstDelay: number;
  /** Milliseconds of silence before a `:` keep-alive comment (TGI: 15 s, §1.4). */
  keepalive: number;
  framing: 'space' | 'nospace';
  eol: 'lf' | 'crlf' | 'cr';
  /** Write the body in pieces of this many bytes. */
  chunk: number | null;
  /** `utf8`: cut every write inside each multi-byte character. */
  split: 'utf8' | null;
  flavour: 'tgi' | 'vllm' | 'llamacpp';
  /** Make the generation exactly this many tokens (benchmarks). */
  tokens: number | null;
  /** Serve a model with this many tokens of context (default: Falcon's 2,048), so `tokens` can go past 2,000. */
  context: number | null;
  ending: Ending;
  /** The answer, exactly (from `answer=<base64url of its UTF-8>`), instead of the demo answer. */
  answer: string | null;
  /** Stream the answer as tokens cut at these UTF-16 indices (`every`: one code unit per token) instead of word pieces. */
  splitAt: SplitAt | null;
  /** Inject `: ping` and bare `:` comments between events. */
  comments: boolean;
  /** Hold every event back and send the stream in one write, as a buffering proxy in front of the model would. */
  burst: boolean;
  /** Seconds in the `retry-after` header of `http-429`. */
  retryAfter: number;
  /** `endless-line` and `huge-error` stop (and end the body) after this many filler bytes; null: never. */
  lineBytes: number | null;
  /** Label for the request log. */
  tag: string | null;
}

export const DEFAULT_SCENARIO: Scenario = {
  fault: 'none',
  faultTimes: null,
  after: 3,
  delay: 30,
  firstDelay: 150,
  keepalive: 15_000,
  framing: 'space',
  eol: 'lf',
  chunk: null,
  split: null,
  flavour: 'tgi',
  tokens: null,
  context: null,
  ending: 'eos',
  answer: null,
  splitAt: null,
  comments: false,
  burst: false,
  retryAfter: 2,
  lineBytes: null,
  tag: null,
};

export type ScenarioItems = Record<string, string>;

/** Where `split-at` cuts the answer: ascending UTF-16 indices, or at every one. */
export type SplitAt = readonly number[] | 'every';

const nonNegative = (key: string, value: string): number => {
  if (!/^\d+$/.test(value)) throw new ScenarioError(`${key} must be a whole number of 0 or more, got "${value}"`);
  return Number(value);
};
const positive = (key: string, value: string): number => {
  const number = nonNegative(key, value);
  if (number === 0) throw new ScenarioError(`${key} must be at least 1`);
  return number;
};
const oneOf =
  <T extends string>(choices: readonly T[]) =>
  (key: string, value: string): T => {
    if (!(choices as readonly string[]).includes(value))
      throw new ScenarioError(`${key} must be one of ${choices.join(', ')}, got "${value}"`);
    return value as T;
  };

/**
 * `answer=`: base64url (RFC 4648 §5, padding optional) of the answer's UTF-8 bytes, so any
 * text, markup and line breaks included, fits in a directive or a path segment.
 */
export function decodeAnswer(key: string, value: string): string {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw new ScenarioError(`${key} must be base64url of UTF-8 text, got "${value.slice(0, 40)}"`);
  }
  const binary = atob(value.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/'));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      Uint8Array.from(binary, (char) => char.charCodeAt(0)),
    );
  } catch {
    throw new ScenarioError(`${key} is not UTF-8 once decoded`);
  }
}

/** The base64url that `answer=` takes, for tests and tools. */
export function encodeAnswer(text: string): string {
  const binary = Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join('');
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `split-at=5`, `split-at=2+9+14` (cut points, any order) or `split-at=every`. */
function parseSplitAt(key: string, value: string): SplitAt {
  if (value === 'every') return 'every';
  if (!/^\d+(\+\d+)*$/.test(value))
    throw new ScenarioError(`${key} must be "every" or cut points like 5 or 2+9, got "${value}"`);
  const cuts = value.split('+').map((part) => positive(key, part));
  return [...new Set(cuts)].sort((a, b) => a - b);
}

/** How each key is read; keys are spelled as in URLs and directives. */
const KEYS: Record<string, (scenario: Scenario, value: string, key: string) => void> = {
  fault: (s, v, k) => (s.fault = oneOf(FAULTS)(k, v)),
  'fault-times': (s, v, k) => (s.faultTimes = nonNegative(k, v)),
  after: (s, v, k) => (s.after = nonNegative(k, v)),
  delay: (s, v, k) => (s.delay = nonNegative(k, v)),
  'first-delay': (s, v, k) => (s.firstDelay = nonNegative(k, v)),
  keepalive: (s, v, k) => (s.keepalive = positive(k, v)),
  framing: (s, v, k) => (s.framing = oneOf(['space', 'nospace'] as const)(k, v)),
  eol: (s, v, k) => (s.eol = oneOf(['lf', 'crlf', 'cr'] as const)(k, v)),
  chunk: (s, v, k) => (s.chunk = positive(k, v)),
  split: (s, v, k) => (s.split = oneOf(['utf8'] as const)(k, v)),
  flavour: (s, v, k) => (s.flavour = oneOf(['tgi', 'vllm', 'llamacpp'] as const)(k, v)),
  tokens: (s, v, k) => (s.tokens = positive(k, v)),
  context: (s, v, k) => (s.context = Math.max(2, positive(k, v))),
  ending: (s, v, k) => (s.ending = oneOf(['eos', 'stop-sequence'] as const)(k, v)),
  answer: (s, v, k) => (s.answer = decodeAnswer(k, v)),
  'split-at': (s, v, k) => (s.splitAt = parseSplitAt(k, v)),
  comments: (s, v, k) => (s.comments = oneOf(['0', '1'] as const)(k, v) === '1'),
  burst: (s, v, k) => (s.burst = oneOf(['0', '1'] as const)(k, v) === '1'),
  'retry-after': (s, v, k) => (s.retryAfter = nonNegative(k, v)),
  'line-bytes': (s, v, k) => (s.lineBytes = positive(k, v)),
  tag: (s, v) => (s.tag = v),
};

export const SCENARIO_KEYS = Object.keys(KEYS);

/** A bad key or value; the request is answered with a 400 that says which. */
export class ScenarioError extends Error {}

/** `fault=stall,after=0` → `{ fault: 'stall', after: '0' }`. */
export function parseScenarioItems(text: string): ScenarioItems {
  const items: ScenarioItems = {};
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const equals = item.indexOf('=');
    if (equals === -1) throw new ScenarioError(`scenario item "${item.trim()}" is not key=value`);
    items[item.slice(0, equals).trim()] = item.slice(equals + 1).trim();
  }
  return items;
}

/** Later sources win: `resolveScenario(defaults, fromPath, fromPrompt)`. */
export function resolveScenario(...sources: ScenarioItems[]): Scenario {
  const scenario = { ...DEFAULT_SCENARIO };
  for (const items of sources) {
    for (const [key, value] of Object.entries(items)) {
      const apply = KEYS[key];
      if (!apply) throw new ScenarioError(`unknown scenario key "${key}" (known: ${SCENARIO_KEYS.join(', ')})`);
      apply(scenario, value, key);
    }
  }
  return scenario;
}

const PATH_PREFIX = /^\/scenario\/([^/]*)(\/.*)?$/;

/** Splits `/scenario/<items>/v1/completions` into the items and `/v1/completions`. */
export function splitScenarioPath(pathname: string): { items: ScenarioItems; path: string } {
  const match = PATH_PREFIX.exec(pathname);
  if (!match) return { items: {}, path: pathname };
  let segment: string;
  try {
    segment = decodeURIComponent(match[1]);
  } catch {
    throw new ScenarioError(`scenario segment "${match[1]}" is not valid URL encoding`);
  }
  return { items: parseScenarioItems(segment), path: match[2] ?? '/' };
}

const DIRECTIVE = /@offline\(([^)]*)\)/g;

/** Items of the last `@offline(...)` in `texts` (taken in order), or none. */
export function directiveItems(texts: readonly string[]): ScenarioItems {
  let last: string | undefined;
  for (const text of texts) for (const match of text.matchAll(DIRECTIVE)) last = match[1];
  return last === undefined ? {} : parseScenarioItems(last);
}
