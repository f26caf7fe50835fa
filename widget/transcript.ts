import type { ReactiveControllerHost, TemplateResult } from 'lit';
import type { ChatMessage } from './chat-message.ts';
import { CODE_BLOCK_CLASS, COPY_CODE_CLASS } from './markdown/classes.ts';
import { MarkdownView } from './markdown/markdown-view.ts';
import { warmUpMarkdown } from './markdown/warm-up.ts';
import { renderMessageSafely, type MessageState } from './message-view.ts';
import { StickToBottomController } from './stick-to-bottom.ts';
import type { FalconChatStrings } from './strings.ts';

/** How long "Copied" shows on a code block's Copy button. */
const COPIED_MS = 2000;

/** What the conversation needs of the element that shows it. */
export interface TranscriptHost {
  /** The scrolling transcript and its "Jump to latest" button. */
  scroller(): HTMLElement | null;
  jumpControl(): HTMLElement | null;
  strings(): FalconChatStrings;
  allowImages(): boolean;
  /** Copies `text`; resolves whether it could. */
  copy(text: string): Promise<boolean>;
  /** Work the element's `updateComplete` waits for (a long answer rendered a slice per frame). */
  track(work: Promise<unknown>): void;
}

/** Code blocks that name their language are highlighted by a chunk loaded with the first one. */
const highlightLater = (code: HTMLElement) => {
  if (code.className)
    void import('./markdown/code-highlight.ts').then(
      (chunk) => chunk.highlightCode(code),
      () => {},
    );
};

/**
 * The conversation as the visitor reads it, in the answer chunk: each answer's
 * markdown view (kept across renders, so streaming only appends), following the
 * answer as it grows, and the Copy buttons of code blocks. The element renders
 * its messages as plain text until this has loaded (plain-message.ts).
 */
export class Transcript {
  /** The rendered markdown of each answer, by message id. */
  private views = new Map<string, MarkdownView>();
  private greetingView?: MarkdownView;
  /** Follows the answer as it grows, while the visitor reads the latest (stick-to-bottom.ts). */
  readonly follower: StickToBottomController;

  constructor(
    reactiveHost: ReactiveControllerHost,
    private readonly host: TranscriptHost,
  ) {
    this.follower = new StickToBottomController(reactiveHost, host.scroller, host.jumpControl);
  }

  /** One message, with the markdown of an answer. */
  renderMessage(message: ChatMessage, state: () => Omit<MessageState, 'body'>): TemplateResult {
    return renderMessageSafely(message, () => ({
      ...state(),
      body: message.role === 'assistant' ? this.viewFor(message).root : undefined,
    }));
  }

  /** The greeting's markdown, as the assistant's first words. */
  greeting(markdown: string): HTMLElement {
    if (!this.greetingView) {
      this.greetingView = this.createView();
      this.greetingView.root.setAttribute('part', 'greeting');
    }
    this.greetingView.sync(markdown, false);
    return this.greetingView.root;
  }

  /** The next piece of the answer `id`, once it is shown. */
  append(id: string, text: string): void {
    this.views.get(id)?.append(text);
  }

  /** Views hold words (Copy code) and the image policy: after a change of either, everything renders anew, once. */
  reset(): void {
    this.views.clear();
    this.greetingView = undefined;
  }

  /** Forgets the views of messages that are gone. */
  keepOnly(messages: readonly ChatMessage[]): void {
    if (this.views.size <= messages.length) return;
    const ids = new Set(messages.map((message) => message.id));
    for (const id of this.views.keys()) if (!ids.has(id)) this.views.delete(id);
  }

  /** Renders the kinds of markdown answers use once, beside the transcript, before the first answer (warm-up.ts). */
  warmUp(frame: HTMLElement | null): void {
    warmUpMarkdown(frame, () => this.createView());
  }

  /** Copy buttons of code blocks live in rendered markdown, so one listener serves them all. */
  onClick(event: MouseEvent): void {
    const button = (event.target as Element).closest?.(`.${COPY_CODE_CLASS}`);
    const code = button?.closest(`.${CODE_BLOCK_CLASS}`)?.querySelector('code');
    if (!button || !code) return;
    void this.host.copy(code.textContent ?? '').then((copied) => {
      if (!copied) return;
      button.textContent = this.host.strings().copied;
      setTimeout(() => (button.textContent = this.host.strings().copyCode), COPIED_MS);
    });
  }

  /** The answer's markdown view, created (and filled with its whole text) the first time it is rendered. */
  private viewFor(message: ChatMessage): MarkdownView {
    let view = this.views.get(message.id);
    if (!view) {
      view = this.createView();
      this.views.set(message.id, view);
    }
    view.sync(message.content, message.status === 'streaming');
    // A long answer renders a slice per frame; `updateComplete` waits for all of it.
    if (view.rendering) this.host.track(view.rendering);
    return view;
  }

  private createView(): MarkdownView {
    const view = new MarkdownView({
      allowImages: this.host.allowImages(),
      copyCodeLabel: this.host.strings().copyCode,
      onCodeBlock: highlightLater,
    });
    view.root.className = 'content markdown';
    view.root.setAttribute('part', 'message-content');
    view.root.dir = 'auto';
    return view;
  }
}
