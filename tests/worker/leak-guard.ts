import { afterAll, beforeAll, expect, vi } from 'vitest';
import { TEST_HF_TOKEN } from '../support/test-token.ts';
import { seenResponses } from './helpers.ts';

// Runs around every worker test file: whatever the file did, the token must
// not appear in a response, a response header or a log line.
const logLines: string[] = [];

beforeAll(() => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    // Collected, not printed: calling the original from inside the spy recurses in the pool.
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logLines.push(args.map(String).join(' '));
    });
  }
});

afterAll(() => {
  const secret = TEST_HF_TOKEN;
  const leaks = [
    ...seenResponses
      .filter((r) => r.body.includes(secret) || r.headers.includes(secret))
      .map((r) => r.body.slice(0, 200)),
    ...logLines.filter((line) => line.includes(secret)),
  ];
  expect(leaks).toEqual([]);
  vi.restoreAllMocks();
});
