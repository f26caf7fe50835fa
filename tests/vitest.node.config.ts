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
    // How long a page may take to show what a test waits for: a bound for a busy two-core machine, not a speed
    // assertion (vitest's own default, one second, is less than a lazily loaded chunk can take there).
    expect: { poll: { timeout: 15_000 } },
  },
});
