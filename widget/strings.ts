import type { ChatErrorCode } from './chat-error.ts';

/**
 * Every word the element shows or announces, in one place so a translation
 * replaces one object. Functions take the values a sentence needs.
 */
export const strings = {
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
  cutShort: 'The answer reached its length limit.',
  settings: 'Advanced options',
  systemMessage: 'System message',
  temperature: 'Temperature',
  errors: {
    network: 'The chat service could not be reached. Check your connection and try again.',
    'connection-lost': 'The connection was lost before the answer was finished.',
    'rate-limited': (retryAfterSeconds?: number) =>
      retryAfterSeconds
        ? `Too many questions right now. Please try again in ${retryAfterSeconds} s.`
        : 'Too many questions right now. Please try again in a moment.',
    busy: (retryAfterSeconds?: number) =>
      retryAfterSeconds
        ? `The model is busy or still starting up. Please try again in ${retryAfterSeconds} s.`
        : 'The model is busy or still starting up. Please try again in a moment.',
    'bad-request': 'The chat service could not accept this question. Try a shorter or different one.',
    'too-large': 'This conversation has grown too long. Clear it and ask again.',
    forbidden: 'This website is not allowed to use the chat service.',
    server: 'Something went wrong on our side. Please try again.',
  } satisfies Record<ChatErrorCode, string | ((retryAfterSeconds?: number) => string)>,
};
