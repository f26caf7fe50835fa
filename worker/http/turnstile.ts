export type TurnstileVerdict = { ok: true } | { ok: false; reason: 'rejected' | 'unavailable'; errorCodes: string[] };

/**
 * Asks Turnstile whether `token` is a passed challenge. Anything but a clear
 * yes is a no: a network failure, a timeout or an odd answer fails closed.
 */
export async function verifyTurnstile(
  verifyUrl: string,
  secret: string,
  token: string,
  remoteIp: string | undefined,
): Promise<TurnstileVerdict> {
  const form = new FormData();
  form.append('secret', secret);
  form.append('response', token);
  if (remoteIp) form.append('remoteip', remoteIp);
  let outcome: { success?: unknown; 'error-codes'?: unknown };
  try {
    const response = await fetch(verifyUrl, { method: 'POST', body: form, signal: AbortSignal.timeout(5000) });
    if (!response.ok) return { ok: false, reason: 'unavailable', errorCodes: [`http-${response.status}`] };
    outcome = await response.json();
  } catch {
    return { ok: false, reason: 'unavailable', errorCodes: ['network'] };
  }
  if (outcome.success === true) return { ok: true };
  const errorCodes = Array.isArray(outcome['error-codes']) ? outcome['error-codes'].map(String) : [];
  return { ok: false, reason: 'rejected', errorCodes };
}
