import { waitUntil } from '@open-wc/testing';
import type { FalconChat } from '../../../widget/falcon-chat.ts';

/**
 * A question with a directive for the offline model, e.g.
 * `offline('Hi', { fault: 'midstream-error', after: 3 })`. Answers come fast
 * (delay=0) unless a test needs to watch them grow.
 */
export function offline(question: string, directive: Record<string, string | number> = {}): string {
  const keys = Object.entries({ delay: 0, ...directive }).map(([key, value]) => `${key}=${value}`);
  return `@offline(${keys.join(',')}) ${question}`;
}

let tagCount = 0;
/** A tag no other test uses, so the offline model's log shows only this test's requests. */
export function uniqueTag(): string {
  tagCount += 1;
  return `wtr-${Date.now().toString(36)}-${tagCount}`;
}

/** The upstream request as the offline model recorded it (fields from demo/offline-model/request-log.ts). */
export interface UpstreamRecord {
  tag: string | null;
  body: unknown;
  outcome: 'completed' | 'client-closed' | 'fault' | null;
  tokensSent: number;
}

/** The upstream requests the offline model recorded for `tag`, oldest first. */
export async function offlineLog(tag: string): Promise<UpstreamRecord[]> {
  return offlineControl(`log?tag=${encodeURIComponent(tag)}`);
}

/** Waits (on the model's side, no polling) until a request tagged `tag` ends as `outcome`. */
export async function upstreamEnded(tag: string, outcome: UpstreamRecord['outcome'] | 'any'): Promise<UpstreamRecord> {
  return offlineControl(`wait?tag=${encodeURIComponent(tag)}&outcome=${outcome}&timeout=10000`);
}

/** The offline model's `/_offline/*` endpoints, reached through the test server (web-test-runner.config.js). */
async function offlineControl<T>(path: string): Promise<T> {
  const response = await fetch(`/__offline/${path}`);
  if (!response.ok)
    throw new Error(`offline model /_offline/${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json() as Promise<T>;
}

export function part<T extends Element = HTMLElement>(el: FalconChat, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

export function parts<T extends Element = HTMLElement>(el: FalconChat, name: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(`[part~="${name}"]`)];
}

/** The rendered text of the last answer (what the visitor sees), or '' before one exists. */
export function lastAnswerText(el: FalconChat): string {
  return parts(el, 'assistant-message').at(-1)?.querySelector('[part~="message-content"]')?.textContent ?? '';
}

export function transcript(el: FalconChat): HTMLElement {
  return part(el, 'transcript')!;
}

export function isStreaming(el: FalconChat): boolean {
  return transcript(el).getAttribute('aria-busy') === 'true';
}

/** Waits until at least `characters` of the answer have been rendered. */
export function answerHasStarted(el: FalconChat, characters = 1): Promise<void> {
  return waitUntil(() => lastAnswerText(el).length >= characters, 'the answer did not start streaming', {
    timeout: 10_000,
  });
}

export function input(el: FalconChat): HTMLTextAreaElement {
  return part<HTMLTextAreaElement>(el, 'input')!;
}

/** Types into the input the way a visitor's keystrokes would reach it (value + input event). */
export function typeInto(field: HTMLTextAreaElement | HTMLInputElement, value: string): void {
  field.value = value;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}
