/**
 * What each attribute and property of `<falcon-chat>` may hold. A page (or a
 * framework passing `undefined`, or a typo in an attribute) can set anything;
 * a value out of range goes back to the default, with one console warning
 * naming the attribute and the value, instead of reaching a request the
 * worker refuses or a render that throws.
 */
interface Rule {
  /** The attribute's name (a property without one is named as the property). */
  attribute: string;
  fallback: unknown;
  valid(value: unknown): boolean;
}

const isString = (value: unknown) => typeof value === 'string';
const isBoolean = (value: unknown) => typeof value === 'boolean';
const oneOf =
  (...values: string[]) =>
  (value: unknown) =>
    values.includes(value as string);
const optional = (valid: (value: unknown) => boolean) => (value: unknown) => value === undefined || valid(value);

/** Kept in step with the defaults the element declares: each property starts at its fallback. */
export const ATTRIBUTE_RULES: Record<string, Rule> = {
  endpoint: { attribute: 'endpoint', fallback: undefined, valid: (value) => isString(value) && value !== '' },
  systemMessage: { attribute: 'system-message', fallback: '', valid: isString },
  temperature: {
    attribute: 'temperature',
    fallback: 0.7,
    valid: (value) => typeof value === 'number' && value >= 0 && value <= 2,
  },
  maxNewTokens: {
    attribute: 'max-new-tokens',
    fallback: undefined,
    valid: optional((value) => Number.isSafeInteger(value) && (value as number) >= 1),
  },
  heading: { attribute: 'heading', fallback: undefined, valid: optional(isString) },
  placeholder: { attribute: 'placeholder', fallback: undefined, valid: optional(isString) },
  showSettings: { attribute: 'show-settings', fallback: false, valid: isBoolean },
  greeting: { attribute: 'greeting', fallback: '', valid: isString },
  suggestions: {
    attribute: 'suggestions',
    fallback: [],
    valid: (value) => Array.isArray(value) && value.every(isString),
  },
  allowImages: { attribute: 'allow-images', fallback: false, valid: isBoolean },
  turnstileSitekey: { attribute: 'turnstile-sitekey', fallback: '', valid: isString },
  mode: { attribute: 'mode', fallback: 'inline', valid: oneOf('inline', 'floating', 'fullscreen') },
  position: { attribute: 'position', fallback: undefined, valid: optional(oneOf('bottom-right', 'bottom-left')) },
  open: { attribute: 'open', fallback: false, valid: isBoolean },
  theme: { attribute: 'theme', fallback: 'light', valid: oneOf('light', 'dark', 'auto') },
  lang: { attribute: 'lang', fallback: '', valid: isString },
  strings: {
    attribute: 'strings',
    fallback: undefined,
    valid: optional((value) => typeof value === 'object' && value !== null && !Array.isArray(value)),
  },
  persist: { attribute: 'persist', fallback: 'none', valid: oneOf('none', 'session', 'local') },
  storageKey: { attribute: 'storage-key', fallback: 'falcon-chat', valid: (value) => isString(value) && value !== '' },
};

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Puts every changed property that is out of range back to its default (the
 * element's own default when the rule has none, e.g. the endpoint). `null`
 * is what an attribute that was removed leaves: unset, so no warning.
 * Returns the names of the properties it reset.
 */
export function resetBadValues(
  element: object,
  changed: ReadonlyMap<PropertyKey, unknown>,
  defaults: Readonly<Record<string, unknown>> = {},
): string[] {
  const target = element as Record<string, unknown>;
  const reset: string[] = [];
  for (const name of changed.keys()) {
    const rule = ATTRIBUTE_RULES[name as string];
    if (!rule) continue;
    const value = target[name as string];
    if (rule.valid(value)) continue;
    const fallback = name in defaults ? defaults[name as string] : rule.fallback;
    if (value === fallback || (value === undefined && fallback === undefined)) continue;
    if (value !== null && value !== undefined) {
      console.warn(`<falcon-chat>: ${rule.attribute}=${describe(value)} is out of range; using the default.`);
    }
    target[name as string] = Array.isArray(fallback) ? [...fallback] : fallback;
    reset.push(name as string);
  }
  return reset;
}
