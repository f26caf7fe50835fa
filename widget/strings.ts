import type { ChatErrorCode } from './chat-error.ts';

type Sentence = string | ((retryAfterSeconds?: number) => string);

/**
 * Every word the element shows or announces. A locale is one object of this
 * shape; the `strings` property replaces any of them. Functions take the
 * values a sentence needs.
 */
export interface FalconChatStrings {
  heading: string;
  placeholder: string;
  inputLabel: string;
  transcriptLabel: string;
  send: string;
  stop: string;
  clear: string;
  retry: string;
  userLabel: string;
  assistantLabel: string;
  stopped: string;
  /** Under an answer whose connection broke while it is picked up again. */
  reconnecting: string;
  cutShort: string;
  settings: string;
  systemMessage: string;
  temperature: string;
  copy: string;
  copied: string;
  copyCode: string;
  edit: string;
  editLabel: string;
  cancel: string;
  regenerate: string;
  deleteExchange: string;
  jumpToLatest: string;
  openChat: string;
  closeChat: string;
  suggestionsLabel: string;
  errors: Record<ChatErrorCode, Sentence>;
}

/** What the `strings` property takes: any subset, `errors` included. */
export type FalconChatStringOverrides = Partial<Omit<FalconChatStrings, 'errors'>> & {
  errors?: Partial<FalconChatStrings['errors']>;
};

const inSeconds = (seconds: number | undefined, now: string, later: (seconds: number) => string) =>
  seconds ? later(seconds) : now;

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
    server: 'Something went wrong on our side. Please try again.',
  },
};

const fr: FalconChatStrings = {
  heading: 'Discussion',
  placeholder: 'Posez une question…',
  inputLabel: 'Votre message',
  transcriptLabel: 'Conversation',
  send: 'Envoyer',
  stop: 'Arrêter',
  clear: 'Effacer',
  retry: 'Réessayer',
  userLabel: 'Vous :',
  assistantLabel: 'Assistant :',
  stopped: 'Arrêté',
  reconnecting: 'Reconnexion…',
  cutShort: 'La réponse a atteint sa longueur maximale.',
  settings: 'Options avancées',
  systemMessage: 'Message système',
  temperature: 'Température',
  copy: 'Copier',
  copied: 'Copié',
  copyCode: 'Copier le code',
  edit: 'Modifier',
  editLabel: 'Modifier votre question',
  cancel: 'Annuler',
  regenerate: 'Régénérer',
  deleteExchange: 'Supprimer',
  jumpToLatest: 'Aller au plus récent',
  openChat: 'Ouvrir la discussion',
  closeChat: 'Fermer la discussion',
  suggestionsLabel: 'Suggestions',
  errors: {
    network: 'Le service de discussion est injoignable. Vérifiez votre connexion et réessayez.',
    'connection-lost': 'La connexion a été perdue avant la fin de la réponse.',
    timeout: 'Le modèle a mis trop de temps à répondre. Veuillez réessayer.',
    'rate-limited': (s) =>
      inSeconds(
        s,
        'Trop de questions en ce moment. Réessayez dans un instant.',
        (s) => `Trop de questions en ce moment. Réessayez dans ${s} s.`,
      ),
    busy: (s) =>
      inSeconds(
        s,
        'Le modèle est occupé ou démarre. Réessayez dans un instant.',
        (s) => `Le modèle est occupé ou démarre. Réessayez dans ${s} s.`,
      ),
    'bad-request': 'Le service n’a pas pu accepter cette question. Essayez-en une plus courte ou différente.',
    'too-large': 'Cette conversation est devenue trop longue. Effacez-la et reposez la question.',
    forbidden: 'Ce site n’est pas autorisé à utiliser le service de discussion.',
    server: 'Un problème est survenu de notre côté. Veuillez réessayer.',
  },
};

const ar: FalconChatStrings = {
  heading: 'محادثة',
  placeholder: 'اطرح سؤالًا…',
  inputLabel: 'رسالتك',
  transcriptLabel: 'المحادثة',
  send: 'إرسال',
  stop: 'إيقاف',
  clear: 'مسح',
  retry: 'إعادة المحاولة',
  userLabel: 'أنت:',
  assistantLabel: 'المساعد:',
  stopped: 'تم الإيقاف',
  reconnecting: 'جارٍ إعادة الاتصال…',
  cutShort: 'بلغت الإجابة حدها الأقصى من الطول.',
  settings: 'خيارات متقدمة',
  systemMessage: 'رسالة النظام',
  temperature: 'درجة الحرارة',
  copy: 'نسخ',
  copied: 'تم النسخ',
  copyCode: 'نسخ الشيفرة',
  edit: 'تعديل',
  editLabel: 'عدّل سؤالك',
  cancel: 'إلغاء',
  regenerate: 'إعادة التوليد',
  deleteExchange: 'حذف',
  jumpToLatest: 'الانتقال إلى الأحدث',
  openChat: 'فتح المحادثة',
  closeChat: 'إغلاق المحادثة',
  suggestionsLabel: 'اقتراحات',
  errors: {
    network: 'تعذّر الوصول إلى خدمة المحادثة. تحقّق من اتصالك وحاول مجددًا.',
    'connection-lost': 'انقطع الاتصال قبل اكتمال الإجابة.',
    timeout: 'استغرق النموذج وقتًا طويلًا للإجابة. يُرجى المحاولة مجددًا.',
    'rate-limited': (s) =>
      inSeconds(s, 'أسئلة كثيرة الآن. حاول مجددًا بعد قليل.', (s) => `أسئلة كثيرة الآن. حاول مجددًا بعد ${s} ث.`),
    busy: (s) =>
      inSeconds(
        s,
        'النموذج مشغول أو قيد التشغيل. حاول مجددًا بعد قليل.',
        (s) => `النموذج مشغول أو قيد التشغيل. حاول مجددًا بعد ${s} ث.`,
      ),
    'bad-request': 'تعذّر على خدمة المحادثة قبول هذا السؤال. جرّب سؤالًا أقصر أو مختلفًا.',
    'too-large': 'أصبحت هذه المحادثة طويلة جدًا. امسحها واسأل مجددًا.',
    forbidden: 'هذا الموقع غير مسموح له باستخدام خدمة المحادثة.',
    server: 'حدث خطأ من جهتنا. يُرجى المحاولة مجددًا.',
  },
};

/** The built-in locales, by primary language subtag, and which of them are written right to left. */
export const locales: Record<string, FalconChatStrings> = { en, fr, ar };
const RIGHT_TO_LEFT = ['ar'];

/** The built-in locale for a BCP 47 tag (`fr-CA` → French), English when there is none. */
export function localeFor(tag: string | undefined): { code: string; strings: FalconChatStrings; rtl: boolean } {
  const code = (tag ?? '').toLowerCase().split('-')[0];
  const known = Object.hasOwn(locales, code) ? code : 'en';
  return { code: known, strings: locales[known], rtl: RIGHT_TO_LEFT.includes(known) };
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
