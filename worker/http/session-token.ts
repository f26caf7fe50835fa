/**
 * Short-lived session tokens issued after a Turnstile check: the payload
 * `{sub, origin, exp}` and its HMAC-SHA-256, both base64url. They spare the
 * visitor a new challenge per question and give the rate limiter a key that is
 * not just an IP address.
 */
export interface Session {
  /** Random id of this session: the rate-limit key. */
  sub: string;
  /** The page origin the check was passed on; the token works only there. */
  origin: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

export async function issueSession(
  secret: string,
  origin: string,
  ttlSeconds: number,
  now = Date.now(),
): Promise<string> {
  const session: Session = { sub: crypto.randomUUID(), origin, exp: Math.floor(now / 1000) + ttlSeconds };
  const payload = toBase64Url(encoder.encode(JSON.stringify(session)));
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(payload));
  return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

/** The session in `token` if it is genuine, unexpired and for `origin`; otherwise undefined. */
export async function verifySession(
  secret: string,
  token: string,
  origin: string,
  now = Date.now(),
): Promise<Session | undefined> {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  try {
    // crypto.subtle.verify compares in constant time.
    const genuine = await crypto.subtle.verify(
      'HMAC',
      await hmacKey(secret),
      fromBase64Url(signature),
      encoder.encode(payload),
    );
    if (!genuine) return undefined;
    const session = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as Session;
    if (session.origin !== origin || session.exp * 1000 <= now) return undefined;
    return session;
  } catch {
    return undefined;
  }
}
