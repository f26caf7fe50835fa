import { describe, expect, it } from 'vitest';
import { errorFromResponse, errorFromStreamEvent, parseRetryAfter } from '../../widget/server-errors.ts';
import type { ErrorBody, ErrorData } from '../../widget/wire-contract.ts';

const errorResponse = (status: number, body: ErrorBody, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe("the worker's errors in the element's terms", () => {
  it('maps a known stream error code to its own words, with the wait', () => {
    const data: ErrorData = { code: 'upstream_rate_limited', message: 'Too many.', retryAfter: 4.2 };
    const error = errorFromStreamEvent(data);
    expect(error.code).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(5);
    expect(error.visitorMessage).toBeUndefined();
  });

  it("keeps the worker's sentence for a code the element has no words for", () => {
    const error = errorFromStreamEvent({ code: 'upstream_quota', message: 'Used up for today.' });
    expect(error.code).toBe('server');
    expect(error.message).toBe('Used up for today.');
  });

  it('classifies an HTTP error by its code, or by its status when the code is unknown', async () => {
    expect(
      (await errorFromResponse(errorResponse(400, { error: { code: 'payload_too_large', message: '' } }))).code,
    ).toBe('too-large');
    const unknown = { error: { code: 'brand_new_code', message: 'New.' } } as unknown as ErrorBody;
    expect((await errorFromResponse(errorResponse(429, unknown, { 'Retry-After': '3' }))).code).toBe('rate-limited');
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(5);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
