import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_HF_TOKEN } from '../support/test-token.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

async function filesBelow(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('built files', () => {
  it('hold no token, even when the developer has one in .dev.vars', async () => {
    const out = await mkdtemp(join(tmpdir(), 'falcon-dry-run-'));
    const devVars = join(out, '.dev.vars');
    await writeFile(devVars, `HF_TOKEN=${TEST_HF_TOKEN}\n`);
    try {
      // What `wrangler deploy` would upload: the worker bundle (the assets are dist/).
      await promisify(execFile)(
        `${repoRoot}node_modules/.bin/wrangler`,
        ['deploy', '--dry-run', '--outdir', out, '--env-file', devVars],
        {
          cwd: repoRoot,
          env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' },
        },
      );
      const files = [
        ...(await filesBelow(out)).filter((file) => file !== devVars),
        ...(await filesBelow(join(repoRoot, 'dist'))),
      ];
      expect(files.some((file) => file.endsWith('falcon-chat.iife.js'))).toBe(true);
      expect(files.some((file) => file.endsWith('index.js'))).toBe(true);
      for (const file of files) {
        const text = await readFile(file, 'utf8');
        expect(text.includes(TEST_HF_TOKEN), file).toBe(false);
        expect(/\bhf_[A-Za-z0-9]{20,}/.test(text), file).toBe(false);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
