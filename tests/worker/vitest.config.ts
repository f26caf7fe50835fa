import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TEST_HF_TOKEN } from '../support/test-token.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

// Worker tests run inside workerd against the real offline model, which
// global-setup starts in Node; HF_ENDPOINT_URL alone points the worker at it.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: `${repoRoot}worker/index.ts`,
      wrangler: { configPath: `${repoRoot}wrangler.toml` },
      miniflare: {
        bindings: {
          HF_ENDPOINT_URL: inject('offlineModelUrl'),
          HF_TOKEN: TEST_HF_TOKEN,
          ALLOWED_ORIGINS: 'https://site.example, https://shop.example',
          // Quick retries: the waits are not under test, the counts are.
          RETRY_BASE_MS: '10',
        },
      },
    })),
  ],
  test: {
    root: repoRoot,
    include: ['tests/worker/**/*.test.ts'],
    exclude: ['tests/worker/internet/**'],
    globalSetup: [`${repoRoot}tests/worker/global-setup.ts`],
    setupFiles: [`${repoRoot}tests/worker/leak-guard.ts`],
    testTimeout: 20_000,
  },
});
