import { html, LitElement, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ChatController, type AnswerSettings, type ChatMessage } from './chat-controller.ts';
import { defaultEndpoint } from './default-endpoint.ts';
import { styles } from './falcon-chat.styles.ts';
import { renderMessage } from './message-view.ts';
import { StickToBottomController } from './stick-to-bottom.ts';
import { strings } from './strings.ts';

/**
 * @summary A chat with a language model whose answer streams in word by word.
 *
 * @attr endpoint - Where questions are posted. Default: `/api/chat` on the origin this script was loaded from.
 * @attr system-message - Instructions for the model. Empty: the worker's default.
 * @attr temperature - Sampling temperature. Default: `0.7`.
 * @attr max-new-tokens - Longest answer, in tokens. Unset: the worker's default.
 * @attr heading - The title above the conversation. Default: `Chat`.
 * @attr placeholder - Hint in the empty input. Default: `Ask a question…`.
 * @attr show-settings - Shows "Advanced options" where the visitor edits the system message and temperature.
 *
 * @prop {ChatMessage[]} messages - The conversation, oldest first; set it to restore one.
 *
 * @fires {FalconChatSendEvent} falcon-chat-send - Before a question goes out (also on Retry); `detail: { text }`. Cancelable: `preventDefault()` keeps it from being sent.
 * @fires {FalconChatResponseEvent} falcon-chat-response - An answer is complete; `detail: { text, finishReason }`.
 * @fires {FalconChatErrorEvent} falcon-chat-error - A question could not be answered; `detail: { code, message, serverCode?, serverMessage? }`.
 *
 * @csspart base - The frame around everything.
 * @csspart header - The row with the heading and the Clear button.
 * @csspart heading - The heading.
 * @csspart clear-button - The Clear button.
 * @csspart transcript - The scrolling conversation.
 * @csspart message - Each message; also `user-message` or `assistant-message`.
 * @csspart user-message - A visitor's message.
 * @csspart assistant-message - An answer.
 * @csspart message-content - The text of a message.
 * @csspart message-note - "Stopped" or "length limit" under an answer.
 * @csspart error - Why an answer failed, with the Retry button.
 * @csspart retry-button - The Retry button.
 * @csspart composer - The row with the input and the Send or Stop button.
 * @csspart input - Where the visitor types.
 * @csspart send-button - The Send button.
 * @csspart stop-button - The Stop button, shown instead of Send while an answer streams.
 * @csspart settings - The "Advanced options" disclosure.
 * @csspart system-message-input - The system message field in the settings.
 * @csspart temperature-input - The temperature slider in the settings.
 *
 * @cssprop [--falcon-chat-font-family=system-ui, …] - Font of everything.
 * @cssprop [--falcon-chat-font-size=1rem] - Base font size.
 * @cssprop [--falcon-chat-line-height=1.5] - Line height.
 * @cssprop [--falcon-chat-color=#1f2328] - Text colour.
 * @cssprop [--falcon-chat-muted-color=#59636e] - Notes, placeholder and settings summary.
 * @cssprop [--falcon-chat-background=#ffffff] - Background of the frame, input and buttons.
 * @cssprop [--falcon-chat-border-color=#d1d9e0] - Borders.
 * @cssprop [--falcon-chat-radius=0.75rem] - Corner radius of the frame and messages; controls use half.
 * @cssprop [--falcon-chat-spacing=0.75rem] - Padding and gaps.
 * @cssprop [--falcon-chat-height=32rem] - Height of the whole element.
 * @cssprop [--falcon-chat-accent-color=#0b57d0] - Send button and slider.
 * @cssprop [--falcon-chat-accent-text-color=#ffffff] - Text on the accent colour.
 * @cssprop [--falcon-chat-user-background=#dbe7fb] - Background of the visitor's messages.
 * @cssprop [--falcon-chat-user-color=#0f1f3d] - Text of the visitor's messages.
 * @cssprop [--falcon-chat-assistant-background=#f2f4f6] - Background of answers.
 * @cssprop [--falcon-chat-assistant-color=#1f2328] - Text of answers.
 * @cssprop [--falcon-chat-error-background=#fdecec] - Background of error messages.
 * @cssprop [--falcon-chat-error-color=#8c1515] - Text of error messages.
 * @cssprop [--falcon-chat-focus-ring-color=#0b57d0] - Outline of the focused control.
 */
export class FalconChat extends LitElement {
  static override styles = styles;

  private readonly chat = new ChatController(this);
  private readonly followLatest = new StickToBottomController(this, () => this.transcript);

  /** Where questions are posted. Default: `/api/chat` on the origin this script was loaded from. */
  @property() endpoint = defaultEndpoint;

  /** Instructions for the model; the settings field edits it. Blank: the worker's default. */
  @property({ attribute: 'system-message' }) systemMessage = '';

  /** Sampling temperature; the settings slider edits it. */
  @property({ type: Number }) temperature = 0.7;

  /** Longest answer, in tokens. Unset: the worker's default. */
  @property({ attribute: 'max-new-tokens', type: Number }) maxNewTokens?: number;

