/**
 * The offline model's HTTP server: plain `node:http`, one `answerRequest` per request,
 * paced by `PacedWriter`, recorded in `RequestLog`, plus the `/_offline/*` control
 * endpoints that tests use to see what happened upstream.
 */
/// <reference types="node" />
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_MODEL_ID } from './model-card.ts';
import { PacedWriter } from './paced-writer.ts';
import { RequestLog, WaitTimeout, type Outcome, type RequestRecord, type WaitOutcome } from './request-log.ts';
import { answerRequest, defaultConfig, type ModelConfig, type ModelResponse } from './respond.ts';
import { DEFAULT_SCENARIO } from './scenario.ts';

export type { RequestRecord, Outcome } from './request-log.ts';

export interface OfflineModelOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Like TGI's `--api-key`: POST routes then need `Authorization: Bearer <key>`, else 401. */
  apiKey?: string;
  /** `/info.model_id`; default tiiuae/falcon-7b-instruct. */
  modelId?: string;
  /** Scenario items for every request unless its path or prompt says otherwise, e.g. `{ delay: '0' }`. */
  defaults?: Partial<Record<string, string>>;
  /** No line per request on stdout. */
  quiet?: boolean;
}

export interface OfflineModel {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  /** Recorded requests, oldest first; only those tagged `tag` when given. */
  records(tag?: string): RequestRecord[];
  /** The latest request tagged `tag` that ended as `outcome` (default any), waiting up to `timeoutMs` (default 10 s). */
  waitFor(tag: string, outcome?: WaitOutcome, timeoutMs?: number): Promise<RequestRecord>;
  /** Forgets all records. */
  clearRecords(): void;
  /** Stops listening and drops every open connection, streams included. */
  close(): Promise<void>;
}

/** TGI's default `--payload-limit` (docs/upstream-protocol.md §1.1). */
const PAYLOAD_LIMIT = 2_000_000;
const OUTCOMES = new Set(['completed', 'client-closed', 'fault', 'any']);

