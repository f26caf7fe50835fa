/**
 * Lets a server renderer (Next.js, Astro, Nuxt) import the script in Node,
 * where there is no DOM. Lit's browser build, bundled in, subclasses
 * `HTMLElement` and asks `document` for a tree walker while its modules first
 * run. Imported before them, this lends inert stand-ins for just that one
 * synchronous evaluation; the entry deletes them right after, so no other code
 * on the server ever sees a fake DOM. In a browser it does nothing.
 */
const scope = globalThis as Record<string, unknown>;

/** The globals lent here, for the entry to delete. */
export const lentGlobals: string[] = [];

if (typeof HTMLElement === 'undefined') {
  scope.HTMLElement = class {};
  lentGlobals.push('HTMLElement');
}
if (typeof document === 'undefined') {
  // lit-html keeps a tree walker from it, used only when rendering.
  scope.document = { createTreeWalker: () => ({}) };
  lentGlobals.push('document');
}
