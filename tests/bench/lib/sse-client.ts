/// <reference types="node" />
/**
 * One streaming request over node:http, timed: when the first token's bytes
 * arrived and when the stream ended. It reads either the worker's SSE
 * (`event: token` / `done` / `error`) or the upstream's OpenAI-style
 * completion chunks (`data: {"choices":[{"text":…}]}`), whichever it is told.
 */
import { request, type Agent } from 'node:http';

export type StreamKind = 'worker' | 'upstream';

export interface StreamTiming {
  status: number;
  /** ms from sending the request to the first token with text. */
  ttftMs: number;
  /** ms from sending the request to the end of the stream. */
  totalMs: number;
  /** `event: token` events (worker) or chunks with text (upstream). */
  tokenEvents: number;
  /** Characters of answer text received. */
  chars: number;
  /** How the answer ended: `done` (worker) / a finish reason (upstream), else why not. */
  ending: string;
  /** Set when the answer failed (HTTP error, `event: error`, no `done`, a socket error). */
  error?: string;
}

export interface StreamRequest {
  url: string;
  body: string;
  headers?: Record<string, string>;
  kind: StreamKind;
  agent?: Agent;
  /** Gives up (and counts an error) after this long. */
  timeoutMs?: number;
}

export function timedStream({
  url,
  body,
  headers = {},
  kind,
  agent,
  timeoutMs = 600_000,
}: StreamRequest): Promise<StreamTiming> {
  return new Promise((resolve) => {
    const started = performance.now();
    const timing: StreamTiming = { status: 0, ttftMs: NaN, totalMs: NaN, tokenEvents: 0, chars: 0, ending: 'none' };
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      timing.totalMs = performance.now() - started;
      if (error) timing.error = error;
      resolve(timing);
    };
    const timer = setTimeout(() => {
      finish(`timeout after ${timeoutMs} ms`);
      outgoing.destroy();
    }, timeoutMs);

    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        timing.status = response.statusCode ?? 0;
        response.setEncoding('utf8');
        let buffer = '';
        let failure: string | undefined;
        if (timing.status !== 200) failure = `HTTP ${timing.status}`;
        const onEvent = (block: string) => {
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(line[5] === ' ' ? 6 : 5);
          }
          if (data === '') return;
          if (kind === 'worker') {
            if (event === 'token') {
              const { text } = JSON.parse(data) as { text: string };
              if (text && Number.isNaN(timing.ttftMs)) timing.ttftMs = performance.now() - started;
              timing.tokenEvents++;
              timing.chars += text.length;
            } else if (event === 'done') {
              timing.ending = 'done';
            } else if (event === 'error') {
              timing.ending = 'error';
              failure ??= `event: error ${data.slice(0, 200)}`;
            }
          } else {
            if (data === '[DONE]') return;
            const chunk = JSON.parse(data) as {
              choices?: { text?: string; finish_reason?: string | null }[];
              error?: unknown;
            };
            if (chunk.error) {
              failure ??= `upstream error ${data.slice(0, 200)}`;
              return;
            }
            const choice = chunk.choices?.[0];
            const text = choice?.text ?? '';
            if (text && Number.isNaN(timing.ttftMs)) timing.ttftMs = performance.now() - started;
            if (text) {
              timing.tokenEvents++;
              timing.chars += text.length;
            }
            if (choice?.finish_reason) timing.ending = choice.finish_reason;
          }
        };
        response.on('data', (chunk: string) => {
          if (timing.status !== 200) {
            buffer += chunk;
            return;
          }
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        response.on('end', () => {
          if (timing.status !== 200) return finish(`${failure}: ${buffer.slice(0, 200)}`);
          if (!failure && kind === 'worker' && timing.ending !== 'done') failure = 'stream ended without event: done';
          if (!failure && kind === 'upstream' && timing.ending === 'none')
            failure = 'stream ended without a finish_reason';
          finish(failure);
        });
        response.on('error', (error) => finish(`response error: ${error.message}`));
      },
    );
    outgoing.on('error', (error) => finish(`request error: ${error.message}`));
    outgoing.end(body);
  });
}
