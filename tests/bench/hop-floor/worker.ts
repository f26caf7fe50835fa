import { DurableObject } from 'cloudflare:workers';
import { readConfig } from '../../../worker/config.ts';
import { answerStream } from '../../../worker/http/answer-stream.ts';
import type { ChatRequest } from '../../../worker/http/chat-request.ts';
import { planModelRequest } from '../../../worker/http/model-request.ts';
import { streamAnswer } from '../../../worker/model/upstream.ts';

/**
 * The least an answer's trip through a Durable Object can cost (tests/bench/answer-relay.ts --floor): the direct
 * relay's own code (the upstream call, its filter and batching, the SSE encoding: worker/model/upstream.ts and
 * worker/http/answer-stream.ts), run either in the worker or in a fresh object that does nothing else: no
 * storage, no event ids, no readers, no budgets, no checks. So the gap between `/direct` and `/sqlite` is what
 * workerd's hop costs on this machine whatever the object's code, and the rest of the product's gap is ours.
 *
 * - `POST /direct`: the worker runs the answer itself, as worker/answers/direct-relay.ts does.
 * - `POST /sqlite`: a new SQLite-backed object runs it, reading the model as fast as it comes and writing each
 *   event into its response (as AnswerRelay does), which it returns at once.
 * - `POST /sqlite-headers`: the same, its response returned only once the model's headers are in (as
 *   AnswerRelay did for Server-Timing until 9062d5f).
 * - `POST /sqlite-write`: as /sqlite, with AnswerRelay's first writes (two keys and the alarm) made as the
 *   model's request leaves and before the response does, which the output gate holds until they are confirmed.
 * - `POST /sqlite-unconfirmed`: the same writes with `allowUnconfirmed`, so the gate lets the response go.
 * - `POST /sqlite-put`: the two keys only, no alarm; `POST /sqlite-alarm`: the alarm only.
 * - `POST /sqlite-rpc`: as /sqlite, the question handed over by an RPC call that returns the stream, not fetch().
 * - `POST /sqlite-pull`: the object returns the direct relay's stream itself, read only as the worker pulls.
 * - `POST /kv`: as /sqlite with a key-value-backed object, to tell the cost of opening a database apart.
 */
interface FloorEnv extends Env {
  SQLITE_RELAY: DurableObjectNamespace<FloorRelay>;
  KV_RELAY: DurableObjectNamespace<FloorRelay>;
}

const headers = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' };

async function relay(env: FloorEnv, request: Request, storage?: DurableObjectStorage): Promise<Response> {
  const { pathname } = new URL(request.url);
  const config = readConfig(env);
  const { request: question } = planModelRequest((await request.json()) as ChatRequest, config);
  let responded!: () => void;
  const headersIn = new Promise<void>((resolve) => (responded = resolve));
  let requestLeft!: () => void;
  const requested = new Promise<void>((resolve) => (requestLeft = resolve));
  const upstream = new AbortController();
  const answer = streamAnswer(question, config.upstream, AbortSignal.any([request.signal, upstream.signal]), {
    batchMs: config.tokenBatchMs,
    firstTokenTimeoutMs: config.firstTokenTimeoutMs,
    answerTimeoutMs: config.answerTimeoutMs,
    retries: 0,
    retryBaseMs: 0,
    onUpstreamResponse: () => responded(),
    onUpstreamRequest: () => setTimeout(requestLeft, 0),
  });
  const body = answerStream(answer, { heartbeatMs: config.heartbeatMs, upstream, onEnd: () => {} });
  if (pathname === '/direct' || pathname === '/sqlite-pull') return new Response(body, { headers });
  const pushed = pushEach(body);
  if (pathname === '/sqlite-headers') await headersIn;
  const writes = ['/sqlite-write', '/sqlite-unconfirmed', '/sqlite-put', '/sqlite-alarm'];
  if (storage && writes.includes(pathname)) {
    await requested;
    const options = { allowUnconfirmed: pathname === '/sqlite-unconfirmed' };
    if (pathname !== '/sqlite-alarm') {
      void storage.put('access', { origin: 'https://bench.example', secretHash: '0'.repeat(64) }, options);
      void storage.put('heartbeatMs', config.heartbeatMs, options);
    }
    if (pathname !== '/sqlite-put') void storage.setAlarm(Date.now() + 60 * 60_000, options);
  }
  return new Response(pushed, { headers });
}

/** `body` read as fast as it comes, each chunk written into the returned stream at once, whoever reads it. */
function pushEach(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        void (async () => {
          for (let step = await reader.read(); !step.done; step = await reader.read()) controller.enqueue(step.value);
          controller.close();
        })().catch((error) => controller.error(error));
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

export class FloorRelay extends DurableObject<FloorEnv> {
  override fetch(request: Request): Promise<Response> {
    return relay(this.env, request, this.ctx.storage);
  }

  /** The answer's stream for the chat request body `question`, over RPC (/sqlite-rpc). */
  async stream(question: string): Promise<ReadableStream<Uint8Array>> {
    const request = new Request('https://floor/sqlite', { method: 'POST', body: question });
    const response = await relay(this.env, request, this.ctx.storage);
    return response.body as ReadableStream<Uint8Array>;
  }

  // The alarm of /sqlite-write and /sqlite-unconfirmed is an hour away: the bench is over by then.
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

export class KvFloorRelay extends FloorRelay {}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/direct') return relay(env, request);
    const namespace = pathname === '/kv' ? env.KV_RELAY : env.SQLITE_RELAY;
    // The question as a string, as the chat route hands its plan over (not the visitor's body, streamed on).
    const body = await request.text();
    const stub = namespace.get(namespace.newUniqueId());
    if (pathname === '/sqlite-rpc') return new Response(await stub.stream(body), { headers });
    return stub.fetch(request.url, { method: 'POST', body, signal: request.signal });
  },
};
