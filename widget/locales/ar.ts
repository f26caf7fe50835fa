import type { FalconChatStrings } from './locale-shape.ts';

// Written out in each locale: a shared helper would become a chunk of its own, loaded with the entry.
const inSeconds = (seconds: number | undefined, now: string, later: (seconds: number) => string) =>
  seconds ? later(seconds) : now;

/** Arabic (written right to left): a chunk of its own, loaded when a page or element asks for it. */
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
  messageActions: 'إجراءات الرسالة',
  stillAnswering: 'لا تزال الإجابة قيد الوصول. اضغط «إيقاف» لطرح سؤال آخر.',
  retryIn: (s) => `إعادة المحاولة بعد ${s} ث`,
  reconnecting: 'جارٍ إعادة الاتصال…',
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
    'no-api': 'هذه المحادثة غير مُعدّة بشكل صحيح: تعذّر العثور على خدمتها.',
    misconfigured: 'خدمة المحادثة غير مهيّأة بشكل صحيح بعد، لذلك لا يمكنها الرد.',
    'limit-today': 'بلغت هذه المحادثة حدّها لهذا اليوم. يُرجى العودة لاحقًا.',
    'limit-now': 'بلغت هذه المحادثة حدّها في الوقت الحالي. حاول مجددًا لاحقًا.',
    server: 'حدث خطأ من جهتنا. يُرجى المحاولة مجددًا.',
  },
};

export default ar;
