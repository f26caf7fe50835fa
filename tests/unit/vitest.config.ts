import { defineConfig } from 'vitest/config';

// Pure modules of the worker and the element, in plain Node: seconds, beside the suites that run the real stack.
export default defineConfig({
  test: { include: ['tests/unit/**/*.test.ts'] },
});
