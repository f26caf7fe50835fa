import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { streamChat, type ChatRequest, type ChatTurn } from './chat-client.ts';
import { ChatError, type ChatErrorCode } from './chat-error.ts';
import { FalconChatErrorEvent, FalconChatResponseEvent, FalconChatSendEvent } from './events.ts';

/** One entry of the transcript. A host page may set plain `{ role, content }` objects. */
export interface ChatMessage extends ChatTurn {
  /** Answers only: absent means complete. */
  status?: 'streaming' | 'complete' | 'stopped' | 'error';
  /** Why a complete answer ended: `stop`, or `length` when it hit the token limit. */
  finishReason?: string;
  /** Why an answer failed, in the visitor's words. */
  error?: { code: ChatErrorCode; message: string };
}

/** What a request is sent with, read from the element when the question goes out. */
export interface AnswerSettings {
  endpoint: string;
  system?: string;
  temperature?: number;
  maxNewTokens?: number;
}

/**
 * Owns the conversation and the one answer that may be streaming. Each
 * request gets its own AbortController; a run that has been stopped, cleared
 * or replaced may still deliver a late piece, which is dropped because it is
 * no longer the active run (the pattern of Lit's Task).
 */
export class ChatController implements ReactiveController {
  private conversation: readonly ChatMessage[] = [];
  private activeRun?: AbortController;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  get messages(): readonly ChatMessage[] {
    return this.conversation;
  }

  /** Replaces the conversation (e.g. restored by the host page); any answer in progress is dropped. */
  set messages(messages: readonly ChatMessage[]) {
    this.cancelRun();
    this.conversation = [...messages];
    this.host.requestUpdate();
  }

  get streaming(): boolean {
    return this.activeRun !== undefined;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    // Nobody is left to read the answer; stop paying for it.
    this.stop();
  }

  /**
   * Asks `text` unless it is blank or a `falcon-chat-send` listener cancels it.
   * An answer still streaming is stopped first. Returns whether it was sent.
   */
  send(text: string, settings: AnswerSettings): boolean {
    const question = text.trim();
    if (!question || !this.announceQuestion(question)) return false;
    this.stop();
    this.conversation = [...this.conversation, { role: 'user', content: question }];
    void this.answer(settings);
    return true;
  }

  /** Asks the last question again when its answer failed; the failed answer is replaced. */
  retry(settings: AnswerSettings): boolean {
    const [question, failedAnswer] = this.conversation.slice(-2);
    if (this.streaming || question?.role !== 'user' || failedAnswer?.status !== 'error') return false;
    if (!this.announceQuestion(question.content)) return false;
    this.conversation = this.conversation.slice(0, -1);
    void this.answer(settings);
    return true;
  }

  /** Ends the streaming answer where it is; its text stays, marked as stopped. */
  stop(): void {
    if (!this.activeRun) return;
    this.cancelRun();
    this.updateAnswer({ status: 'stopped' });
  }

  /** Empties the conversation and drops any answer in progress. */
  clear(): void {
    this.messages = [];
  }

  private announceQuestion(text: string): boolean {
    return this.host.dispatchEvent(new FalconChatSendEvent({ text }));
  }

  private cancelRun(): void {
    this.activeRun?.abort();
    this.activeRun = undefined;
  }

  private async answer({ endpoint, ...settings }: AnswerSettings): Promise<void> {
    const run = new AbortController();
    this.activeRun = run;
    const request: ChatRequest = { messages: turnsForModel(this.conversation), ...settings };
    this.conversation = [...this.conversation, { role: 'assistant', content: '', status: 'streaming' }];
    this.host.requestUpdate();

    let finishReason = 'stop';
    try {
      for await (const event of streamChat(endpoint, request, run.signal)) {
        if (run !== this.activeRun) return;
        if (event.type === 'token') this.updateAnswer({ content: this.answerText + event.text });
        else finishReason = event.finishReason;
      }
    } catch (error) {
      if (run !== this.activeRun) return;
      const failure = error instanceof ChatError ? error : new ChatError('server');
      this.activeRun = undefined;
      this.updateAnswer({ status: 'error', error: { code: failure.code, message: failure.message } });
      this.host.dispatchEvent(
        new FalconChatErrorEvent({
          code: failure.code,
          message: failure.message,
          serverCode: failure.serverCode,
          serverMessage: failure.serverMessage,
        }),
      );
      return;
    }
    if (run !== this.activeRun) return;
    this.activeRun = undefined;
    this.updateAnswer({ status: 'complete', finishReason });
    this.host.dispatchEvent(new FalconChatResponseEvent({ text: this.answerText, finishReason }));
  }

  /** The active run's answer is always the last message: everything that adds one stops the run first. */
  private get answerText(): string {
    return this.conversation.at(-1)?.content ?? '';
  }

  private updateAnswer(change: Partial<ChatMessage>): void {
    const answer = this.conversation.at(-1);
    if (answer?.role !== 'assistant') return;
    this.conversation = [...this.conversation.slice(0, -1), { ...answer, ...change }];
    this.host.requestUpdate();
  }
}

/**
 * The conversation as the model gets it. The worker refuses empty turns, so
 * an answer that failed or was stopped before its first word is left out
 * together with its question, which the visitor may ask again.
 */
export function turnsForModel(messages: readonly ChatMessage[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const { role, content } of messages) {
    if (content.trim()) turns.push({ role, content });
    else if (role === 'assistant' && turns.at(-1)?.role === 'user') turns.pop();
  }
  return turns;
}
