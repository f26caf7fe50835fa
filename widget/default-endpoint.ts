/**
 * The URL of the script that defined the element, read while the module first
 * runs. The ES build has `import.meta.url`. Rolldown's IIFE output replaces
 * `import.meta` with `{}` (it has no polyfill), so there the classic script's
 * own `<script src>` is used instead, which `document.currentScript` only
 * points at during this first run.
 */
const scriptUrl: string =
  import.meta.url ?? (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;

/** `/api/chat` on the origin the script came from: the worker that serves the script also answers. */
export const defaultEndpoint = new URL('/api/chat', scriptUrl).href;
