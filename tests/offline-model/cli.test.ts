/** `tsx demo/offline-model/main.ts` prints one line with its URL and serves there. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { get } from './helpers.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the CLI', () => {
  it('starts on the port from OFFLINE_MODEL_PORT (0: any) and stops on SIGTERM', async () => {
    const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['demo/offline-model/main.ts', '--quiet'], {
      cwd: repoRoot,
      env: { ...process.env, OFFLINE_MODEL_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = /(http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
      expect(line).toMatch(/^Offline demo model \(not a real LLM\) listening on http:\/\/127\.0\.0\.1:\d+$/);
      expect((await get(`${url}/health`)).status).toBe(200);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
