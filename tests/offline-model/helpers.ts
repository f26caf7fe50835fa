/**
 * Shared by the offline model's tests: the upstream transcripts in tests/fixtures/upstream, a raw HTTP client
 * that keeps every network chunk as it arrived (fetch would hide them), and SSE helpers.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.resolve(repoRoot, 'tests/fixtures/upstream');

/** A fixture's exact bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(path.join(fixturesDir, name));
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Header names and values in wire order. */
  rawHeaders: string[];
  /** Body pieces as the socket delivered them. */
  chunks: Buffer[];
  body: Buffer;
  text: string;
  /** The connection broke before the body was complete. */
  broken: boolean;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  /** A JSON value (sent with content-type application/json unless headers say otherwise) or raw text. */
  json?: unknown;
  body?: string;
  /** Called with each body chunk; return true to hang up there. */
  onChunk?: (chunk: Buffer, received: Buffer[]) => boolean | void;
  /** Hang up as soon as the response head has arrived. */
  hangUpAfterHead?: boolean;
}

export function send(
  url: string,
  { method = 'POST', headers = {}, json, body, onChunk, hangUpAfterHead }: RawRequest = {},
): Promise<RawResponse> {
  const payload = json !== undefined ? JSON.stringify(json) : body;
  const allHeaders = json !== undefined ? { 'content-type': 'application/json', ...headers } : headers;
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: allHeaders }, (res) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const settle = (broken: boolean) => {
        if (settled) return;
        settled = true;
        const all = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          chunks,
          body: all,
          text: all.toString('utf8'),
          broken,
        });
      };
      if (hangUpAfterHead) {
        req.destroy();
        settle(true);
      }
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (onChunk?.(chunk, chunks)) {
          req.destroy();
          settle(true);
        }
      });
      res.on('end', () => settle(false));
      res.on('aborted', () => settle(true));
      res.on('error', () => settle(true));
      res.on('close', () => settle(!res.complete));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export const post = (url: string, json: unknown, init: Omit<RawRequest, 'json'> = {}) => send(url, { ...init, json });
export const get = (url: string) => send(url, { method: 'GET' });

/** The `data` payloads of an SSE body (LF, CRLF or CR line ends; comments skipped). */
export function sseData(text: string): string[] {
  return text
    .split(/\r\n\r\n|\n\n|\r\r/)
    .map((block) => block.split(/\r\n|\n|\r/).filter((line) => line.startsWith('data:')))
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.map((line) => line.slice(line.startsWith('data: ') ? 6 : 5)).join('\n'));
}

/** The parsed JSON events of an SSE body, `[DONE]` left out. */
export function sseJson(text: string): any[] {
  return sseData(text)
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data));
}

/** Text of the completions events. */
export const completionText = (events: any[]) => events.map((event) => event.choices?.[0]?.text ?? '').join('');
