/**
 * `falcon-chat.iife.js`, for pages that load classic scripts: it loads the ES
 * module next to it (`falcon-chat.js`), which defines the element and loads
 * its chunks from the same place. A dynamic `import()` is allowed in classic
 * scripts and, like the script itself, comes under the page's `script-src`;
 * it is no Trusted Types sink. The module's exports land on `window.FalconChat`
 * once it has run.
 */
const script = document.currentScript as HTMLScriptElement | null;
const entry = new URL('falcon-chat.js', script?.src || document.baseURI).href;
import(/* @vite-ignore */ entry).then(
  (module: Record<string, unknown>) => {
    (window as unknown as { FalconChat?: unknown }).FalconChat = module;
  },
  (error: unknown) => console.error(`falcon-chat: ${entry} did not load.`, error),
);
