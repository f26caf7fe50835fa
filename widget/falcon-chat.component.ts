import { type CSSResult, html, LitElement, nothing, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { loadAnswerReader } from './chat-client.ts';
import { ChatController, type AnswerSettings } from './chat-controller.ts';
import type { ChatMessage, ChatMessageInit } from './chat-message.ts';
import type { SessionSource } from './bot-check.ts';
import type { Transcript } from './transcript.ts';
import { resetBadValues } from './attribute-values.ts';
import { defaultEndpoint } from './default-endpoint.ts';
import { FalconChatCloseEvent, FalconChatOpenEvent, type FalconChatErrorEvent } from './events.ts';
import { lazyTurnstileSession } from './lazy-bot-check.ts';
import { LazyModule } from './lazy-module.ts';
import { styles } from './falcon-chat.styles.ts';
import { icon, icons, labelledIcon } from './icons.ts';
import type { MessageActions } from './message-view.ts';
import { PHONE_MEDIA } from './phone-media.ts';
import { plainMessage } from './plain-message.ts';
import {
  errorSentence,
  localeFor,
  withOverrides,
  type FalconChatStringOverrides,
  type FalconChatStrings,
} from './strings.ts';

/** How long "Copied" shows on a message's Copy button. */
const COPIED_MS = 2000;

/** `suggestions="A|B"` or `suggestions='["A","B"]'`. */
const listConverter = {
  fromAttribute: (value: string | null): string[] => {
    if (!value) return [];
    if (value.trim().startsWith('[')) {
      try {
        const list: unknown = JSON.parse(value);
        if (Array.isArray(list)) return list.map(String);
      } catch {
        // Not JSON after all: read it as a |-separated list.
      }
    }
    return value
      .split('|')
      .map((item) => item.trim())
      .filter(Boolean);
  },
};

/** Reactive state of the element's own, never an attribute. */
const internal = { state: true, attribute: false } as const;

/**
 * @summary A chat with a language model: answers stream in as markdown, safely, inline, floating or full screen.
 *
 * @attr endpoint - Where questions are posted. Default: `/api/chat` on the origin this script was loaded from.
 * @attr system-message - Instructions for the model. Empty: the worker's default.
 * @attr temperature - Sampling temperature. Default: `0.7`.
 * @attr max-new-tokens - Longest answer, in tokens. Unset: the worker's default.
 * @attr heading - The title above the conversation. Default: the locale's "Chat".
 * @attr placeholder - Hint in the empty input. Default: the locale's "Ask a question…".
 * @attr show-settings - Shows "Advanced options" where the visitor edits the system message and temperature.
 * @attr greeting - Markdown shown as the assistant's first words while the conversation is empty.
 * @attr suggestions - Questions offered as buttons while the conversation is empty: `A|B|C` or a JSON array.
 * @attr allow-images - Renders markdown images in answers. Off: an image becomes a link, so nothing loads unasked.
 * @attr turnstile-sitekey - Turnstile site key, for a worker with `TURNSTILE_SECRET`: the visitor passes the bot check once per session (loads Cloudflare's Turnstile script; allow `https://challenges.cloudflare.com` in the page's CSP).
 * @attr mode - `inline` (in the page's flow), `floating` (a launcher button opening a panel) or `fullscreen`.
 * @attr position - Corner of the floating launcher: `bottom-right` or `bottom-left`. Default: the inline end.
 * @attr open - Whether the floating panel is open.
 * @attr theme - `light`, `dark`, or `auto` to follow the visitor's `prefers-color-scheme`.
 * @attr lang - Language of the element's own words: `en`, `fr`, `ar` (right to left). Default: the page's `lang`.
 * @attr persist - Keeps the conversation across reloads: `none`, `session` (this tab) or `local` (this browser).
 * @attr storage-key - The storage key the conversation is kept under. Default: `falcon-chat`.
 *
 * @fires {FalconChatSendEvent} falcon-chat-send - Before a question goes out (also on Retry, Regenerate and Edit); `detail: { text, system }`, both writable. Cancelable: `preventDefault()` keeps it from being sent.
 * @fires {FalconChatResponseEvent} falcon-chat-response - An answer is complete; `detail: { text, finishReason }`.
 * @fires {FalconChatErrorEvent} falcon-chat-error - A question could not be answered; `detail: { code, message, serverCode?, serverMessage?, retryAfter? }`.
 * @fires {FalconChatOpenEvent} falcon-chat-open - The floating panel opened.
 * @fires {FalconChatCloseEvent} falcon-chat-close - The floating panel closed.
 *
 * @csspart launcher - The floating mode's round button that opens and closes the panel.
 * @csspart base - The panel: the frame around everything else.
 * @csspart header - The row with the heading and the header buttons.
 * @csspart heading - The heading.
 * @csspart clear-button - The Clear button.
 * @csspart close-button - The floating panel's Close button.
 * @csspart transcript - The scrolling conversation (`role="log"`).
 * @csspart greeting - The greeting shown while the conversation is empty.
 * @csspart suggestions - The list of suggested questions.
 * @csspart suggestion - One suggested question's button.
 * @csspart message - Each message; also `user-message` or `assistant-message`.
 * @csspart user-message - A visitor's message.
 * @csspart assistant-message - An answer.
 * @csspart message-content - The text of a message (rendered markdown in answers).
 * @csspart message-note - "Stopped" or "length limit" under an answer.
 * @csspart message-actions - The row of buttons under a message: shown on hover and keyboard focus, always under the last answer.
 * @csspart actions-button - On touch screens (no hover), the "⋯" button beside a message that shows its row of buttons.
 * @csspart action-button - Every button in that row; also one of the four below.
 * @csspart copy-button - Copies a message.
 * @csspart edit-button - Edits a question.
 * @csspart regenerate-button - Asks the last question again.
 * @csspart delete-button - Deletes the last question and its answer.
 * @csspart edit-form - The form that replaces a question being edited.
 * @csspart edit-input - Its text field.
 * @csspart edit-send-button - Its Send button.
 * @csspart edit-cancel-button - Its Cancel button.
 * @csspart error - Why an answer failed, with the Retry button: a row under the answer.
 * @csspart retry-button - The Retry button (disabled, counting down, while the service asks to wait).
 * @csspart jump-button - "Jump to latest", shown while the visitor has scrolled up.
 * @csspart composer - The row with the input and the Send or Stop button.
 * @csspart input - Where the visitor types.
 * @csspart send-button - The Send button.
 * @csspart stop-button - The Stop button, shown instead of Send while an answer streams.
 * @csspart notice - A polite status under the input (e.g. that an answer is still coming when Enter is pressed).
 * @csspart settings - The "Advanced options" disclosure.
 * @csspart system-message-input - The system message field in the settings.
 * @csspart temperature-input - The temperature slider in the settings.
 *
 * @cssprop [--falcon-chat-font-family=system-ui, sans-serif] - Font of everything.
 * @cssprop [--falcon-chat-code-font-family=ui-monospace, monospace] - Font of code.
 * @cssprop [--falcon-chat-font-size=1rem] - Base font size (the input never goes below 16px on phones, so iOS does not zoom).
 * @cssprop [--falcon-chat-line-height=1.5] - Line height.
 * @cssprop [--falcon-chat-color=#1f2328] - Text colour.
 * @cssprop [--falcon-chat-muted-color=#59636e] - Notes, placeholder, action buttons and settings summary.
 * @cssprop [--falcon-chat-background=#ffffff] - Background of the panel, input and buttons.
 * @cssprop [--falcon-chat-border-color=#d1d9e0] - Borders.
 * @cssprop [--falcon-chat-radius=0.75rem] - Corner radius of the panel and messages; controls use half.
 * @cssprop [--falcon-chat-spacing=0.75rem] - Padding and gaps.
 * @cssprop [--falcon-chat-height=32rem] - Height of the inline element and of the floating panel.
 * @cssprop [--falcon-chat-column-width=48rem] - Widest reading column in full-screen mode (centred on wide screens).
 * @cssprop [--falcon-chat-width=24rem] - Width of the floating panel.
 * @cssprop [--falcon-chat-z-index=1000] - Stacking level of the floating and full-screen modes.
 * @cssprop [--falcon-chat-shadow=0 0.5rem 2rem rgb(0 0 0 / 0.2)] - Shadow of the floating panel and launcher.
 * @cssprop [--falcon-chat-accent-color=#0b57d0] - Send button, launcher and slider.
 * @cssprop [--falcon-chat-accent-text-color=#ffffff] - Text on the accent colour.
 * @cssprop [--falcon-chat-user-background=#dbe7fb] - Background of the visitor's messages.
 * @cssprop [--falcon-chat-user-color=#0f1f3d] - Text of the visitor's messages.
 * @cssprop [--falcon-chat-assistant-background=#f2f4f6] - Background of answers.
 * @cssprop [--falcon-chat-assistant-color=#1f2328] - Text of answers.
 * @cssprop [--falcon-chat-link-color=#0b57d0] - Links in answers.
 * @cssprop [--falcon-chat-code-background=#ffffff] - Background of code blocks and inline code.
 * @cssprop [--falcon-chat-code-color=#1f2328] - Text of code.
 * @cssprop [--falcon-chat-code-keyword-color=#a626a4] - Keywords in highlighted code blocks.
 * @cssprop [--falcon-chat-code-string-color=#2a7a2e] - Strings in highlighted code blocks.
 * @cssprop [--falcon-chat-code-comment-color=#6a737d] - Comments in highlighted code blocks.
 * @cssprop [--falcon-chat-code-number-color=#b25000] - Numbers and constants in highlighted code blocks.
 * @cssprop [--falcon-chat-code-function-color=#0b57d0] - Function names in highlighted code blocks.
 * @cssprop [--falcon-chat-code-type-color=#8a5a00] - Types and class names in highlighted code blocks.
 * @cssprop [--falcon-chat-error-background=#fdecec] - Background of error messages.
 * @cssprop [--falcon-chat-error-color=#8c1515] - Text of error messages.
 * @cssprop [--falcon-chat-focus-ring-color=#0b57d0] - Outline of the focused control.
 */
export class FalconChat extends LitElement {
  static override styles = styles;

  // Declared here, not with decorators: Lit's decorator helpers would cost about 0.5 KB in the entry.
  static override properties = {
    endpoint: {},
    systemMessage: { attribute: 'system-message' },
    temperature: { type: Number },
    maxNewTokens: { attribute: 'max-new-tokens', type: Number },
    heading: {},
    placeholder: {},
    showSettings: { attribute: 'show-settings', type: Boolean },
    greeting: {},
    suggestions: { converter: listConverter },
    allowImages: { attribute: 'allow-images', type: Boolean },
    turnstileSitekey: { attribute: 'turnstile-sitekey' },
    mode: { reflect: true },
    position: { reflect: true },
    open: { type: Boolean, reflect: true },
    theme: { reflect: true },
    lang: {},
    strings: { attribute: false },
    persist: {},
    storageKey: { attribute: 'storage-key' },
    messages: { attribute: false },
    draft: internal,
    editingId: internal,
    copiedId: internal,
    revealedId: internal,
    notice: internal,
    retryWait: internal,
  };

  private readonly chat = new ChatController(this, {
    onAnswerText: (id, text) => this.conversationView?.append(id, text),
    describeError: (error) => error.visitorMessage ?? errorSentence(this.text, error.code, error.retryAfterSeconds),
  });
  /** Full screen, or the open floating panel on a phone: the panel covers the page and holds focus (panel-modes.ts). */
  private readonly covers = (phone: boolean) =>
    this.mode === 'fullscreen' || (this.mode === 'floating' && this.open && phone);
  private readonly phone = matchMedia(PHONE_MEDIA);

  /** Where questions are posted. Default: `/api/chat` on the origin this script was loaded from. */
  endpoint: string = defaultEndpoint;

  /** Instructions for the model; the settings field edits it. Blank: the worker's default. */
  systemMessage = '';

  /** Sampling temperature; the settings slider edits it. */
  temperature = 0.7;

  /** Longest answer, in tokens. Unset: the worker's default. */
  maxNewTokens?: number;

  /** The title above the conversation. Unset: the locale's word for "Chat". */
  heading?: string;

  /** Hint in the empty input. Unset: the locale's "Ask a question…". */
  placeholder?: string;

  /** Shows "Advanced options" where the visitor edits the system message and temperature. */
  showSettings = false;

  /** Markdown shown as the assistant's first words while the conversation is empty. */
  greeting = '';

  /** Questions offered as buttons while the conversation is empty. The attribute takes `A|B|C` or a JSON array. */
  suggestions: string[] = [];

  /** Renders markdown images in answers. Off (the default), an image becomes a link to it, so no answer can make the browser fetch a URL unasked. */
  allowImages = false;

  /** Turnstile site key, for a worker with `TURNSTILE_SECRET`. Unset: no bot check. */
  turnstileSitekey = '';

  private botCheck?: { sitekey: string; session: SessionSource };

  /** `inline` (fills its place in the page), `floating` (launcher button and panel) or `fullscreen`. */
  mode: 'inline' | 'floating' | 'fullscreen' = 'inline';

  /** Corner of the floating launcher. Unset: bottom, at the end of the line (right in left-to-right pages). */
  position?: 'bottom-right' | 'bottom-left';

  /** Whether the floating panel is open. */
  open = false;

  /** `light`, `dark`, or `auto` to follow the visitor's `prefers-color-scheme`. */
  theme: 'light' | 'dark' | 'auto' = 'light';

  /** Language of the element's words: `en`, `fr` or `ar` (right to left); others fall back to English. Unset: the page's `lang`. */
  override lang = '';

  /** Replacements for any of the element's words (see `FalconChatStrings`), on top of the locale. */
  strings?: FalconChatStringOverrides;

  /** Keeps the conversation across reloads: `none`, `session` (this tab) or `local` (this browser). `clear()` forgets it. */
  persist: 'none' | 'session' | 'local' = 'none';

  /** The storage key the conversation is kept under (use one per site section or per signed-in user). */
  storageKey = 'falcon-chat';

  /** The conversation, oldest first. Setting it drops any answer in progress. */
  get messages(): readonly ChatMessage[] {
    return this.chat.messages;
  }
  set messages(messages: readonly ChatMessageInit[]) {
    this.chat.messages = messages;
  }

  /** What the visitor is typing. */
  private draft = '';
  /** The question being edited, by id. */
  private editingId?: string;
  /** The message whose Copy button says "Copied". */
  private copiedId?: string;
  /** Touch: the message whose buttons the visitor asked to see. */
  private revealedId?: string;
  /** A polite word under the input (Enter while an answer streams). */
  private notice = '';
  /** The failed answer whose Retry waits, and for how many more seconds (a rate limit's Retry-After). */
  private retryWait?: { id: string; seconds: number };
  private retryTimer?: ReturnType<typeof setInterval>;
  /** Whether the visitor's last gesture was a touch: then no input is focused for them (the keyboard would cover the chat). */
  private touched = matchMedia('(pointer: coarse)').matches;

  // Looked up when needed, as Lit's @query decorator would (which costs more bytes); nothing before the first render.
  private find<T extends Element>(selector: string): T | null {
    return this.renderRoot?.querySelector<T>(selector) ?? null;
  }
  private get transcript() {
    return this.find<HTMLElement>('#transcript');
  }
  private get input() {
    return this.find<HTMLTextAreaElement>('#input');
  }
  private get panel() {
    return this.find<HTMLElement>('#panel');
  }
  private get launcher() {
    return this.find<HTMLButtonElement>('.launcher');
  }

  /** The element's words: the locale's, with `strings` on top. */
  private text: FalconChatStrings = localeFor('en').strings;
  private locale = localeFor('en');
  /** The conversation's renderer (markdown, following the answer), from the answer chunk; until then, plain text. */
  private conversationView?: Transcript;
  private conversationLoading?: Promise<unknown>;
  private focusWasInside = false;
  private copiedTimer?: ReturnType<typeof setTimeout>;

  constructor() {
    super();
    this.addEventListener('falcon-chat-error', (event: FalconChatErrorEvent) => {
      this.restoreUnansweredQuestion();
      this.waitBeforeRetry(event.detail.retryAfter);
    });
    this.addEventListener('pointerdown', (event) => (this.touched = event.pointerType !== 'mouse'));
    this.addEventListener('keydown', () => (this.touched = false));
    // Focus inside (the input, or the floating panel opening) is the visitor's first sign of asking something.
    this.addEventListener('focusin', () => this.warmUp());
  }

  /** Once per page; a question asked without focus (a page calling send()) warms up while the first token is on its way. */
  private warmUp(): void {
    this.loadConversation().then(
      () => this.conversationView?.warmUp(this.find<HTMLElement>('.transcript-frame')),
      () => {},
    );
  }

  /**
   * The answer chunk renders the conversation. It is fetched when the visitor shows intent or there is something to
   * show; a failed load leaves the conversation as plain text and is tried again by the next caller.
   */
  private loadConversation(): Promise<unknown> {
    if (this.conversationView) return Promise.resolve();
    this.conversationLoading ??= loadAnswerReader()
      .then((chunk) => {
        const view = new chunk.Transcript(this, {
          scroller: () => this.transcript,
          jumpControl: () => this.find('.jump'),
          strings: () => this.text,
          allowImages: () => this.allowImages,
          copy: (text) => this.copy(text),
          track: (work) => this.track(work),
        });
        this.adopt(chunk.markdownStyles);
        this.adopt(chunk.transcriptStyles);
        this.conversationView = view;
        // The conversation opens at its latest; an answer asked for before the chunk came is followed from its question.
        if (this.chat.streaming) view.follower.followAnswer();
        else view.follower.jumpToBottom();
        this.requestUpdate();
      })
      .catch((error: unknown) => {
        this.conversationLoading = undefined;
        console.warn('falcon-chat: the answer chunk did not load; the conversation shows as plain text.', error);
        throw error;
      });
    this.track(this.conversationLoading);
    return this.conversationLoading;
  }

  /** Asks `text` as if the visitor had typed it (opening the floating panel). Returns false when it is blank or a listener vetoed it. */
  send(text: string): boolean {
    const sent = this.chat.send(text, this.answerSettings());
    if (sent) this.afterAsking();
    return sent;
  }

  /** Stops the answer that is streaming; its text so far stays. */
  stop(): void {
    this.chat.stop();
  }

  /** Empties the conversation, stopping any answer in progress, and forgets the stored copy (see `persist`). */
  clear(): void {
    this.editingId = undefined;
    this.chat.clear();
  }

  /** Asks the last question again, replacing its answer. Returns false when there is none or a listener vetoed it. */
  regenerate(): boolean {
    const sent = this.chat.regenerate(this.answerSettings());
    if (sent) this.afterAsking();
    return sent;
  }

  /** Opens the floating panel. */
  show(): void {
    this.open = true;
  }

  /** Closes the floating panel. */
  hide(): void {
    this.open = false;
  }

  /** Opens the floating panel if it is closed, closes it if it is open. */
  toggle(): void {
    this.open = !this.open;
  }

  private afterAsking(): void {
    this.editingId = undefined;
    if (this.mode === 'floating') this.open = true;
    this.conversationView?.follower.followAnswer();
    this.warmUp();
  }

  private answerSettings(): AnswerSettings {
    return {
      endpoint: this.endpoint,
      system: this.systemMessage.trim() || undefined,
      temperature: Number.isFinite(this.temperature) ? this.temperature : undefined,
      maxNewTokens: this.maxNewTokens || undefined,
      session: this.turnstileSession(),
    };
  }

  /** One bot-check session per element and site key. */
  private turnstileSession(): SessionSource | undefined {
    const sitekey = this.turnstileSitekey;
    if (!sitekey) return undefined;
    if (this.botCheck?.sitekey !== sitekey) {
      const container = () => this.find<HTMLElement>('#bot-check');
      this.botCheck = { sitekey, session: lazyTurnstileSession(sitekey, container) };
    }
    return this.botCheck.session;
  }

  /** The last question, when its answer failed before its first word. */
  private unansweredQuestion(): ChatMessage | undefined {
    const [question, answer] = this.chat.messages.slice(-2);
    return question?.role === 'user' && answer?.status === 'error' && !answer.content ? question : undefined;
  }

  /** A question that failed before any answer must not be lost: it goes back to an empty input. */
  private restoreUnansweredQuestion(): void {
    const question = this.unansweredQuestion();
    if (question && !this.draft) this.draft = question.content;
  }

  /** Retry stays disabled, counting down, for as long as the service asked the visitor to wait. */
  private waitBeforeRetry(seconds: number | undefined): void {
    clearInterval(this.retryTimer);
    const id = this.chat.messages.at(-1)?.id;
    this.retryWait = seconds && id ? { id, seconds } : undefined;
    if (!seconds || !id) return;
    this.retryTimer = setInterval(() => {
      const left = (this.retryWait?.seconds ?? 1) - 1;
      this.retryWait = left > 0 ? { id, seconds: left } : undefined;
      if (left <= 0) clearInterval(this.retryTimer);
    }, 1000);
  }

  private submitDraft(): void {
    // One answer at a time from the input: Stop comes first (send() from the page may interrupt). Say so, politely.
    if (this.chat.streaming) {
      if (this.draft.trim()) this.notice = this.text.stillAnswering;
      return;
    }
    // Sent again after a failure: the failed question and its empty answer make way for it.
    const failed = this.unansweredQuestion();
    const sent = failed ? this.chat.edit(failed.id!, this.draft, this.answerSettings()) : this.send(this.draft);
    if (failed && sent) this.afterAsking();
    if (sent) this.draft = '';
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.submitDraft();
  }

  private onKeydown(event: KeyboardEvent): void {
    // keyCode 229: Safari ends an IME composition with an Enter whose isComposing is already false.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.submitDraft();
  }

  private onPanelKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.mode === 'floating' && this.open) {
      event.preventDefault();
      this.hide();
    }
  }

  private readonly actions: MessageActions = {
    copy: (message) => {
      void this.copy(message.content).then((copied) => {
        if (!copied) return;
        this.copiedId = message.id;
        clearTimeout(this.copiedTimer);
        this.copiedTimer = setTimeout(() => (this.copiedId = undefined), COPIED_MS);
      });
    },
    startEdit: (message) => {
      this.editForm.get();
      this.editingId = message.id;
      void this.updateComplete.then(() => this.find<HTMLTextAreaElement>('#edit-input')?.focus());
    },
    submitEdit: (message, text) => {
      if (this.chat.edit(message.id, text, this.answerSettings())) this.afterAsking();
    },
    cancelEdit: () => {
      this.editingId = undefined;
    },
    regenerate: () => {
      // Retry of a question that was put back in the input: it is asked from here, so the input lets it go.
      const restored = this.unansweredQuestion()?.content;
      if (this.regenerate() && this.draft === restored) this.draft = '';
    },
    deleteLast: () => this.chat.deleteLastExchange(),
    reveal: (message) => {
      this.revealedId = this.revealedId === message.id ? undefined : message.id;
    },
  };

  /** Copying is a chunk of its own, loaded on the first Copy; a failed load copies nothing, as a refused clipboard does. */
  private copy(text: string): Promise<boolean> {
    return import('./clipboard.ts').then(
      ({ copyText }) => copyText(text, this.renderRoot as ShadowRoot),
      () => false,
    );
  }

  /** Features in chunks of their own, loaded when first used. */
  private readonly settingsPanel = new LazyModule(
    this,
    'the settings panel',
    () => import('./settings-panel.ts'),
    (chunk) => this.adopt(chunk.settingsStyles),
  );
  private readonly editForm = new LazyModule(
    this,
    'the edit form',
    () => import('./edit-form.ts'),
    (chunk) => this.adopt(chunk.editStyles),
  );
  private readonly messageActions = new LazyModule(
    this,
    'the message buttons',
    () => import('./message-actions.ts'),
    (chunk) => this.adopt(chunk.actionStyles),
  );
  /** Chunks the element is waiting for, so that `updateComplete` means what it shows is complete. */
  private readonly arriving = new Set<Promise<unknown>>();

  private track(arrival: Promise<unknown>): void {
    // A chunk that fails has said so already (LazyModule, the loaders); here it only ends the wait.
    const settled = arrival.then(
      () => {},
      () => {},
    );
    this.arriving.add(settled);
    void settled.then(() => this.arriving.delete(settled));
  }

  protected override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    for (const lazy of [this.settingsPanel, this.editForm, this.messageActions])
      if (lazy.loading) this.track(lazy.loading);
    while (this.arriving.size) {
      await Promise.all([...this.arriving]);
      complete = await super.getUpdateComplete();
    }
    return complete;
  }

  /** Persistence is a chunk of its own, loaded for `persist="session"` or `"local"`; the stored conversation is restored once it is there. */
  private connectStore(): void {
    const { persist, storageKey } = this;
    this.chat.store = undefined;
    if (persist !== 'session' && persist !== 'local') return;
    this.track(
      import('./conversation-store.ts').then(
        ({ ConversationStore }) => {
          if (this.persist !== persist || this.storageKey !== storageKey) return;
          this.chat.store = new ConversationStore(persist, storageKey);
          this.chat.restore(this.answerSettings());
        },
        (error: unknown) => console.warn('falcon-chat: keeping the conversation across reloads did not load.', error),
      ),
    );
  }

  /** Styles that come with a chunk, after the element's own. */
  private adopt({ styleSheet }: CSSResult): void {
    const root = this.renderRoot as ShadowRoot;
    if (styleSheet && !root.adoptedStyleSheets.includes(styleSheet)) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, styleSheet];
    }
  }

  /**
   * Phones: the open panel (or the full-screen element) follows the visual viewport above the keyboard,
   * and a panel that covers the page holds focus. Inline elements need neither, so they are a chunk of
   * their own, loaded for the other modes; without it the panel still opens, only without those two.
   */
  private followPanelModes(): void {
    if (this.mode === 'inline' || this.panelModes) return;
    this.panelModes = import('./panel-modes.ts').then(({ ModalFocusController, ViewportFollower }) => {
      new ViewportFollower(
        this,
        () => (this.mode === 'floating' && this.open) || this.mode === 'fullscreen',
        () => this.panel,
      );
      new ModalFocusController(this, this.covers, () => this.panel);
      // Their first look at the viewport and the page comes after an update.
      this.requestUpdate();
    });
    this.track(
      this.panelModes.catch((error: unknown) => {
        this.panelModes = undefined;
        console.warn('falcon-chat: following the keyboard and holding focus in the panel did not load.', error);
      }),
    );
  }
  private panelModes?: Promise<unknown>;

  protected override willUpdate(changed: PropertyValues<this>): void {
    resetBadValues(this, changed, { endpoint: defaultEndpoint });
    if (changed.has('mode')) this.followPanelModes();
    this.focusWasInside = this.shadowRoot?.activeElement != null;
    if (changed.has('lang') || changed.has('strings') || !this.hasUpdated) {
      const pageLang = this.parentElement?.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang;
      this.locale = localeFor(this.lang || pageLang);
      this.text = withOverrides(this.locale.strings, this.strings);
      // Until its chunk is there the words are English; then the element renders again in its language.
      if (this.locale.ready) this.track(this.locale.ready.then(() => this.requestUpdate('lang', undefined)));
    }
    if (changed.has('lang') || changed.has('strings') || changed.has('allowImages')) this.conversationView?.reset();
    if (changed.has('persist') || changed.has('storageKey')) this.connectStore();
    const messages = this.chat.messages;
    if (messages.length || this.greeting) this.loadConversation().catch(() => {});
    this.conversationView?.keepOnly(messages);
    if (this.editingId && !messages.some((message) => message.id === this.editingId)) this.editingId = undefined;
    if (this.notice && !this.chat.streaming) this.notice = '';
    if (this.retryWait && messages.at(-1)?.id !== this.retryWait.id) this.waitBeforeRetry(undefined);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Set after the transcript's content has changed, so that a screen reader holds back every
    // token of an answer and reads it once, when it is complete (and all of it is there).
    const busy = String(this.chat.streaming);
    if (this.transcript?.getAttribute('aria-busy') !== busy) this.transcript?.setAttribute('aria-busy', busy);
    if (changed.has('open') && changed.get('open') !== undefined && this.mode === 'floating') {
      this.dispatchEvent(this.open ? new FalconChatOpenEvent() : new FalconChatCloseEvent());
      if (this.open) {
        this.conversationView?.follower.jumpToBottom();
        this.focusInside();
      } else if (this.focusWasInside) {
        this.launcher?.focus();
      }
      return;
    }
    // Send and Stop swap, Retry goes away: focus on a control that left moves to the input, not the page.
    if (this.focusWasInside && this.shadowRoot?.activeElement == null) this.focusInside();
  }

  /** The input, ready to type in; after a touch, the panel (the keyboard would cover the chat until the input is tapped). */
  private focusInside(): void {
    if (this.touched) this.panel?.focus({ preventScroll: true });
    else this.input?.focus();
  }

  protected override render() {
    const floating = this.mode === 'floating';
    const modal = this.covers(this.phone.matches);
    return html`
      ${floating ? this.renderLauncher() : nothing}
      <section
        id="panel"
        class="chat"
        part="base"
        tabindex="-1"
        role=${ifDefined(floating || modal ? 'dialog' : undefined)}
        aria-modal=${ifDefined(modal ? 'true' : undefined)}
        aria-labelledby="heading"
        lang=${this.locale.code}
        dir=${ifDefined(this.locale.rtl && !this.hasAttribute('dir') ? 'rtl' : undefined)}
        ?hidden=${floating && !this.open}
        @keydown=${this.onPanelKeydown}
      >
        ${this.renderHeader()} ${this.renderTranscript()}
        ${this.turnstileSitekey ? html`<div id="bot-check" part="bot-check"></div>` : nothing} ${this.renderComposer()}
        ${this.showSettings ? this.renderSettings() : nothing}
      </section>
    `;
  }

  private renderLauncher() {
    const label = this.open ? this.text.closeChat : this.text.openChat;
    return html`<button
      type="button"
      class="launcher"
      part="launcher"
      aria-expanded=${this.open ? 'true' : 'false'}
      aria-controls="panel"
      aria-label=${label}
      @click=${this.toggle}
    >
      ${icon(this.open ? icons.close : icons.chat)}
    </button>`;
  }

  private renderHeader() {
    const text = this.text;
    return html`<header part="header">
      <h2 id="heading" part="heading">${this.heading ?? text.heading}</h2>
      <button type="button" class="quiet" part="clear-button" @click=${this.clear}>${text.clear}</button>
      ${
        this.mode === 'floating'
          ? html`<button type="button" class="icon close" part="close-button" aria-label=${text.closeChat} @click=${this.hide}>
            ${icon(icons.close)}
          </button>`
          : nothing
      }
    </header>`;
  }

  private renderTranscript() {
    const messages = this.chat.messages;
    const lastAnswer = messages.at(-1)?.role === 'assistant' ? messages.at(-1) : undefined;
    // The buttons under messages come with the first finished answer, or when the visitor reaches for them.
    if (messages.some((message) => message.role === 'assistant' && message.status !== 'streaming')) {
      this.messageActions.get();
    }
    return html`<div class="transcript-frame">
      <div
        id="transcript"
        class="transcript"
        part="transcript"
        role="log"
        aria-live="polite"
        aria-label=${this.text.transcriptLabel}
        tabindex="0"
        @scroll=${this.onScroll}
        @click=${this.onTranscriptClick}
        @pointerover=${this.wantActions}
        @focusin=${this.wantActions}
      >
        ${
          messages.length
            ? messages.map(
                // By index, not keyed (repeat() costs 0.9 KB): a conversation grows or loses its end, and each answer's node is its view's.
                (message) =>
                  this.conversationView?.renderMessage(message, () => ({
                    strings: this.text,
                    actions: this.actions,
                    isLastAnswer: message === lastAnswer,
                    editing: message.id === this.editingId,
                    copied: message.id === this.copiedId,
                    revealed: message.id === this.revealedId,
                    busy: this.chat.streaming,
                    retryIn: this.retryWait?.id === message.id ? this.retryWait?.seconds : undefined,
                    renderEditor: this.editForm.module?.renderEditor,
                    editorUnavailable: this.editForm.failed ? errorSentence(this.text, 'network') : undefined,
                    renderActions: this.messageActions.module?.renderActions,
                    actionsUnavailable: this.messageActions.failed ? errorSentence(this.text, 'network') : undefined,
                  })) ?? plainMessage(message, this.text),
              )
            : this.renderWelcome()
        }
      </div>
      <button type="button" class="jump" part="jump-button" hidden @click=${() => this.conversationView?.follower.jumpToBottom()}>
        ${this.text.jumpToLatest}
      </button>
    </div>`;
  }

  private renderComposer() {
    const text = this.text;
    return html`<form class="composer" part="composer" @submit=${this.onSubmit}>
        <label class="visually-hidden" for="input">${text.inputLabel}</label>
        <textarea
          id="input"
          part="input"
          rows="1"
          placeholder=${this.placeholder ?? text.placeholder}
          .value=${this.draft}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
        ></textarea>
        ${
          this.chat.streaming
            ? html`<button type="button" class="icon stop" part="stop-button" @click=${this.stop}>${labelledIcon(icons.stop, text.stop)}</button>`
            : html`<button type="submit" class="icon primary send" part="send-button">${labelledIcon(icons.send, text.send)}</button>`
        }
      </form>
      <p class="notice" part="notice" role="status">${this.notice}</p>`;
  }

  private onScroll(): void {
    this.conversationView?.follower.onScroll();
  }

  private onTranscriptClick(event: MouseEvent): void {
    this.conversationView?.onClick(event);
  }

  private wantActions(): void {
    if (this.chat.messages.length) this.messageActions.get();
  }

  private onInput(event: InputEvent): void {
    const field = event.target as HTMLTextAreaElement;
    this.draft = field.value;
    this.notice = '';
    // Grows with the text where CSS cannot (field-sizing); the styles cap its height.
    if (!CSS.supports('field-sizing', 'content')) {
      field.style.height = 'auto';
      field.style.height = `${field.scrollHeight + 2}px`;
    }
  }

  private renderWelcome() {
    const greeting = this.greeting
      ? (this.conversationView?.greeting(this.greeting) ??
        html`<div class="content" part="greeting" dir="auto">${this.greeting}</div>`)
      : nothing;
    return html`
      ${this.greeting ? html`<div class="message assistant greeting">${greeting}</div>` : nothing}
      ${
        this.suggestions.length
          ? html`<ul class="suggestions" part="suggestions" aria-label=${this.text.suggestionsLabel}>
            ${this.suggestions.map(
              (suggestion) =>
                html`<li><button type="button" part="suggestion" dir="auto" @click=${() => this.send(suggestion)}>${suggestion}</button></li>`,
            )}
          </ul>`
          : nothing
      }
    `;
  }

  /** The settings panel, from its chunk; a message in its place when that fails to load. */
  private renderSettings() {
    const panel = this.settingsPanel.get();
    if (panel) return panel.renderSettings(this, this.text);
    return this.settingsPanel.failed
      ? html`<p class="note" part="settings">${errorSentence(this.text, 'network')}</p>`
      : nothing;
  }
}
