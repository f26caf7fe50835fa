import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TEST_HF_TOKEN } from '../../support/test-token.ts';
import { internetStandIns } from '../internet-stand-ins.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

// The Hugging Face router and Turnstile cannot be reached from here. These
// tests run the worker with no HF_ENDPOINT_URL and answer the internet's URLs
// with local stand-ins (internet-stand-ins.ts), so they show which URLs the
// worker really calls and what it does with the answers. (A separate project:
// the outbound service sees every request, which the cancellation tests must
// not go through.)
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: `${repoRoot}worker/index.ts`,
      wrangler: { configPath: `${repoRoot}wrangler.toml` },
      miniflare: {
        bindings: { HF_ENDPOINT_URL: '', HF_TOKEN: TEST_HF_TOKEN, ALLOWED_ORIGINS: 'https://site.example' },
        outboundService: internetStandIns(inject('offlineModelUrl')),
      },
    })),
  ],
  test: {
    root: repoRoot,
    include: ['tests/worker/internet/**/*.test.ts'],
    globalSetup: [`${repoRoot}tests/worker/global-setup.ts`],
    setupFiles: [`${repoRoot}tests/worker/leak-guard.ts`],
    testTimeout: 20_000,
  },
});