export async function startOfflineModel(options: OfflineModelOptions = {}): Promise<OfflineModel> {
  const { port = 0, host = '127.0.0.1', quiet = false } = options;
  const defaults = Object.fromEntries(
    Object.entries(options.defaults ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const config = defaultConfig({ modelId: options.modelId ?? DEFAULT_MODEL_ID, apiKey: options.apiKey, defaults });
  const log = new RequestLog();
  const sockets = new Set<Socket>();
  const writers = new Set<PacedWriter>();
  const closing = new AbortController();

  const end = (record: RequestRecord, outcome: Outcome) => {
    if (record.outcome !== null) return;
    log.end(record, outcome);
    if (!quiet)
      console.log(
        `offline-model ${record.method} ${record.path} ${record.status ?? '-'} ${outcome} ${record.tokensSent} tokens`,
      );
  };

  const server = createServer((request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://offline.invalid');
    if (pathname.startsWith('/_offline/')) {
      control(request, response, pathname, searchParams, log, closing.signal);
      return;
    }
    void serveModel(request, response, pathname, { config, log, writers, end });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    // Cut writes must leave as separate packets.
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${hostInUrl}:${boundPort}`,
    port: boundPort,
    records: (tag) => log.list(tag),
    waitFor: (tag, outcome = 'any', timeoutMs = 10_000) => log.waitFor(tag, outcome, timeoutMs, closing.signal),
    clearRecords: () => log.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort(new Error('offline model closed'));
        for (const writer of writers) writer.cancel();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

interface ServeContext {
  config: ModelConfig;
  log: RequestLog;
  writers: Set<PacedWriter>;
  end(record: RequestRecord, outcome: Outcome): void;
}

async function serveModel(request: IncomingMessage, response: ServerResponse, pathname: string, context: ServeContext) {
  const { config, log, writers, end } = context;
  const body = await readBody(request);
  if (body === null) return; // the client left while sending
  const record = log.start({
    method: request.method ?? 'GET',
    path: pathname,
    headers: flatHeaders(request),
    body: bodyForLog(body.bytes),
  });

  let writer: PacedWriter | undefined;
  response.on('close', () => {
    record.closedAt = Date.now();
    if (writer) writers.delete(writer);
    // Closed before we ended it: the client went away (§1.9).
    if (!response.writableEnded) {
      writer?.cancel();
      end(record, 'client-closed');
    }
  });
  // A client that sent its body and left at once may be gone before anyone listened.
  if (response.destroyed) return end(record, 'client-closed');

  if (body.tooLarge) {
    record.status = 413;
    response.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('Failed to buffer the request body: length limit exceeded');
    end(record, 'completed');
    return;
  }

  const answer = answerRequest(
    {
      method: record.method,
      url: request.url ?? '/',
      headers: request.headers as Record<string, string | undefined>,
      body: body.bytes,
      earlierRequestsTagged: (tag) => log.list(tag).length,
    },
    config,
  );
  record.tag = answer.scenario?.tag ?? null;
  record.route = answer.route;
  record.scenario = answer.scenario;

  const framing = answer.kind === 'stream' ? answer.framing : { space: true, eol: '\n' as const };
  writer = new PacedWriter(response, answer.scenario ?? DEFAULT_SCENARIO, framing);
  writers.add(writer);

  const success: Outcome = answer.faulted ? 'fault' : 'completed';
  await play(
    answer,
    response,
    writer,
    record,
    () => end(record, success),
    () => {
      end(record, 'fault');
      response.socket?.destroy();
    },
  );
}

async function play(
  answer: ModelResponse,
  response: ServerResponse,
  writer: PacedWriter,
  record: RequestRecord,
  ended: () => void,
  hangUp: () => void,
): Promise<void> {
  switch (answer.kind) {
    case 'body': {
      if (!(await writer.sleep(writer.generationTime(answer.paceTokens)))) return;
      record.status = answer.status;
      for (const [name, value] of answer.headers) response.setHeader(name, value);
      response.setHeader('content-length', Buffer.byteLength(answer.body));
      response.writeHead(answer.status);
      response.end(answer.body);
      ended();
      return;
    }
    case 'close-abruptly':
      if (await writer.sleep(writer.generationTime(answer.paceTokens))) hangUp();
      return;
    case 'stall':
      return; // the record ends when the client gives up
    case 'stream': {
      record.status = answer.status ?? 200;
      for (const [name, value] of answer.headers) response.setHeader(name, value);
      response.writeHead(record.status);
      // axum sends the head at once; generation (and in-band errors) follow in the body.
      response.flushHeaders();
      const end = await writer.play(answer.actions, () => {
        record.tokensSent++;
        record.firstTokenAt ??= Date.now();
      });
      if (end === 'ended') {
        response.end();
        ended();
      } else if (end === 'close-abruptly') {
        hangUp();
      }
    }
  }
}

function control(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  query: URLSearchParams,
  log: RequestLog,
  closing: AbortSignal,
): void {
  const json = (status: number, value: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  };
  const tag = query.get('tag') ?? undefined;
  if (pathname === '/_offline/log' && request.method === 'GET') {
    json(200, log.list(tag));
    return;
  }
  if (pathname === '/_offline/log' && request.method === 'DELETE') {
    log.clear();
    response.writeHead(204).end();
    return;
  }
  if (pathname === '/_offline/wait' && request.method === 'GET') {
    const outcome = query.get('outcome') ?? 'any';
    const timeout = Number(query.get('timeout') ?? 10_000);
    if (!OUTCOMES.has(outcome) || !Number.isFinite(timeout) || timeout < 0) {
      json(400, { error: 'outcome must be completed, client-closed, fault or any; timeout a number of ms' });
      return;
    }
    // A waiter that hangs up stops waiting.
    const gone = new AbortController();
    response.on('close', () => gone.abort());
    log
      .waitFor(tag, outcome as WaitOutcome, timeout, AbortSignal.any([gone.signal, closing]))
      .then((record) => json(200, record))
      .catch((error: unknown) => {
        if (error instanceof WaitTimeout && !response.destroyed) json(408, { error: error.message });
      });
    return;
  }
  json(404, { error: `no control endpoint ${request.method} ${pathname}` });
}

async function readBody(request: IncomingMessage): Promise<{ bytes: Uint8Array; tooLarge: boolean } | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= PAYLOAD_LIMIT) chunks.push(chunk);
    }
  } catch {
    return null;
  }
  return { bytes: Buffer.concat(chunks), tooLarge: size > PAYLOAD_LIMIT };
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function bodyForLog(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
