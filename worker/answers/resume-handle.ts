/**
 * A resume handle is `<object id>.<secret>`: the Durable Object that runs the
 * answer, and 256 random bits that prove the holder was told it. The object
 * keeps only the secret's SHA-256, so its storage alone cannot resume anything.
 */
const HANDLE = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{43})$/;

export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export async function hashSecret(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The object id and secret of a well-formed handle; `undefined` for anything else. */
export function parseHandle(handle: string): { objectId: string; secret: string } | undefined {
  const match = HANDLE.exec(handle);
  return match ? { objectId: match[1], secret: match[2] } : undefined;
}
