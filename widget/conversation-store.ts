import * as v from 'valibot';
import type { ChatMessage, ChatMessageInit } from './chat-message.ts';

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

/**
 * The whole stored shape of a message: what `save` writes. Storage is no more
 * trusted than an answer (another script of the origin, an older version, a
 * hand edit), so a message that does not fit is dropped, and an answer is
 * restored as still streaming only with a well-formed resume handle (the
 * worker then finishes it, or refuses it); otherwise it is stopped. Unknown
 * fields are left behind.
 */
const StoredMessage = v.object({
  role: v.picklist(['user', 'assistant']),
  content: v.string(),
  status: v.optional(v.picklist(['streaming', 'complete', 'stopped', 'error'])),
  finishReason: v.optional(v.string()),
  error: v.optional(v.object({ code: v.string(), message: v.string() })),
  // The worker's handles: an object id in hex, a dot, a secret in base64url (worker/answers/resume-handle.ts).
  handle: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}\.[\w-]{43}$/))),
  resumeFrom: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

function storedMessage(value: unknown): ChatMessageInit | undefined {
  const result = v.safeParse(StoredMessage, value);
  if (!result.success) return undefined;
  const message = result.output as ChatMessageInit;
  return message.status === 'streaming' && !message.handle ? { ...message, status: 'stopped' } : message;
}

/** Reads and writes one conversation under `key`; every failure (quota, blocked storage, bad JSON) is quiet. */
export class ConversationStore {
  constructor(
    readonly mode: PersistMode,
    readonly key: string,
  ) {}

  load(): ChatMessageInit[] | undefined {
    try {
      const stored = JSON.parse(storageFor(this.mode)?.getItem(this.key) ?? 'null') as {
        version?: number;
        messages?: unknown[];
      } | null;
      if (stored?.version !== FORMAT_VERSION || !Array.isArray(stored.messages)) return undefined;
      return stored.messages.map(storedMessage).filter((message) => message !== undefined);
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