  /** The title above the conversation. */
  @property() heading = strings.heading;

  /** Hint in the empty input. */
  @property() placeholder = strings.placeholder;

  /** Shows "Advanced options" where the visitor edits the system message and temperature. */
  @property({ attribute: 'show-settings', type: Boolean }) showSettings = false;

  /** The conversation, oldest first. Setting it drops any answer in progress. */
  @property({ attribute: false })
  get messages(): readonly ChatMessage[] {
    return this.chat.messages;
  }
  set messages(messages: readonly ChatMessage[]) {
    this.chat.messages = messages;
  }

  /** What the visitor is typing. */
  @state() private draft = '';

  @query('#transcript') private transcript!: HTMLElement | null;
  @query('#input') private input!: HTMLTextAreaElement | null;

  private focusWasInside = false;

  constructor() {
    super();
    this.addEventListener('falcon-chat-error', () => this.restoreUnansweredQuestion());
  }

  /** Asks `text` as if the visitor had typed it. Returns false when it is blank or a listener vetoed it. */
  send(text: string): boolean {
    const sent = this.chat.send(text, this.answerSettings());
    if (sent) this.followLatest.jumpToBottom();
    return sent;
  }

  /** Stops the answer that is streaming; its text so far stays. */
  stop(): void {
    this.chat.stop();
  }

  /** Empties the conversation, stopping any answer in progress. */
  clear(): void {
    this.chat.clear();
  }

  private answerSettings(): AnswerSettings {
    return {
      endpoint: this.endpoint,
      system: this.systemMessage.trim() || undefined,
      temperature: Number.isFinite(this.temperature) ? this.temperature : undefined,
      maxNewTokens: this.maxNewTokens || undefined,
    };
  }

  /** A question that failed before any answer must not be lost: it goes back to an empty input. */
  private restoreUnansweredQuestion(): void {
    const [question, answer] = this.chat.messages.slice(-2);
    if (question?.role === 'user' && !answer?.content && !this.draft) this.draft = question.content;
  }

  private submitDraft(): void {
    // One answer at a time from the input: Stop comes first (send() from the page may interrupt).
    if (this.chat.streaming) return;
    if (this.send(this.draft)) this.draft = '';
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

  private onRetry = (): void => {
    if (this.chat.retry(this.answerSettings())) this.followLatest.jumpToBottom();
  };

  protected override willUpdate(): void {
    this.focusWasInside = this.shadowRoot?.activeElement != null;
  }

  protected override updated(): void {
    // Send and Stop swap, Retry goes away: focus on a control that left moves to the input, not the page.
    if (this.focusWasInside && this.shadowRoot?.activeElement == null) this.input?.focus();
  }

  protected override render() {
    const streaming = this.chat.streaming;
    const messages = this.chat.messages;
    const last = messages.at(-1);
    return html`
      <section class="chat" part="base" aria-labelledby="heading">
        <header part="header">
          <h2 id="heading" part="heading">${this.heading}</h2>
          <button type="button" part="clear-button" @click=${this.clear}>${strings.clear}</button>
        </header>
        <div
          id="transcript"
          class="transcript"
          part="transcript"
          role="log"
          aria-live="polite"
          aria-label=${strings.transcriptLabel}
          aria-busy=${streaming ? 'true' : 'false'}
          tabindex="0"
        >
          ${messages.map((message) =>
            renderMessage(message, message === last && message.status === 'error' ? this.onRetry : undefined),
          )}
        </div>
        <form class="composer" part="composer" @submit=${this.onSubmit}>
          <label class="visually-hidden" for="input">${strings.inputLabel}</label>
          <textarea
            id="input"
            part="input"
            rows="2"
            placeholder=${this.placeholder}
            .value=${this.draft}
            @input=${(event: InputEvent) => (this.draft = (event.target as HTMLTextAreaElement).value)}
            @keydown=${this.onKeydown}
          ></textarea>
          ${streaming
            ? html`<button type="button" part="stop-button" @click=${this.stop}>${strings.stop}</button>`
            : html`<button type="submit" class="primary" part="send-button">${strings.send}</button>`}
        </form>
        ${this.showSettings ? this.renderSettings() : nothing}
      </section>
    `;
  }

  private renderSettings() {
    return html`
      <details part="settings">
        <summary>${strings.settings}</summary>
        <div class="settings">
          <label for="system-message">${strings.systemMessage}</label>
          <textarea
            id="system-message"
            part="system-message-input"
            rows="3"
            .value=${this.systemMessage}
            @input=${(event: InputEvent) => (this.systemMessage = (event.target as HTMLTextAreaElement).value)}
          ></textarea>
          <label for="temperature">${strings.temperature}</label>
          <div class="slider">
            <input
              id="temperature"
              part="temperature-input"
              type="range"
              min="0.1"
              max="1"
              step="0.1"
              .value=${String(this.temperature)}
              @input=${(event: InputEvent) => (this.temperature = Number((event.target as HTMLInputElement).value))}
            />
            <output for="temperature" aria-live="off">${this.temperature.toFixed(1)}</output>
          </div>
        </div>
      </details>
    `;
  }
}
