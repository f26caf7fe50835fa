import { DurableObject } from 'cloudflare:workers';
import { type AnswerOutcome, failureData } from '../http/answer-stream.ts';
import { logEvent } from '../http/log.ts';
import { meterAnswer } from '../budget/reserve-budget.ts';
import { type AnswerEvent, streamAnswer } from '../model/upstream.ts';
import { UpstreamError } from '../model/upstream-error.ts';
import type { AnswerAccess, AnswerPlan } from './answer-plan.ts';
import { hashSecret } from './resume-handle.ts';

/** How long a finished answer can still be resumed (and its handle works); then it is deleted. */
export const RETENTION_MS = 10 * 60_000;
/*
 * Frames are written to storage once, when the answer ends (one row): a storage write holds the object's
 * outgoing bytes until it is confirmed (the output gate). Writing every second made the 7-byte-chunks fault
 * case show the end of the answer 5.4 s after the model's, 2.7 s without; and an object evicted mid-answer
 * has lost its upstream anyway, while its readers already hold the text they saw. Once written, they leave
 * memory: a finished answer is read back from its row by whoever resumes it, so an isolate holding thousands
 * of finished answers for their retention holds none of their text.
 *
 * Nothing touches storage before the request to the model has left (storeAccess): the first write creates the
 * object's database, and in workerd its commit runs on the thread that would send that request.
 */

const encoder = new TextEncoder();
const PING = encoder.encode(': ping\n\n');
/** What a reader of an answer cut off by the object's eviction is told. */
const LOST = failureData(new UpstreamError('upstream_disconnected', 200));

/** What the route tells the object about the reader of a resume or a stop. */
export const ACCESS_HEADERS = { origin: 'X-Relay-Origin', secret: 'X-Relay-Secret', session: 'X-Relay-Session' };

interface Reader {
  controller: ReadableStreamDefaultController<Uint8Array>;
  heartbeat: ReturnType<typeof setInterval>;
  /** The connection has taken everything: the next frame goes out at once. */
  wanted: boolean;
  /** Frames that came while it had not: they go out together when it asks. */
  pending: string;
}

/**
 * Runs one answer (one object per answer: see README "Answers that survive").
 * It calls the upstream, numbers each event (`id: 1`, `id: 2`, …), sends every
 * event to every reader connected, and replays the events after any id to a
 * reader that comes back. The frames live in memory while the answer runs and
 * move to SQLite as one row when it ends: a resume of a finished answer reads
 * them from there, also after the object was evicted; ten minutes after the
 * end the alarm deletes everything, the handle with it.
 *
 * Nobody reading costs money: without persistence the upstream is cancelled
 * the moment the last reader leaves (as when the worker relayed it directly);
 * with it, after the plan's grace period. Stop cancels it at once.
 */
export class AnswerRelay extends DurableObject<Env> {
  /** While the answer runs, `frames[i]` is the event with id `i + 1`, as sent; once it has ended, they are in storage. */
  private frames: string[] = [];
  private phase: 'idle' | 'running' | 'ended' = 'idle';
  private readonly readers = new Set<Reader>();
  private upstream?: AbortController;
  private plan?: AnswerPlan;
  private outcome: AnswerOutcome = { status: 'cancelled', pieces: 0 };
  private graceTimer?: ReturnType<typeof setTimeout>;
  private accessStored = false;

  override async fetch(request: Request): Promise<Response> {
    const { pathname, searchParams } = new URL(request.url);
    if (pathname === '/start') return this.start((await request.json()) as AnswerPlan);
    const refusal = await this.refuse(request);
    if (refusal) return refusal;
    if (pathname === '/stop') {
      this.end('stop');
      return new Response(null, { status: 204 });
    }
    return eventStream(this.subscribe(Number(searchParams.get('from') ?? 0)));
  }

  /** Deletes the answer when its retention is over (or, as a backstop, long after it should have ended). */
  override async alarm(): Promise<void> {
    this.end('expired');
    await this.ctx.storage.deleteAll();
  }

