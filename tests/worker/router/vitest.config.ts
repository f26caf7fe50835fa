import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TEST_HF_TOKEN } from '../../support/test-token.ts';
import { routerToOfflineModel } from '../router-redirect.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

// The Hugging Face router cannot be reached from here. These tests run the
// worker with no HF_ENDPOINT_URL and send the router's and Hub's URLs to the
// offline model, which serves the same paths, so they show which URLs the
// worker really uses. (A separate project: the outbound service sees every
// request, which the cancellation tests must not go through.)
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: `${repoRoot}worker/index.ts`,
      wrangler: { configPath: `${repoRoot}wrangler.toml` },
      miniflare: {
        bindings: { HF_ENDPOINT_URL: '', HF_TOKEN: TEST_HF_TOKEN, ALLOWED_ORIGINS: 'https://site.example' },
        outboundService: routerToOfflineModel(inject('offlineModelUrl')),
      },
    })),
  ],
  test: {
    root: repoRoot,
    include: ['tests/worker/router/**/*.test.ts'],
    globalSetup: [`${repoRoot}tests/worker/global-setup.ts`],
    setupFiles: [`${repoRoot}tests/worker/leak-guard.ts`],
    testTimeout: 20_000,
  },
});
