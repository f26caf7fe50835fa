import { requestSession } from './chat-client.ts';
import { ChatError } from './chat-error.ts';

/** Where chat requests get the session token the worker asks for when its bot check is on. */
export interface SessionSource {
  token(endpoint: string, signal: AbortSignal): Promise<string>;
  /** The worker refused the token (expired, or from before a redeploy): get a new one next time. */
  forget(): void;
}

/** The part of Cloudflare's Turnstile API this uses. */
interface TurnstileApi {
  render(
    container: HTMLElement,
    options: { sitekey: string; callback: (token: string) => void; 'error-callback': () => void; appearance: string },
  ): string;
  remove(widgetId: string): void;
}

declare global {
  interface Window {
    turnstile?: TurnstileApi;
  }
}

const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
let turnstileLoading: Promise<TurnstileApi> | undefined;
let scriptUrl: unknown;

/**
 * Under Trusted Types (`require-trusted-types-for 'script'`) a script's `src`
 * must be a TrustedScriptURL: a policy named `falcon-chat-turnstile` (allowed
 * by the page's `trusted-types` directive) vouches for Turnstile's one URL and
 * nothing else. Without Trusted Types, or without that policy allowed, the plain
 * URL is used (and a page that enforces Trusted Types then blocks it, as it says).
 */
function turnstileScriptUrl(): unknown {
  // Made once: a policy's name can be taken only once per page, and a second load (after a failed one) needs it too.
  if (scriptUrl) return scriptUrl;
  const types = (
    window as {
      trustedTypes?: { createPolicy(name: string, rules: object): { createScriptURL(url: string): unknown } };
    }
  ).trustedTypes;
  try {
    const policy = types?.createPolicy('falcon-chat-turnstile', {
      createScriptURL: (url: string) => (url === TURNSTILE_SCRIPT ? url : ''),
    });
    scriptUrl = policy ? policy.createScriptURL(TURNSTILE_SCRIPT) : TURNSTILE_SCRIPT;
  } catch {
    return TURNSTILE_SCRIPT;
  }
  return scriptUrl;
}

/** Loads Turnstile's script once per page (it must come from Cloudflare; the page's CSP has to allow it). */
function loadTurnstile(): Promise<TurnstileApi> {
  if (window.turnstile) return Promise.resolve(window.turnstile);
  turnstileLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = turnstileScriptUrl() as string;
    script.async = true;
    script.onload = () => (window.turnstile ? resolve(window.turnstile) : reject(new Error('Turnstile did not load')));
    script.onerror = () => {
      turnstileLoading = undefined;
      reject(new Error('Turnstile did not load'));
    };
    document.head.append(script);
  });
  return turnstileLoading;
}

/**
 * Passes Turnstile once, trades its token for a session at the worker's
 * `/api/session`, and reuses that session until it expires, so a visitor is
 * checked once per visit rather than once per question.
 */
export class TurnstileSession implements SessionSource {
  private session?: { token: string; expiresAt: number };

  constructor(
    readonly sitekey: string,
    private readonly container: () => HTMLElement | null,
  ) {}

  async token(endpoint: string, signal: AbortSignal): Promise<string> {
    if (this.session && this.session.expiresAt > Date.now()) return this.session.token;
    const turnstileToken = await this.challenge().catch(() => {
      throw new ChatError('forbidden', { serverCode: 'turnstile_failed' });
    });
    const { sessionToken, expiresIn } = await requestSession(endpoint, turnstileToken, signal);
    // A minute early, so a session never runs out between the check and the question.
    this.session = { token: sessionToken, expiresAt: Date.now() + (expiresIn - 60) * 1000 };
    return sessionToken;
  }

  forget(): void {
    this.session = undefined;
  }

  private async challenge(): Promise<string> {
    const turnstile = await loadTurnstile();
    const container = this.container();
    if (!container) throw new Error('no place for the bot check');
    return new Promise((resolve, reject) => {
      const widgetId = turnstile.render(container, {
        sitekey: this.sitekey,
        // Shown only when Turnstile needs the visitor to do something.
        appearance: 'interaction-only',
        callback: (token) => {
          turnstile.remove(widgetId);
          resolve(token);
        },
        'error-callback': () => {
          turnstile.remove(widgetId);
          reject(new Error('Turnstile failed'));
        },
      });
    });
  }
}
