import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  ask,
  callWorker,
  callWorkerWith,
  chat,
  chatRequest,
  parseSse,
  readAll,
  readUntil,
  SITE,
  type SseEvent,
  scenario,
  upstreamEnded,
  upstreamRecords,
} from './helpers.ts';

// Each answer runs in a Durable Object of its own (worker/answers/answer-relay.ts), which numbers its
// events and keeps them, so a reader that lost its connection, or a reload, can come back for the rest.

function resumeRequest(handle: string, from: number, origin: string | null = SITE): Request {
  return new Request(`https://falcon.example/api/chat/${handle}?from=${from}`, {
    headers: origin === null ? {} : { Origin: origin },
  });
}

function stopRequest(handle: string, origin = SITE): Request {
  return new Request(`https://falcon.example/api/chat/${handle}/stop`, { method: 'POST', headers: { Origin: origin } });
}

async function resume(handle: string, from: number, origin?: string | null) {
  const response = await callWorker(resumeRequest(handle, from, origin));
  const raw = await readAll(response);
  return { response, raw, events: response.ok ? parseSse(raw) : [] };
}

const textOf = (events: SseEvent[]) =>
  events
    .filter((event) => event.event === 'token')
    .map((event) => (event.data as { text: string }).text)
    .join('');

const handleOf = (events: SseEvent[]) => (events[0].data as { handle: string }).handle;

/** Reads a live answer until `tokens` token events have arrived, then drops the connection; returns those events. */
async function readTokensThenDrop(response: Response, tokens: number): Promise<SseEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let received = '';
  while ((received.match(/event: token/g) ?? []).length < tokens) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value;
  }
  await reader.cancel();
  // Only whole events count: the cut may fall inside one.
  return parseSse(received.slice(0, received.lastIndexOf('\n\n') + 2));
}

function relayOf(handle: string) {
  return env.ANSWERS.get(env.ANSWERS.idFromString(handle.split('.')[0]));
}

describe('an answer can be resumed from any event', () => {
  it('replays exactly the events after the id asked for, from a finished answer', async () => {
    const { events, response } = await chat(ask(`Tell me about yourself ${scenario().directive}`));
    const handle = handleOf(events);
    expect(response.headers.get('x-falcon-answer')).toBe(handle);
    expect(handle).toMatch(/^[0-9a-f]{64}\.[\w-]{43}$/);
    const last = events.length - 1;
    for (const from of [0, 1, 2, Math.floor(last / 2), last - 1, last]) {
      const resumed = await resume(handle, from);
      expect(resumed.response.status).toBe(200);
      // Never the handle again: only the page that asked is told it.
      expect(resumed.events).toEqual(events.slice(from + 1));
    }
  });

  it('continues a live answer after a dropped connection with no text missing or repeated, from one generation', async () => {
    const { tag, directive } = scenario({ delay: 20 });
    const full = `Tell me a long story ${directive}`;
    const first = await callWorker(chatRequest(ask(full, { persist: 'session' })));
    const before = await readTokensThenDrop(first, 3);
    const rest = await resume(handleOf(before), Number(before.at(-1)!.id));
    expect(rest.events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });

    const [upstream] = await upstreamRecords(tag);
    expect(await upstreamRecords(tag)).toHaveLength(1);
    expect(upstream.outcome).toBe('completed');
    const { text: direct } = await chat(ask(full));
    expect(textOf(before) + textOf(rest.events)).toBe(direct);
  });

  it('replays a fault during the answer once, in order, to a reader who comes later', async () => {
    const { events } = await chat(ask(`Hello there ${scenario({ fault: 'midstream-error', after: 4 }).directive}`));
    const later = await resume(handleOf(events), 0);
    expect(later.events).toEqual(events.slice(1));
    expect(later.events.filter((event) => event.event === 'error')).toHaveLength(1);
    expect(later.events.at(-1)).toMatchObject({ event: 'error', data: { code: 'upstream_error' } });
  });

  it('tells a reader at once, numbered after what it saw, when the object was reset mid-answer', async () => {
    const first = await callWorker(chatRequest(ask(`Tell me a long story ${scenario({ delay: 20 }).directive}`)));
    const before = await readTokensThenDrop(first, 5);
    const seen = Number(before.at(-1)!.id);
    // What an eviction (a deploy, a restart) does: the instance is gone, its storage stays.
    await runInDurableObject(relayOf(handleOf(before)), (_, state) => state.abort('evicted')).catch(() => undefined);
    for (const from of [seen, 1]) {
      const rest = await resume(handleOf(before), from);
      expect(rest.response.status).toBe(200);
      expect(rest.events).toEqual([
        { id: String(from + 1), event: 'error', data: expect.objectContaining({ code: 'upstream_disconnected' }) },
      ]);
    }
  });

  it('keeps an answer only its page can resume through a reset that came before its first token', async () => {
    // The object stores who asked while the model thinks; the handle must not reach the page before that is stored.
    const { directive } = scenario({ 'first-delay': 2000 });
    const first = await callWorker(chatRequest(ask(`Slow to start ${directive}`, { persist: 'session' })));
    const handle = handleOf(parseSse(await readUntil(first, '\n\n')));
    const stranger = await resume(handle, 0, 'https://shop.example');
    expect(JSON.parse(stranger.raw)).toMatchObject({ error: { code: 'answer_other_origin' } });
    await runInDurableObject(relayOf(handle), (_, state) => state.abort('evicted')).catch(() => undefined);
    expect((await resume(handle, 0, 'https://shop.example')).response.status).toBe(403);
    const rest = await resume(handle, 0);
    expect(rest.events).toEqual([
      { id: '1', event: 'error', data: expect.objectContaining({ code: 'upstream_disconnected' }) },
    ]);
  });

  it('counts questions, not reconnects: resuming never meets the rate limit', async () => {
    const { events } = await chat(ask(`Hi ${scenario().directive}`));
    const statuses: number[] = [];
    // More than the 20 questions a minute one visitor may ask (wrangler.toml).
    for (let attempt = 0; attempt < 25; attempt++) statuses.push((await resume(handleOf(events), 0)).response.status);
    expect(new Set(statuses)).toEqual(new Set([200]));
  });
});

