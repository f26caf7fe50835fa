import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { loadAnswerReader, resumeChat, stopChat, streamChat, type ChatRequest, type ChatTurn } from './chat-client.ts';
import { ChatError, tellSiteOwner } from './chat-error.ts';
import type { SessionSource } from './bot-check.ts';
import type { ChatMessage, ChatMessageInit } from './chat-message.ts';
import type { ConversationStore } from './conversation-store.ts';
import { fitRequest, type RequestBounds } from './request-window.ts';
import { FalconChatErrorEvent, FalconChatResponseEvent, FalconChatSendEvent } from './events.ts';
import type { ResumableAnswerOptions, ResumePoint } from './resumable-answer.ts';
import type { TextPacer } from './text-pacer.ts';

export type { ChatMessage, ChatMessageInit };

/** What a request is sent with, read from the element when the question goes out. */
export interface AnswerSettings {
  endpoint: string;
  /** Set when the worker runs a bot check: where the session token comes from. */
  session?: SessionSource;
  system?: string;
  temperature?: number;
  maxNewTokens?: number;
}

export interface ChatControllerOptions {
  /** Each piece of the streaming answer, as it arrives (the markdown view appends it). */
  onAnswerText(id: string, text: string): void;
  /** The visitor's sentence for a failure, in the element's language. */
  describeError(error: ChatError): string;
}

let lastId = 0;
const newId = () => `m${++lastId}`;

/**
 * Owns the conversation and the one answer that may be streaming. Each
 * request gets its own AbortController; a run that has been stopped, cleared
 * or replaced may still deliver a late piece, which is dropped because it is
 * no longer the active run (the pattern of Lit's Task). Every change but a
 * token is saved to the store, when there is one.
 */
