import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('importing the package on a server (Next.js, Astro, Nuxt render there)', () => {
  it('works in plain Node, with no DOM, and leaves no fake DOM behind', async () => {
    // A child process: plain Node, nothing the test runner set up. The package by its name, as an app imports it.
    const script = `
      const module = await import('falcon-chat');
      console.log(JSON.stringify({
        exports: Object.keys(module).sort(),
        element: typeof module.FalconChat,
        globals: [typeof HTMLElement, typeof document, typeof customElements],
      }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repoRoot,
    });
    const result = JSON.parse(stdout);
    expect(result.exports).toContain('FalconChat');
    expect(result.exports).toContain('FalconChatResponseEvent');
    expect(result.element).toBe('function');
    expect(result.globals).toEqual(['undefined', 'undefined', 'undefined']);
  });
});