describe('only the page that asked can read an answer', () => {
  it('refuses another origin, no origin, a wrong or malformed handle, with a clear code and nothing of the answer', async () => {
    const { events, text } = await chat(ask(`Private answer ${scenario().directive}`));
    const handle = handleOf(events);
    const [objectId, secret] = handle.split('.');
    const wrongSecret = `${objectId}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const cases: [string, string | null, number, string][] = [
      [handle, 'https://shop.example', 403, 'answer_other_origin'],
      [handle, null, 403, 'origin_not_allowed'],
      [wrongSecret, SITE, 404, 'answer_not_found'],
      [`${'0'.repeat(64)}.${secret}`, SITE, 404, 'answer_not_found'],
      ['not-a-handle', SITE, 404, 'answer_not_found'],
    ];
    for (const [tried, origin, status, code] of cases) {
      const { response, raw } = await resume(tried, 0, origin);
      expect(response.status, `${tried.slice(0, 12)} from ${origin}`).toBe(status);
      expect(JSON.parse(raw)).toMatchObject({ error: { code, message: expect.any(String) } });
      expect(raw).not.toContain(text.slice(0, 20));
    }
    const stranger = await callWorker(stopRequest(handle, 'https://shop.example'));
    expect(stranger.status).toBe(403);
    await readAll(stranger);
  });

  it('refuses a resume with no Origin even when any origin may ask', async () => {
    const asked = await callWorkerWith({ ALLOWED_ORIGINS: '*' }, chatRequest(ask(`Hi ${scenario().directive}`)));
    const handle = handleOf(parseSse(await readAll(asked)));
    const response = await callWorkerWith({ ALLOWED_ORIGINS: '*' }, resumeRequest(handle, 0, null));
    expect(response.status).toBe(403);
    expect(JSON.parse(await readAll(response))).toMatchObject({ error: { code: 'origin_required' } });
  });

  it('forgets the answer, handle and all, when its retention is over', async () => {
    const { events } = await chat(ask(`Hi ${scenario().directive}`));
    const handle = handleOf(events);
    expect((await resume(handle, 0)).response.status).toBe(200);
    // The alarm set for the end of the retention, run now rather than in ten minutes.
    expect(await runDurableObjectAlarm(relayOf(handle))).toBe(true);
    const expired = await resume(handle, 0);
    expect(expired.response.status).toBe(404);
    expect(JSON.parse(expired.raw)).toMatchObject({ error: { code: 'answer_not_found' } });
  });
});

describe('nobody reading stops costing money', () => {
  it('without persistence, cancels the upstream as soon as the only reader leaves', async () => {
    const { tag, directive } = scenario({ delay: 50 });
    const response = await callWorker(chatRequest(ask(`Long answer ${directive}`, { persist: 'none' })));
    const before = await readTokensThenDrop(response, 1);
    await upstreamEnded(tag, 'client-closed', 1000);
    const after = await resume(handleOf(before), 0);
    expect(after.events.at(-1)).toMatchObject({ event: 'stopped', data: { reason: 'abandoned' } });
  });

  it('with persistence, keeps going through RESUME_GRACE_MS and cancels after it with nobody back', async () => {
    const { tag, directive } = scenario({ delay: 50 });
    const request = chatRequest(ask(`Long answer ${directive}`, { persist: 'local' }));
    const before = await readTokensThenDrop(await callWorkerWith({ RESUME_GRACE_MS: '300' }, request), 1);
    const ended = await upstreamEnded(tag, 'client-closed', 300 + 2000);
    // It went on generating while nobody was connected: more tokens than the one read.
    expect(ended.tokensSent).toBeGreaterThan(1);
    const after = await resume(handleOf(before), 0);
    expect(after.events.at(-1)).toMatchObject({ event: 'stopped', data: { reason: 'abandoned' } });
  });

  it('a reader back within the grace period keeps the answer going to its end', async () => {
    const { tag, directive } = scenario({ delay: 20 });
    const request = chatRequest(ask(`Long answer ${directive}`, { persist: 'local' }));
    const before = await readTokensThenDrop(await callWorkerWith({ RESUME_GRACE_MS: '60000' }, request), 2);
    const rest = await resume(handleOf(before), Number(before.at(-1)!.id));
    expect(rest.events.at(-1)).toMatchObject({ event: 'done' });
    expect((await upstreamRecords(tag))[0].outcome).toBe('completed');
  });

  it('Stop from another tab cancels the upstream at once and tells every reader', async () => {
    const { tag, directive } = scenario({ delay: 50 });
    const first = await callWorker(chatRequest(ask(`Long answer ${directive}`, { persist: 'local' })));
    const before = await readTokensThenDrop(first, 1);
    const handle = handleOf(before);
    const watching = callWorker(resumeRequest(handle, Number(before.at(-1)!.id)));
    const stop = await callWorker(stopRequest(handle));
    expect(stop.status).toBe(204);
    await upstreamEnded(tag, 'client-closed', 1000);
    const watched = parseSse(await readAll(await watching));
    expect(watched.at(-1)).toMatchObject({ event: 'stopped', data: { reason: 'stop' } });
  });
});
