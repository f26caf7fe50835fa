import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { frameworkTypes } from './build/framework-types.ts';
import type { Manifest } from './build/manifest-types.ts';
import { publicManifest } from './build/public-manifest.ts';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Lit leaves `css` template literals as written; nothing else minifies them.
 * Comments and whitespace go (never a space that separates selector parts,
 * so `.a :is(b)` keeps its meaning).
 */
function minifyLitCss(): Plugin {
  return {
    name: 'falcon-minify-lit-css',
    transform(code, id) {
      if (!/[\\/]widget[\\/].*\.styles\.ts$/.test(id)) return undefined;
      return code.replace(
        /css`([^`]*)`/g,
        (_whole, body: string) =>
          `css\`${body
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/\s+/g, ' ')
            .replace(/\s*([{};])\s*/g, '$1')
            .replace(/,\s+/g, ',')
            // After a colon only declarations have spaces (selectors' pseudo-classes never do, and no string here has one).
            .replace(/:\s+/g, ':')
            // A child combinator needs no spaces, a fraction no leading zero.
            .replace(/\s*>\s*/g, '>')
            .replace(/([\s:(,-])0\.(?=\d)/g, '$1.')
            .replace(/;}/g, '}')
            .trim()}\``,
      );
    },
  };
}

/**
 * What the npm package ships next to the scripts: `dist/custom-elements.json`
 * (the Custom Elements Manifest, from the element's JSDoc, for editors and the
 * README's reference; its module is the shipped `dist/falcon-chat.js`),
 * `dist/types/*.d.ts` (TypeScript declarations), and from the manifest the
 * typings of React's JSX and Vue's templates (`dist/types/react.d.ts`, `vue.d.ts`).
 */
function packageFiles(): Plugin {
  return {
    name: 'falcon-package-files',
    apply: 'build',
    async closeBundle() {
      // The analyzer ships no types; its programmatic entry is the CLI's own.
      const analyzer = '@custom-elements-manifest/analyzer/cli.js';
      const { cli } = (await import(analyzer)) as {
        cli(options: { argv: string[]; cwd: string }): Promise<unknown>;
      };
      await cli({
        argv: ['analyze', '--litelement', '--globs', 'widget/**/*.ts', '--outdir', 'dist', '--quiet'],
        cwd: repoRoot,
      });
      execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'widget/tsconfig.declarations.json'], {
        cwd: repoRoot,
        stdio: 'inherit',
      });
      // The sources import './x.ts'; published declarations point at './x.js' like any package's.
      const typesDir = join(repoRoot, 'dist/types');
      for (const file of readdirSync(typesDir, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.d.ts')) continue;
        const path = join(typesDir, file);
        writeFileSync(path, readFileSync(path, 'utf8').replace(/(from\s+'\.{1,2}\/[^']+)\.ts'/g, "$1.js'"));
      }
      const manifestPath = join(repoRoot, 'dist/custom-elements.json');
      const manifest = publicManifest(JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest);
      writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      const { react, vue } = frameworkTypes(manifest);
      writeFileSync(join(typesDir, 'react.d.ts'), react);
      writeFileSync(join(typesDir, 'vue.d.ts'), vue);
    },
  };
}

/**
 * Builds the widget the way a site embeds it: `dist/falcon-chat.js` (ES
 * module, with Lit inside) and the chunks it loads when a feature is first
 * used (`dist/chunks/`), `dist/falcon-chat.iife.js` (a classic script that
 * loads the ES module next to it), the demo page from `demo/public`, plus the
 * manifest and type declarations for the npm package. The worker serves `dist/`.
 */
export default defineConfig({
  publicDir: 'demo/public',
  plugins: [minifyLitCss(), packageFiles()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    minify: true,
    sourcemap: false,
    lib: {
      entry: { 'falcon-chat': 'widget/falcon-chat.ts', 'falcon-chat.iife': 'widget/classic-loader.ts' },
      formats: ['es'],
      fileName: (_format, entryName) => `${entryName}.js`,
    },
    rolldownOptions: {
      // Modules the chunks share with the entry stay in the entry (the chunks import them from it), not in chunks of their own.
      preserveEntrySignatures: 'allow-extension',
      output: {
        // Vite leaves whitespace in an ES library for the consumer's bundler; ours goes straight to browsers.
        minify: true,
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
