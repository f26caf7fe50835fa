import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TEST_HF_TOKEN } from '../support/test-token.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProjectOptions {
  include: string[];
  exclude?: string[];
  /** Bindings beyond the shared ones; `offlineModelUrl` is where global-setup started the offline model. */
  bindings: (offlineModelUrl: string) => Record<string, string>;
  /** Answers the worker's outbound requests instead of the network. */
  outboundService?: (offlineModelUrl: string) => (request: Request) => Promise<Response>;
}

/**
 * A vitest project whose tests run inside workerd with the worker from
 * wrangler.toml, the offline model started in Node by global-setup, and the
 * token guard around every file.
 */
export function workerProject({ include, exclude = [], bindings, outboundService }: WorkerProjectOptions) {
  return defineConfig({
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: `${repoRoot}worker/index.ts`,
        wrangler: { configPath: `${repoRoot}wrangler.toml` },
        miniflare: {
          bindings: {
            HF_TOKEN: TEST_HF_TOKEN,
            // Quick retries: the waits are not under test, the counts are.
            RETRY_BASE_MS: '10',
            ...bindings(inject('offlineModelUrl')),
          },
          ...(outboundService ? { outboundService: outboundService(inject('offlineModelUrl')) } : {}),
        },
      })),
    ],
    test: {
      root: repoRoot,
      include,
      exclude,
      globalSetup: [`${repoRoot}tests/worker/global-setup.ts`],
      setupFiles: [`${repoRoot}tests/worker/leak-guard.ts`],
      testTimeout: 20_000,
    },
  });
}
