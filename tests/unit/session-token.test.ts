import { describe, expect, it } from 'vitest';
import { issueSession, verifySession } from '../../worker/http/session-token.ts';

const SECRET = 'a long random string for the tests';
const ORIGIN = 'https://site.example';

describe('session tokens', () => {
  it('verifies a token it issued, for its origin, until it expires', async () => {
    const now = Date.now();
    const token = await issueSession(SECRET, ORIGIN, 60, now);
    expect((await verifySession(SECRET, token, ORIGIN, now + 59_000))?.origin).toBe(ORIGIN);
    expect(await verifySession(SECRET, token, ORIGIN, now + 61_000)).toBeUndefined();
  });

  it('refuses a token for another origin, signed with another secret, or altered', async () => {
    const token = await issueSession(SECRET, ORIGIN, 60);
    expect(await verifySession(SECRET, token, 'https://other.example')).toBeUndefined();
    expect(await verifySession('another secret', token, ORIGIN)).toBeUndefined();
    const [payload, signature] = token.split('.');
    const forged = btoa(JSON.stringify({ sub: 'x', origin: ORIGIN, exp: 9e9 })).replace(/=+$/, '');
    expect(await verifySession(SECRET, `${forged}.${signature}`, ORIGIN)).toBeUndefined();
    expect(await verifySession(SECRET, `${payload}.${signature}.more`, ORIGIN)).toBeUndefined();
    expect(await verifySession(SECRET, 'not a token', ORIGIN)).toBeUndefined();
  });
});
