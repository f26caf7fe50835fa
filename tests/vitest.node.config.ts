import { defineConfig } from 'vitest/config';

// Tests that run in Node: the offline model on its own, the end-to-end
// tests that drive the demo page in Chromium through `wrangler dev`, and the
// worker's pure modules (tests/unit/worker).
export default defineConfig({
  test: {
    include: [
      'tests/offline-model/**/*.test.ts',
      'tests/e2e/**/*.test.ts',
      'tests/attack/**/*.test.ts',
      'tests/frameworks/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