export class ChatController implements ReactiveController {
  private conversation: readonly ChatMessage[] = [];
  private activeRun?: AbortController;
  /** The worker's bounds on a request, once a refusal named tighter ones than wrangler.toml's defaults. */
  private bounds?: RequestBounds;
  /** The active run's resume point, the text received up to it, and how to stop it at the worker. */
  private received?: ResumePoint & { text: string; stop: () => void };
  /** Where the conversation is kept across reloads; `undefined` for nowhere. */
  store?: ConversationStore;
  /** The element's settings when it restored the conversation: a resumed answer is read with them. */
  private settings?: AnswerSettings;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: ChatControllerOptions,
  ) {
    host.addController(this);
  }

  get messages(): readonly ChatMessage[] {
    return this.conversation;
  }

  /** Replaces the conversation (e.g. restored by the host page); any answer in progress is dropped. */
  set messages(messages: readonly ChatMessageInit[]) {
    this.cancelRun();
    this.commit(messages.map((message) => ({ ...message, id: newId() })));
  }

  get streaming(): boolean {
    return this.activeRun !== undefined;
  }

  hostConnected(): void {
    addEventListener('pagehide', this.leave);
    addEventListener('storage', this.followOtherTab);
  }

  hostDisconnected(): void {
    removeEventListener('pagehide', this.leave);
    removeEventListener('storage', this.followOtherTab);
    // Nobody is left to read the answer; stop paying for it.
    this.stop();
  }

  /**
   * The page is going away. Kept conversations are saved, and a reload picks the answer up; without one, nothing
   * can, so it is stopped at the worker (a keepalive request): the browser may go on reading an abandoned response
   * for seconds, and the answer's object would keep paying for the model until it let go.
   */
  private leave = (): void => {
    if (this.store) this.saveNow();
    else this.stop();
  };

  /** Loads the stored conversation into an empty transcript, and goes on with an answer a reload cut short. */
  restore(settings?: AnswerSettings): void {
    this.settings = settings;
    const stored = this.store?.load();
    if (!stored?.length || this.conversation.length) return;
    this.resumeStored(stored);
  }

  /**
   * Another tab of this browser asked a question in the same stored conversation
   * (`persist="local"`): this one shows its answer too, as a second reader.
   */
  private followOtherTab = (event: StorageEvent): void => {
    if (this.store?.mode !== 'local' || event.key !== this.store.key || this.streaming) return;
    const stored = this.store.load();
    if (stored?.at(-1)?.status === 'streaming' && stored.at(-1)?.handle) this.resumeStored(stored);
  };

  private resumeStored(stored: ChatMessageInit[]): void {
    const settings = this.settings;
    this.messages = stored;
    const { handle, resumeFrom, status } = stored.at(-1)!;
    if (status === 'streaming' && handle && settings) void this.answer(settings, { handle, lastId: resumeFrom ?? 0 });
  }

  /**
   * Asks `text` unless it is blank or a `falcon-chat-send` listener cancels it.
   * An answer still streaming is stopped first. Returns whether it was sent.
   */
  send(text: string, settings: AnswerSettings): boolean {
    return this.ask(text, this.conversation.length, settings);
  }

  /** Asks the last question again; its answer (failed, stopped or complete) is replaced. */
  regenerate(settings: AnswerSettings): boolean {
    const index = this.conversation.findLastIndex((message) => message.role === 'user');
    if (index < 0 || this.streaming) return false;
    return this.ask(this.conversation[index].content, index, settings);
  }

  /** Asks the question `id` again as `text`; everything after it is replaced. */
  edit(id: string, text: string, settings: AnswerSettings): boolean {
    const index = this.conversation.findIndex((message) => message.id === id && message.role === 'user');
    return index >= 0 && this.ask(text, index, settings);
  }

  /** Removes the last question and its answer (stopping it if it is streaming). */
  deleteLastExchange(): void {
    const index = this.conversation.findLastIndex((message) => message.role === 'user');
    this.cancelRun();
    this.commit(this.conversation.slice(0, Math.max(index, 0)));
  }

  /** Ends the streaming answer where it is; its text stays, marked as stopped. */
  stop(): void {
    if (!this.activeRun) return;
    this.cancelRun();
    this.updateAnswer({ status: 'stopped' });
  }

  /** Empties the conversation, drops any answer in progress and forgets the stored copy. */
  clear(): void {
    this.cancelRun();
    this.conversation = [];
    this.store?.remove();
    this.host.requestUpdate();
  }

  /** Sends `text` as the question at `index`, replacing that message and all after it. */
  private ask(text: string, index: number, settings: AnswerSettings): boolean {
    const detail = { text: text.trim(), system: settings.system };
    if (!detail.text) return false;
    if (!this.host.dispatchEvent(new FalconChatSendEvent(detail))) return false;
    const question = String(detail.text).trim();
    if (!question) return false;
    this.stop();
    this.commit([...this.conversation.slice(0, index), { id: newId(), role: 'user', content: question }]);
    void this.answer({ ...settings, system: detail.system || undefined });
    return true;
  }

  private cancelRun(): void {
    // Also at the worker: with persistence it would otherwise go on for the grace period.
    this.received?.stop();
    this.received = undefined;
    this.activeRun?.abort();
    this.activeRun = undefined;
  }

  private async answer({ endpoint, session, ...settings }: AnswerSettings, resumed?: ResumePoint): Promise<void> {
    const run = new AbortController();
    this.activeRun = run;
    // The newest turns the worker takes: a long conversation never meets its bounds.
    let request: ChatRequest = fitRequest(
      { messages: turnsForModel(this.conversation), ...settings, persist: this.store?.mode },
      this.bounds,
    );
    const id = resumed ? this.conversation.at(-1)!.id : newId();
    if (!resumed)
      this.conversation = [...this.conversation, { id, role: 'assistant', content: '', status: 'streaming' }];
    this.host.requestUpdate();

    let finishReason = 'stop';
    // Tokens arrive in bursts (several per network read, thousands after a stall): they are shown
    // once per frame, at most a frame's budget of characters, so no frame's work grows with a burst.
    let pacer: TextPacer | undefined;
    const show = (text: string) => {
      this.updateAnswer({ content: this.answerText + text });
      this.options.onAnswerText(id, text);
    };
    // Stopped, cleared or replaced: what has not been shown yet is dropped with the run.
    run.signal.addEventListener('abort', () => pacer?.cancel());
    let stopped = false;
    const ask = async (sessionRetried: boolean): Promise<void> => {
      const headers = session ? { 'X-Falcon-Session': await session.token(endpoint, run.signal) } : undefined;
      const first = resumed
        ? resumeChat(endpoint, resumed.handle, resumed.lastId, run.signal, headers)
        : streamChat(endpoint, request, run.signal, headers);
      // The reader's chunk loads while the question is on its way. Without it, reading `first` fails as the network would.
      const answer = await loadAnswerReader().then(
        (reader) => {
          pacer ??= new reader.TextPacer(show);
          return reader.resumableAnswer(first, this.resumeOptions(run, endpoint, headers, resumed), resumed);
        },
        () => first,
      );
      try {
        for await (const event of answer) {
          if (run !== this.activeRun) return;
          if (event.type === 'token') {
            if (this.received) this.received.text += event.text;
            pacer?.push(event.text);
          } else if (event.type === 'done') finishReason = event.finishReason;
          else if (event.type === 'stopped') stopped = true;
        }
      } catch (error) {
        // A session the worker no longer takes (expired, or signed before a redeploy): pass the check again, once.
        if (session && !sessionRetried && error instanceof ChatError && error.serverCode?.startsWith('session_')) {
          session.forget();
          return ask(true);
        }
        // A worker with bounds below the defaults says which in its refusal: asked again with fewer turns.
        const refit = await import('./server-errors.ts').then(
          ({ refitRequest }) => refitRequest(request, error, this.bounds),
          () => undefined,
        );
        if (refit && run === this.activeRun) {
          ({ bounds: this.bounds, request } = refit);
          return ask(sessionRetried);
        }
        throw error;
      }
    };
    try {
      await ask(false);
      await pacer?.drained();
    } catch (error) {
      // What arrived before the failure is shown first.
      await pacer?.drained();
      if (run !== this.activeRun) return;
      const failure = error instanceof ChatError ? error : new ChatError('server');
      const message = this.options.describeError(failure);
      this.activeRun = undefined;
      tellSiteOwner(failure);
      this.received = undefined;
      this.updateAnswer({ status: 'error', error: { code: failure.code, message, retryable: failure.retryable } });
      this.host.dispatchEvent(
        new FalconChatErrorEvent({
          code: failure.code,
          message,
          serverCode: failure.serverCode,
          serverMessage: failure.serverMessage,
          retryAfter: failure.retryAfterSeconds,
        }),
      );
      return;
    }
    if (run !== this.activeRun) return;
    this.activeRun = undefined;
    this.received = undefined;
    // Stopped at the worker: by Stop in another tab, or cancelled while nobody was reading.
    if (stopped) {
      this.updateAnswer({ status: 'stopped' });
      return;
    }
    this.updateAnswer({ status: 'complete', finishReason });
    this.host.dispatchEvent(new FalconChatResponseEvent({ text: this.answerText, finishReason }));
  }

  /** How the run hears from its reader: that it is reconnecting, and each new point it can be resumed from. */
  private resumeOptions(
    run: AbortController,
    endpoint: string,
    headers: Record<string, string> | undefined,
    resumed?: ResumePoint,
  ): ResumableAnswerOptions {
    return {
      signal: run.signal,
      resume: (handle, from, signal) => resumeChat(endpoint, handle, from, signal, headers),
      onReconnecting: (reconnecting) => {
        if (run !== this.activeRun) return;
        this.updateAnswer({ reconnecting: reconnecting || undefined });
        this.host.requestUpdate();
      },
      onResumePoint: (point) => {
        if (run !== this.activeRun) return;
        const firstPoint = !this.received;
        this.received = {
          ...point,
          text: this.received?.text ?? (resumed ? this.answerText : ''),
          stop: () => stopChat(endpoint, point.handle, headers),
        };
        // Stored once the handle is known, so even a crash leaves a conversation a reload can resume.
        if (firstPoint) this.saveNow();
      },
    };
  }

  /** The active run's answer is always the last message: everything that adds one stops the run first. */
  private get answerText(): string {
    return this.conversation.at(-1)?.content ?? '';
  }

  private updateAnswer(change: Partial<ChatMessage>): void {
    const answer = this.conversation.at(-1);
    if (answer?.role !== 'assistant') return;
    const conversation = [...this.conversation.slice(0, -1), { ...answer, ...change }];
    // Tokens are not saved one by one (that would cost the whole answer per token); the rest is.
    if (change.status) this.commit(conversation);
    // Nor rendered: the markdown view shows them (onAnswerText), and nothing else changes until the status does.
    else this.conversation = conversation;
  }

  private commit(conversation: readonly ChatMessage[]): void {
    this.conversation = conversation;
    this.saveNow();
    this.host.requestUpdate();
  }

  private saveNow = (): void => {
    const answer = this.conversation.at(-1);
    if (!this.received || answer?.status !== 'streaming') {
      this.store?.save(this.conversation);
      return;
    }
    // The answer in progress is kept as far as its last event id, so a reload continues it exactly there.
    const { handle, lastId, text } = this.received;
    this.store?.save([...this.conversation.slice(0, -1), { ...answer, content: text, handle, resumeFrom: lastId }]);
  };
}

/**
 * The conversation as the model gets it. The worker refuses empty turns, so
 * an answer that failed or was stopped before its first word is left out
 * together with its question, which the visitor may ask again.
 */
export function turnsForModel(messages: readonly ChatMessageInit[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const { role, content } of messages) {
    if (content.trim()) turns.push({ role, content });
    else if (role === 'assistant' && turns.at(-1)?.role === 'user') turns.pop();
  }
  return turns;
}
