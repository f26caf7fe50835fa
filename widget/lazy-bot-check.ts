import type { SessionSource } from './bot-check.ts';
import { ChatError } from './chat-error.ts';

/**
 * A bot-check session whose code (Turnstile's loader, the session exchange)
 * comes in a chunk of its own when the first question needs it. A chunk that
 * fails to load fails that question as a network error, which the visitor
 * may retry.
 */
export function lazyTurnstileSession(sitekey: string, container: () => HTMLElement | null): SessionSource {
  let session: Promise<SessionSource> | undefined;
  const load = () =>
    (session ??= import('./bot-check.ts').then(
      ({ TurnstileSession }) => new TurnstileSession(sitekey, container),
      (error: unknown) => {
        session = undefined;
        console.warn('falcon-chat: the bot check did not load.', error);
        throw new ChatError('network');
      },
    ));
  return {
    token: async (endpoint, signal) => (await load()).token(endpoint, signal),
    forget: () =>
      void session?.then(
        (loaded) => loaded.forget(),
        () => {},
      ),
  };
}
