/**
 * `falcon-chat.iife.js`, for pages that load classic scripts: it loads the ES
 * module next to it (`falcon-chat.js`), which defines the element and loads
 * its chunks from the same place. A dynamic `import()` is allowed in classic
 * scripts and, like the script itself, comes under the page's `script-src`;
 * it is no Trusted Types sink. The module's exports land on `window.FalconChat`
 * once it has run. A CDN's short URL for the package (jsDelivr's `/npm/falcon-chat@0.1.0`, what its `jsdelivr`
 * field names) serves this file in place, without a redirect: a path that does not end in `.js` is the package's
 * folder, whose `dist/` holds the module (resolved against `/npm/`, `falcon-chat.js` would be another package).
 */
const src = (document.currentScript as HTMLScriptElement | null)?.src;
const base = new URL(src || document.baseURI);
const folder = src && !base.pathname.endsWith('.js');
const entry = new URL(folder ? `${base.pathname}/dist/falcon-chat.js` : 'falcon-chat.js', base).href;
import(/* @vite-ignore */ entry).then(
  (module: Record<string, unknown>) => {
    (window as unknown as { FalconChat?: unknown }).FalconChat = module;
  },
  (error: unknown) => console.error(`falcon-chat: ${entry} did not load.`, error),
);
