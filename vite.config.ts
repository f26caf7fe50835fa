import { defineConfig } from 'vite';

/**
 * Builds the widget the way a site embeds it: `dist/falcon-chat.js` (ES
 * module) and `dist/falcon-chat.iife.js` (classic script), each with Lit
 * inside, next to the demo page from `demo/public`. The worker serves `dist/`.
 */
export default defineConfig({
  publicDir: 'demo/public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    minify: true,
    sourcemap: false,
    lib: {
      entry: 'widget/falcon-chat.ts',
      formats: ['es', 'iife'],
      // The IIFE's exports land on this global.
      name: 'FalconChat',
      fileName: (format) => (format === 'es' ? 'falcon-chat.js' : `falcon-chat.${format}.js`),
    },
    rolldownOptions: {
      // Vite leaves whitespace in an ES library for the consumer's bundler; ours goes straight to browsers.
      output: { minify: true },
      onLog(level, log, defaultHandler) {
        // default-endpoint.ts reads import.meta.url knowing the IIFE gets `{}` and falls back to its <script src>.
        if (log.code === 'EMPTY_IMPORT_META' && log.id?.endsWith('widget/default-endpoint.ts')) return;
        defaultHandler(level, log);
      },
    },
  },
});
