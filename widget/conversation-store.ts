import type { ChatMessage } from './chat-controller.ts';

/** Where a conversation outlives a reload: nowhere, this tab (`sessionStorage`) or this browser (`localStorage`). */
export type PersistMode = 'none' | 'session' | 'local';

const FORMAT_VERSION = 1;

function storageFor(mode: PersistMode): Storage | undefined {
  try {
    // Reading the property itself throws where storage is blocked (e.g. third-party frames, some privacy modes).
    if (mode === 'local') return window.localStorage;
    if (mode === 'session') return window.sessionStorage;
  } catch {
    // No storage: the conversation just does not persist.
  }
  return undefined;
}

function isMessage(value: unknown): value is ChatMessage {
  const { role, content } = (value ?? {}) as Partial<ChatMessage>;
  return (role === 'user' || role === 'assistant') && typeof content === 'string';
}

/** Reads and writes one conversation under `key`; every failure (quota, blocked storage, bad JSON) is quiet. */
export class ConversationStore {
  constructor(
    readonly mode: PersistMode,
    readonly key: string,
  ) {}

  load(): ChatMessage[] | undefined {
    try {
      const stored = JSON.parse(storageFor(this.mode)?.getItem(this.key) ?? 'null') as {
        version?: number;
        messages?: unknown[];
      } | null;
      if (stored?.version !== FORMAT_VERSION || !Array.isArray(stored.messages)) return undefined;
      return stored.messages.filter(isMessage);
    } catch {
      return undefined;
    }
  }

  save(messages: readonly ChatMessage[]): void {
    if (!messages.length) {
      this.remove();
      return;
    }
    // An answer cut short by a reload is kept as stopped unless the worker keeps it (a handle): then the reload resumes it.
    const kept = messages.map(({ id: _id, reconnecting: _reconnecting, ...message }) =>
      message.status === 'streaming' && !message.handle ? { ...message, status: 'stopped' as const } : message,
    );
    try {
      storageFor(this.mode)?.setItem(this.key, JSON.stringify({ version: FORMAT_VERSION, messages: kept }));
    } catch {
      // Full or blocked: the conversation stays in the page only.
    }
  }

  remove(): void {
    try {
      storageFor(this.mode)?.removeItem(this.key);
    } catch {
      // Nothing to remove from.
    }
  }
}
