import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/**
 * The README's React and Vue examples, type-checked as a React 19 or Vue app
 * would: each fixture file is a README snippet, letter for letter, and imports
 * the built package by its name (`npm run build` first), as an app that
 * installed it does.
 */
async function typeCheck(compiler: 'tsc' | 'vue-tsc', project: string) {
  return promisify(execFile)(
    join(repoRoot, 'node_modules/.bin', compiler),
    ['-p', join(here, project, 'tsconfig.json')],
    {
      cwd: repoRoot,
    },
  ).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
}

function inReadme(file: string): boolean {
  return readme.includes(`\n${readFileSync(join(here, file), 'utf8')}\`\`\`\n`);
}

describe('the README’s framework examples', () => {
  it('React 19: the component type-checks with the package’s JSX typings', { timeout: 180_000 }, async () => {
    expect(inReadme('react/Help.tsx'), 'README holds react/Help.tsx as written').toBe(true);
    expect(await typeCheck('tsc', 'react')).toBe('');
  });

  it('Vue: the component and the Vite config type-check with vue-tsc', { timeout: 180_000 }, async () => {
    expect(inReadme('vue/App.vue'), 'README holds vue/App.vue as written').toBe(true);
    expect(inReadme('vue/vite.config.ts'), 'README holds vue/vite.config.ts as written').toBe(true);
    expect(await typeCheck('vue-tsc', 'vue')).toBe('');
  });
});
