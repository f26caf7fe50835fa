import type { ChatErrorCode } from './chat-error-code.ts';
import { type FalconChatStringOverrides, type FalconChatStrings, inSeconds } from './locales/locale-shape.ts';

export type { FalconChatStringOverrides, FalconChatStrings };

export const en: FalconChatStrings = {
  heading: 'Chat',
  placeholder: 'Ask a question…',
  inputLabel: 'Your message',
  transcriptLabel: 'Conversation',
  send: 'Send',
  stop: 'Stop',
  clear: 'Clear',
  retry: 'Retry',
  userLabel: 'You:',
  assistantLabel: 'Assistant:',
  stopped: 'Stopped',
  reconnecting: 'Reconnecting…',
  cutShort: 'The answer reached its length limit.',
  settings: 'Advanced options',
  systemMessage: 'System message',
  temperature: 'Temperature',
  copy: 'Copy',
  copied: 'Copied',
  copyCode: 'Copy code',
  edit: 'Edit',
  editLabel: 'Edit your question',
  cancel: 'Cancel',
  regenerate: 'Regenerate',
  deleteExchange: 'Delete',
  jumpToLatest: 'Jump to latest',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  suggestionsLabel: 'Suggestions',
  messageActions: 'Message actions',
  stillAnswering: 'An answer is still coming. Press Stop to ask something else.',
  retryIn: (s) => `Retry in ${s} s`,
  errors: {
    network: 'The chat service could not be reached. Check your connection and try again.',
    'connection-lost': 'The connection was lost before the answer was finished.',
    timeout: 'The model took too long to answer. Please try again.',
    'rate-limited': (s) =>
      inSeconds(
        s,
        'Too many questions right now. Please try again in a moment.',
        (s) => `Too many questions right now. Please try again in ${s} s.`,
      ),
    busy: (s) =>
      inSeconds(
        s,
        'The model is busy or still starting up. Please try again in a moment.',
        (s) => `The model is busy or still starting up. Please try again in ${s} s.`,
      ),
    'bad-request': 'The chat service could not accept this question. Try a shorter or different one.',
    'too-large': 'This conversation has grown too long. Clear it and ask again.',
    forbidden: 'This website is not allowed to use the chat service.',
    'no-api': 'This chat is not set up correctly: its service could not be found.',
    misconfigured: 'The chat service is not set up correctly yet, so it cannot answer.',
    'limit-today': 'This chat has reached its limit for today. Please come back later.',
    'limit-now': 'This chat has reached its limit for now. Please try again later.',
    server: 'Something went wrong on our side. Please try again.',
  },
};

/** The built-in locales other than English, by primary language subtag: each is a chunk of its own. */
const LOCALE_CHUNKS: Record<string, () => Promise<{ default: FalconChatStrings }>> = {
  fr: () => import('./locales/fr.ts'),
  ar: () => import('./locales/ar.ts'),
};
const RIGHT_TO_LEFT = ['ar'];
const loaded: Record<string, FalconChatStrings> = { en };
const loading: Record<string, Promise<FalconChatStrings>> = {};

export interface Locale {
  code: string;
  /** English until the locale's chunk has loaded (see `ready`). */
  strings: FalconChatStrings;
  rtl: boolean;
  /** Set while the locale's words are on their way; resolves with them, or with English (for the rest of the page) when the chunk fails to load. */
  ready?: Promise<FalconChatStrings>;
}

/** The built-in locale for a BCP 47 tag (`fr-CA` → French), English when there is none. */
export function localeFor(tag: string | undefined): Locale {
  const code = (tag ?? '').toLowerCase().split('-')[0];
  const known = Object.hasOwn(LOCALE_CHUNKS, code) ? code : 'en';
  const rtl = RIGHT_TO_LEFT.includes(known);
  const strings = loaded[known];
  if (strings) return { code: known, strings, rtl };
  loading[known] ??= LOCALE_CHUNKS[known]().then(
    (chunk) => (loaded[known] = chunk.default),
    (error: unknown) => {
      // English for the rest of this page: asking again on every render would never end.
      loaded[known] = en;
      console.warn(`falcon-chat: the "${known}" words did not load; English is shown instead.`, error);
      return en;
    },
  );
  return { code: known, strings: en, rtl, ready: loading[known] };
}

/** A locale with the page's replacements on top. */
export function withOverrides(base: FalconChatStrings, overrides?: FalconChatStringOverrides): FalconChatStrings {
  if (!overrides) return base;
  return { ...base, ...overrides, errors: { ...base.errors, ...overrides.errors } } as FalconChatStrings;
}

/** The visitor's sentence for an error code. */
export function errorSentence(strings: FalconChatStrings, code: ChatErrorCode, retryAfterSeconds?: number): string {
  const sentence = strings.errors[code] ?? strings.errors.server;
  return typeof sentence === 'function' ? sentence(retryAfterSeconds) : sentence;
}
