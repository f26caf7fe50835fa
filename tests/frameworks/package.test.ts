import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

/** The files `npm publish` would put in the tarball (after `npm run build`). */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: repoRoot,
  });
  return (JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((file) => file.path);
}

/** Every file path a package.json field or export condition names. */
function namedPaths(value: unknown): string[] {
  if (typeof value === 'string') return [value.replace(/^\.\//, '')];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(namedPaths);
}

describe('the npm package', () => {
  it('ships the element, its declarations, typings, manifest and licence, and nothing of the worker or demo', async () => {
    const files = await packedFiles();
    for (const path of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/falcon-chat.js',
      'dist/falcon-chat.iife.js',
      'dist/custom-elements.json',
      'dist/types/falcon-chat.d.ts',
      'dist/types/react.d.ts',
      'dist/types/vue.d.ts',
    ]) {
      expect(files, path).toContain(path);
    }
    expect(files.filter((path) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(path))).toEqual([]);
    expect(files.filter((path) => /^dist\/(index\.html|demo|_headers|favicon)/.test(path))).toEqual([]);
  });

  it('names only shipped files in main, module, types, exports, unpkg, jsdelivr and the manifest', async () => {
    const files = new Set(await packedFiles());
    const fields = [pkg.main, pkg.module, pkg.types, pkg.unpkg, pkg.jsdelivr, pkg.customElements, pkg.exports];
    for (const path of fields.flatMap(namedPaths)) expect(files.has(path), path).toBe(true);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'dist/custom-elements.json'), 'utf8'));
    const modules = JSON.stringify(manifest).match(/"(?:path|module)":"[^"]*"/g) ?? [];
    expect(modules.length).toBeGreaterThan(0);
    for (const entry of new Set(modules))
      expect(files.has(JSON.parse(`{${entry}}`).path ?? JSON.parse(`{${entry}}`).module), entry).toBe(true);
  });

  it('installs only what the element’s declarations name: lit and streaming-markdown', () => {
    // The scripts are self-contained bundles; the worker's packages are for building and deploying it from this repo.
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['lit', 'streaming-markdown']);
    expect(pkg.license).toBe('MIT');
    for (const field of ['repository', 'homepage', 'bugs', 'keywords']) expect(pkg[field], field).toBeTruthy();
  });
});
