/** Schemes a link in an answer may use; anything else stays text. */
const LINK_SCHEMES = ['http:', 'https:', 'mailto:'];
/** Images are fetched by the browser as soon as they render, so only the web's own schemes. */
const IMAGE_SCHEMES = ['http:', 'https:'];

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  colon: ':',
  tab: '\t',
  newline: '\n',
  nbsp: '\u00a0',
};

/**
 * Markdown decodes character references in a link destination, and so do
 * browsers in an href written as HTML, so `&#106;avascript:` must be judged
 * as `javascript:`.
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[\da-f]+|#\d+|[a-z]+);?/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  });
}

/** Characters of a link destination (with its title) that are judged at all; longer ones stay text. */
export const MAX_DESTINATION = 2_048;

/**
 * `url "title"` or `url 'title'` without the title. Found by scanning, not
 * by a pattern like `\s+("[^"]*")$`, which backtracks over a run of spaces
 * once for every space (seconds for a few hundred kilobytes).
 */
function withoutLinkTitle(destination: string): string {
  const quote = destination.at(-1);
  if (quote !== '"' && quote !== "'") return destination;
  const open = destination.lastIndexOf(quote, destination.length - 2);
  if (open <= 0 || !/\s/.test(destination[open - 1])) return destination;
  return destination.slice(0, open).trimEnd();
}

/**
 * The URL a link or image of an answer may point at, or `undefined` when it
 * must stay text. The destination is decoded, then parsed by the browser's
 * own URL parser (which drops the tabs, newlines and leading control
 * characters hidden in `java\tscript:`), and only absolute URLs with an
 * allowed scheme pass: a relative one would point into the host page.
 */
export function safeUrl(destination: string, kind: 'link' | 'image' = 'link'): string | undefined {
  // Longer than any link a person follows; and every step below is then linear in a bounded length.
  if (destination.length > MAX_DESTINATION) return undefined;
  const withoutTitle = withoutLinkTitle(destination.trim());
  const bracketed = withoutTitle.startsWith('<') && withoutTitle.endsWith('>') && withoutTitle.length > 1;
  const decoded = decodeEntities(bracketed ? withoutTitle.slice(1, -1) : withoutTitle);
  let url: URL;
  try {
    url = new URL(decoded);
  } catch {
    return undefined;
  }
  return (kind === 'link' ? LINK_SCHEMES : IMAGE_SCHEMES).includes(url.protocol) ? url.href : undefined;
}