  private async start(plan: AnswerPlan): Promise<Response> {
    // Each answer has an object of its own (newUniqueId), so a second start can only come to a running one.
    if (this.phase !== 'idle') {
      return Response.json(
        { error: { code: 'answer_exists', message: 'This answer has already started.' } },
        { status: 409 },
      );
    }
    this.plan = plan;
    this.phase = 'running';
    if (plan.keepText) this.outcome.text = '';

    let requestLeft!: () => void;
    const upstreamRequested = new Promise<void>((resolve) => (requestLeft = resolve));
    let upstreamStatus: number | undefined;
    let upstreamResponseMs: number | undefined;
    let retries = 0;
    this.upstream = new AbortController();
    const unmetered = streamAnswer(plan.request, plan.upstream, this.upstream.signal, {
      ...plan.policy,
      onUpstreamResponse: (status) => {
        upstreamStatus = status;
        upstreamResponseMs ??= Date.now() - plan.log.receivedAt;
      },
      onRetry: () => retries++,
      // The next turn of the event loop: the request is on its way by then.
      onUpstreamRequest: () => setTimeout(requestLeft, 0),
    });
    // Budgets are settled here, where the answer ends, whoever is still reading it.
    const answer = meterAnswer(unmetered, plan.budget, this.env.BUDGETS, (work) => this.ctx.waitUntil(work));
    const pumped = this.pump(answer).then(() =>
      logEvent(this.outcome.status === 'error' ? 'warn' : 'info', 'answer', {
        requestId: plan.log.requestId,
        clientRequestId: plan.log.clientRequestId,
        origin: plan.log.origin,
        ...this.outcome,
        durationMs: Date.now() - plan.log.receivedAt,
        upstreamStatus,
        upstreamResponseMs,
        retries,
        droppedTurns: plan.log.droppedTurns,
        question: plan.log.question,
      }),
    );
    // The response goes back as soon as the model's request has left (or the answer has failed before that):
    // its events follow on the stream as they come. Waiting for the model's headers instead put one more trip
    // through the worker between the model's first token and the visitor (the offline model, like many
    // servers, sends its headers with that token).
    await Promise.race([upstreamRequested, pumped]);
    this.storeAccess();
    const timings = `checks;dur=${Date.now() - plan.log.receivedAt};desc="worker checks"`;
    const first = `id: 0\nevent: answer\ndata: ${JSON.stringify({ handle: plan.handle })}\n\n`;
    return eventStream(this.subscribe(0, first), { 'Server-Timing': timings });
  }

  /**
   * Stores who may read the answer (for a resume after an eviction) and the backstop alarm, once: as the request
   * to the model leaves, while the model works on its first token, before the handle leaves the object, whose
   * response the output gate holds until the write is confirmed. So nobody ever holds a handle the object could
   * forget, and the write never delays the model's request (it did by 5 ms when made before it).
   */
  private storeAccess(): void {
    const { plan } = this;
    if (this.accessStored || !plan) return;
    this.accessStored = true;
    this.ctx.storage.kv.put('access', plan.access);
    this.ctx.storage.kv.put('heartbeatMs', plan.heartbeatMs);
    void this.ctx.storage.setAlarm(Date.now() + plan.policy.answerTimeoutMs + RETENTION_MS);
  }

  /** Takes the answer's events one by one and sends each to every reader; a failure is the last event. */
  private async pump(answer: AsyncGenerator<AnswerEvent>): Promise<void> {
    const started = Date.now();
    const { outcome } = this;
    try {
      for await (const event of answer) {
        if (this.phase !== 'running') break;
        if (event.type === 'text') {
          outcome.firstTokenMs ??= Date.now() - started;
          outcome.pieces++;
          if (outcome.text !== undefined) outcome.text += event.text;
          this.append(`event: token\ndata: {"text":${JSON.stringify(event.text)}}`);
        } else {
          const { type: _type, ...done } = event;
          Object.assign(outcome, {
            status: 'done',
            finishReason: done.finishReason,
            completionTokens: done.completionTokens,
          });
          this.append(`event: done\ndata: ${JSON.stringify({ ...done, ...this.plan?.doneExtras })}`);
          this.finish();
        }
      }
    } catch (error) {
      // Stopped or abandoned: end() has already told the readers.
      if (this.phase !== 'running') return;
      const data = failureData(error);
      Object.assign(outcome, { status: 'error', code: data.code });
      this.append(`event: error\ndata: ${JSON.stringify(data)}`);
      this.finish();
    }
    // An upstream that ended without `done` has already failed above; this is only reached after a stop.
    if (this.phase === 'running') this.finish();
  }

  /** Numbers one event and sends it to every reader. Only a running answer gets events. */
  private append(event: string): void {
    const frame = `id: ${this.frames.length + 1}\n${event}\n\n`;
    this.frames.push(frame);
    for (const reader of this.readers) {
      if (reader.wanted) send(reader, frame);
      else reader.pending += frame;
    }
  }

  /** The answer is over (its last event is out): its frames go to storage, readers are let go, and the retention starts. */
  private finish(): void {
    // An answer that failed before reaching the model has not stored its access yet: it goes first, so the alarm below wins.
    this.storeAccess();
    this.phase = 'ended';
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.upstream?.abort();
    this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS frames (first_id INTEGER PRIMARY KEY, frames TEXT NOT NULL)');
    this.ctx.storage.sql.exec('DELETE FROM frames');
    this.ctx.storage.sql.exec('INSERT INTO frames (first_id, frames) VALUES (1, ?)', JSON.stringify(this.frames));
    this.ctx.storage.kv.put('ended', true);
    void this.ctx.storage.setAlarm(Date.now() + RETENTION_MS);
    this.frames = [];
    // The question (the whole conversation) is not needed any more either.
    this.plan = undefined;
    for (const reader of this.readers) this.release(reader, true);
  }

