/**
 * What the attack tests share: a host page on its own origin (a different port from the
 * worker, as any embedding site is), Chromium with the recording harness in every page,
 * a log of every request a page makes (anything for a host other than the worker and the
 * page itself is refused and reported), and a way past the worker's per-visitor rate limit.
 */
/// <reference types="node" />
import { mkdirSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromeArgs, findChrome } from '../../support/find-chrome.ts';
import { startStack, type Stack } from '../../support/stack.ts';

export const HARNESS_PATH = fileURLToPath(new URL('./harness.js', import.meta.url));

export interface HostPage {
  html: string;
  headers?: OutgoingHttpHeaders;
}

export interface HostServer {
  /** `http://127.0.0.1:PORT`, the embedding site's origin. */
  origin: string;
  /** Serves `page` at `path` from now on. */
  set(path: string, page: HostPage): void;
  close(): Promise<void>;
}

/** A plain `node:http` site: the pages it was given, 404 for anything else. */
export async function startHostServer(): Promise<HostServer> {
  const pages = new Map<string, HostPage>();
  const server: Server = createServer((request, response) => {
    const page = pages.get(new URL(request.url ?? '/', 'http://host.invalid').pathname);
    if (!page) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...page.headers })
      .end(page.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    set: (path, page) => pages.set(path, page),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A page that embeds the widget from the worker with one script tag, as the README says (ES module or classic). */
export function embeddingPage({
  workerUrl,
  body,
  head = '',
  script = 'module',
}: {
  workerUrl: string;
  body: string;
  head?: string;
  script?: 'module' | 'classic' | 'none';
}): string {
  const tag =
    script === 'module'
      ? `<script type="module" src="${workerUrl}/falcon-chat.js"></script>`
      : script === 'classic'
        ? `<script src="${workerUrl}/falcon-chat.iife.js"></script>`
        : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>A site that embeds falcon-chat</title>
    ${head}
    ${tag}
  </head>
  <body>
    ${body}
  </body>
</html>
`;
}

/** Offline-model switches for suites that judge what an answer shows, not when: no pause before or between tokens. */
export const INSTANT_MODEL = { delay: '0', 'first-delay': '0' };

/** Where a suite leaves a screenshot to look at: a temporary folder, never the repository. */
export function screenshotPath(name: string): string {
  const folder = path.join(tmpdir(), 'falcon-chat-attack');
  mkdirSync(folder, { recursive: true });
  return path.join(folder, `${name}.png`);
}

/** What every attack suite runs on: a host site on its own origin, the offline model, the worker allowing only that site, and Chromium. */
export interface AttackScene {
  host: HostServer;
  stack: Stack;
  browser: Browser;
  /** A watched context whose pages may reach only the host site and the worker. */
  watchedContext(): Promise<{ context: BrowserContext; watch: PageWatch }>;
  stop(): Promise<void>;
}

/** Starts an attack scene; `vars` are added to the worker's (ALLOWED_ORIGINS is the host site). */
export async function startAttackScene({
  vars,
  modelDefaults,
}: Parameters<typeof startStack>[0] = {}): Promise<AttackScene> {
  const host = await startHostServer();
  let stack: Stack | undefined;
  try {
    stack = await startStack({ vars: { ALLOWED_ORIGINS: host.origin, ...vars }, modelDefaults });
    const browser = await launchBrowser();
    const worker = stack;
    return {
      host,
      stack: worker,
      browser,
      watchedContext: () => watchedContext(browser, { site: host.origin, endpoint: worker.workerUrl }),
      async stop() {
        await browser.close();
        await worker.stop();
        await host.close();
      },
    };
  } catch (error) {
    await stack?.stop();
    await host.close();
    throw error;
  }
}

/**
 * Every host name fails to resolve at once, so a leak fails fast instead of waiting on a
 * name that does not resolve; the stack and the site are IP literals. This fence is the
 * resolver's and not Playwright's request routing: routing every request through the
 * test made about one chat POST in several thousand fail with net::ERR_FAILED under load.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChrome(),
    args: [...chromeArgs, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
}

export interface PageWatch {
  /** Every request any page of the context made, in order, with its resource type. */
  requests: string[];
  /** Requests for anything but the endpoint, other than the host site's own pages (they were refused). */
  foreign(): string[];
  /** Uncaught page errors and dialogs, as Playwright saw them. */
  pageErrors: string[];
  /** Requests that failed, with Chromium's reason, for diagnosing a failed chat (not ERR_ABORTED: the element cancels each answer's body once it has read `done`). */
  failedRequests: string[];
}

export interface Allowed {
  /** The embedding site: only its pages (document requests) may be loaded from it. */
  site: string;
  /** The worker: the widget's script and the chats. */
  endpoint: string;
}

/**
 * A context whose pages carry the harness and whose requests are all recorded: `foreign()`
 * lists every one that went anywhere but the endpoint or the site's own pages. Even the
 * site's own origin counts as foreign for anything but a page: an answer must not make
 * the browser fetch a relative URL either. No host name resolves (launchBrowser).
 */
export async function watchedContext(
  browser: Browser,
  allowed: Allowed,
): Promise<{ context: BrowserContext; watch: PageWatch }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  await context.addInitScript({ path: HARNESS_PATH });
  const endpoint = new URL(allowed.endpoint).origin;
  const site = new URL(allowed.site).origin;
  const isAllowed = (url: string, type: string) => {
    try {
      const { origin } = new URL(url);
      return origin === endpoint || (origin === site && type === 'document');
    } catch {
      return false;
    }
  };
  const recorded: { url: string; type: string }[] = [];
  const watch: PageWatch = {
    get requests() {
      return recorded.map(({ url, type }) => `${type} ${url}`);
    },
    foreign: () => recorded.filter(({ url, type }) => !isAllowed(url, type)).map(({ url, type }) => `${type} ${url}`),
    pageErrors: [],
    failedRequests: [],
  };
  context.on('request', (request) => recorded.push({ url: request.url(), type: request.resourceType() }));
  context.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown';
    if (reason !== 'net::ERR_ABORTED')
      watch.failedRequests.push(`${new Date().toISOString()} ${request.method()} ${request.url()}: ${reason}`);
  });
  context.on('page', (page) => observePage(page, watch));
  return { context, watch };
}

function observePage(page: Page, watch: PageWatch): void {
  page.on('pageerror', (error) => watch.pageErrors.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    watch.pageErrors.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
}

let visitor = 0;

/**
 * The worker limits each visitor (page origin + CF-Connecting-IP) to 20 chats a minute.
 * In production Cloudflare sets CF-Connecting-IP itself; `wrangler dev` passes on the
 * one the client sends, so these tests give each chat request its own address and ask
 * hundreds of questions from one page without touching the production limit.
 */
export async function spreadRateLimit(context: BrowserContext, workerUrl: string): Promise<void> {
  await context.route(`${workerUrl}/api/chat`, (route) => {
    visitor++;
    void route.continue({
      // 2001:db8::/32 is the documentation range: a label in a header, never an address anything is sent to.
      headers: { ...route.request().headers(), 'cf-connecting-ip': `2001:db8::${visitor.toString(16)}` },
    });
  });
}

/** What the harness recorded in the page. */
export interface HarnessEvents {
  alerts: string[];
  flags: string[];
  rejections: string[];
  errors: string[];
  violations: {
    directive: string;
    effective: string;
    blockedURI: string;
    sample: string;
    source: string;
    line: number;
  }[];
}

export const harnessEvents = (page: Page) =>
  page.evaluate(() => (window as any).__falconAttack.events as HarnessEvents);

/** on* attributes, URLs outside http/https/mailto and tags an answer must not hold, in the page and its shadow roots. */
export const scanPage = (page: Page, options: { allowImages?: boolean } = {}) =>
  page.evaluate((scanOptions) => (window as any).__falconAttack.scan(document, scanOptions) as string[], options);
