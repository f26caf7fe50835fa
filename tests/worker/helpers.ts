import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { afterEach, beforeEach, inject, vi } from 'vitest';
import app from '../../worker/index.ts';
import type { ChatRequestBody, TokenData } from '../../widget/wire-contract.ts';

export const SITE = 'https://site.example';
export const modelUrl = inject('offlineModelUrl');

/** Every response a test saw, so one test can check that none of them leaked the token. */
export const seenResponses: { headers: string; body: string }[] = [];

export interface SseEvent {
  event: string;
  data: unknown;
  /** The SSE `id:` (the resume cursor), when the event has one. */
  id?: string;
}

/** The contract's body, loosened so tests can also send what the worker must refuse. */
export interface ChatBody extends Omit<ChatRequestBody, 'messages'> {
  messages: { role: string; content: string }[];
  [field: string]: unknown;
}

export function ask(question: string, extra: Partial<ChatBody> = {}): ChatBody {
  return { messages: [{ role: 'user', content: question }], ...extra };
}

let visitorCounter = 0;
/**
 * A distinct client address per request unless a test names one: the rate
 * limiter counts per address, and only the rate-limit tests mean to hit it.
 */
function nextVisitorIp(): string {
  visitorCounter++;
  return `198.51.${Math.floor(visitorCounter / 250) % 250}.${(visitorCounter % 250) + 1}`;
}

/**
 * Local rate limiting (miniflare) counts in fixed windows aligned to the clock:
 * every count drops at each whole minute. A burst meant to hit the limit that
 * straddled a minute would start counting again halfway and never reach it, so
 * when the current window has too little left, wait for the next one to begin.
 * This waits for the limiter's clock, not for the worker: the burst itself
 * takes well under a second.
 */
export async function inFreshRateLimitWindow(periodSeconds = 60, roomSeconds = 15): Promise<void> {
  const periodMs = periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < roomSeconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

export function chatRequest(
  body: unknown,
  init: { origin?: string | null; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'CF-Connecting-IP': nextVisitorIp(),
    ...init.headers,
  };
  if (init.origin !== null) headers.Origin = init.origin ?? SITE;
  return new Request('https://falcon.example/api/chat', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

/** The deployed worker as wrangler.toml and the test bindings configure it. */
export async function callWorker(request: Request): Promise<Response> {
  return exports.default.fetch(request);
}

/** The same worker with some variables changed, as an operator would set them. */
export async function callWorkerWith(vars: Partial<Env>, request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(request, { ...env, ...vars }, ctx);
  void waitOnExecutionContext(ctx);
  return response;
}

/** Reads a whole response, remembering it for the leak check. */
export async function readAll(response: Response): Promise<string> {
  const body = await response.text();
  seenResponses.push({ headers: JSON.stringify([...response.headers]), body });
  return body;
}

/** Splits an SSE body into events (comments dropped), checking the framing on the way. */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of body.split('\n\n')) {
    if (block === '') continue;
    const lines = block.split('\n').filter((line) => !line.startsWith(':'));
    if (lines.length === 0) continue;
    const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
    const data = lines
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    const id = lines.find((line) => line.startsWith('id: '))?.slice(4);
    events.push({ event, data: JSON.parse(data), ...(id === undefined ? {} : { id }) });
  }
  return events;
}

export async function chat(body: unknown, vars?: Partial<Env>) {
  const response = vars ? await callWorkerWith(vars, chatRequest(body)) : await callWorker(chatRequest(body));
  const raw = await readAll(response);
  const events = response.headers.get('content-type')?.startsWith('text/event-stream') ? parseSse(raw) : [];
  const text = events
    .filter((event) => event.event === 'token')
    .map((event) => (event.data as TokenData).text)
    .join('');
  return { response, raw, events, text, last: events.at(-1) };
}

export interface UpstreamRecord {
  tag?: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
  outcome?: string;
  tokensSent?: number;
}

export async function upstreamRecords(tag: string): Promise<UpstreamRecord[]> {
  const response = await fetch(`${modelUrl}/_offline/log?tag=${encodeURIComponent(tag)}`);
  return response.json();
}

export async function allUpstreamRecords(): Promise<UpstreamRecord[]> {
  return (await fetch(`${modelUrl}/_offline/log`)).json();
}

/** Resolves when the offline model has seen the request tagged `tag` end as `outcome`. */
export async function upstreamEnded(tag: string, outcome: string, timeoutMs = 5000): Promise<UpstreamRecord> {
  const response = await fetch(
    `${modelUrl}/_offline/wait?tag=${encodeURIComponent(tag)}&outcome=${outcome}&timeout=${timeoutMs}`,
  );
  if (!response.ok) throw new Error(`upstream request ${tag} did not end as ${outcome} within ${timeoutMs} ms`);
  return response.json();
}

let tagCounter = 0;
/** A fresh tag, and the `@offline(...)` directive that labels the upstream request with it. */
export function scenario(items: Record<string, string | number> = {}) {
  const tag = `t${Date.now().toString(36)}-${++tagCounter}`;
  const spec = Object.entries({ ...items, tag })
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return { tag, directive: `@offline(${spec})`, url: `${modelUrl}/scenario/${spec}` };
}

/** Reads a streaming body until `marker` has arrived, then cancels it; returns what was read. */
export async function readUntil(response: Response, marker: string): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let received = '';
  while (!received.includes(marker)) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value;
  }
  await reader.cancel();
  seenResponses.push({ headers: JSON.stringify([...response.headers]), body: received });
  return received;
}

/**
 * What the worker prints to the console in each test of the file that calls this (at its top level): one
 * array, emptied before each test, holding each `console.log`/`warn`/`error` call's arguments joined by spaces.
 */
export function captureConsole(): string[] {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    for (const level of ['log', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    }
  });
  afterEach(() => vi.restoreAllMocks());
  return lines;
}