  /** The events after id `from`: from memory while the answer runs, from its row once it has ended. */
  private framesAfter(from: number): string[] {
    if (this.phase === 'running') return this.frames.slice(Math.max(0, from));
    if (this.ctx.storage.kv.get('lost')) return [`id: ${from + 1}\nevent: error\ndata: ${JSON.stringify(LOST)}\n\n`];
    return this.storedFrames().slice(Math.max(0, from));
  }

  private storedFrames(): string[] {
    const frames: string[] = [];
    for (const row of this.ctx.storage.sql.exec<{ frames: string }>('SELECT frames FROM frames ORDER BY first_id')) {
      frames.push(...(JSON.parse(row.frames) as string[]));
    }
    return frames;
  }

  /** Cancels a running answer: `stop` from any tab, `abandoned` with nobody reading, `expired` by the alarm. */
  private end(reason: 'stop' | 'abandoned' | 'expired'): void {
    if (this.phase !== 'running') return;
    this.append(`event: stopped\ndata: ${JSON.stringify({ reason })}`);
    this.upstream?.abort(new DOMException(`The answer was ${reason === 'stop' ? 'stopped' : reason}`, 'AbortError'));
    this.finish();
  }

  /** A reader from just after `from`: the events it missed at once, then each new one. */
  private subscribe(from: number, first = ''): ReadableStream<Uint8Array> {
    this.recover();
    let reader: Reader | undefined;
    const heartbeatMs = this.plan?.heartbeatMs ?? (this.ctx.storage.kv.get<number>('heartbeatMs') || 10_000);
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          const missed = first + this.framesAfter(from).join('');
          if (missed) controller.enqueue(encoder.encode(missed));
          if (this.phase !== 'running') {
            controller.close();
            return;
          }
          const added: Reader = { controller, wanted: false, pending: '', heartbeat: 0 as never };
          // Only a connection with nothing waiting in it needs a ping to stay open.
          added.heartbeat = setInterval(() => added.wanted && send(added, PING), heartbeatMs);
          reader = added;
          this.readers.add(reader);
          if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
        },
        // A slow connection gets the frames that piled up as one chunk: fewer, larger writes, as a direct relay's batches grow.
        pull: () => {
          if (!reader) return;
          if (reader.pending) send(reader, reader.pending);
          else reader.wanted = true;
        },
        cancel: () => {
          if (reader) this.release(reader, false);
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** A reader is gone (or let go): when it was the last, the answer is cancelled now or after the grace period. */
  private release(reader: Reader, close: boolean): void {
    clearInterval(reader.heartbeat);
    this.readers.delete(reader);
    if (close) {
      if (reader.pending) reader.controller.enqueue(encoder.encode(reader.pending));
      reader.controller.close();
    }
    if (this.phase !== 'running' || this.readers.size > 0 || !this.plan) return;
    if (this.plan.persist === 'none') this.end('abandoned');
    else this.graceTimer = setTimeout(() => this.end('abandoned'), this.plan.graceMs);
  }

  /**
   * After an eviction (a deploy, a restart) the object wakes up with only its
   * storage: a finished answer is read from there. One cut off mid-answer had
   * its events only in memory, so it ends with the error a lost upstream
   * connection gives, numbered for each reader just after the last event that
   * reader saw (framesAfter): a reader that had seen id 40 is told at once, not
   * left waiting for an id 41 that would never come.
   */
  private recover(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'ended';
    if (this.ctx.storage.kv.get('ended')) return;
    this.ctx.storage.kv.put('ended', true);
    this.ctx.storage.kv.put('lost', true);
    void this.ctx.storage.setAlarm(Date.now() + RETENTION_MS);
  }

  /** A 4xx naming what is wrong, or nothing when the reader may have the answer. */
  private async refuse(request: Request): Promise<Response | undefined> {
    // While the answer runs its plan says who asked (the stored copy may not be written yet).
    const access = this.plan?.access ?? this.ctx.storage.kv.get<AnswerAccess>('access');
    const secret = request.headers.get(ACCESS_HEADERS.secret) ?? '';
    if (!access || (await hashSecret(secret)) !== access.secretHash) {
      return refusal(404, 'answer_not_found', 'This answer has expired or never existed. Ask the question again.');
    }
    if (request.headers.get(ACCESS_HEADERS.origin) !== access.origin) {
      return refusal(403, 'answer_other_origin', 'This answer belongs to another site.');
    }
    if (access.session !== undefined && request.headers.get(ACCESS_HEADERS.session) !== access.session) {
      return refusal(403, 'answer_other_session', 'This answer belongs to another chat session.');
    }
    return undefined;
  }
}

function send(reader: Reader, frame: string | Uint8Array): void {
  reader.controller.enqueue(typeof frame === 'string' ? encoder.encode(frame) : frame);
  reader.pending = '';
  reader.wanted = false;
}

function refusal(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

function eventStream(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      ...headers,
    },
  });
}
