import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTANT_MODEL, launchBrowser, startHostServer, type HostServer } from '../attack/support/attack-kit.ts';
import { startStack, type Stack } from '../support/stack.ts';

// A stranger's first embeds (issue 10): the README's snippets pasted into a page of their own, and the
// script loaded from a CDN, through the worker in `wrangler dev` (run `npm run build` first).
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const htmlSnippets = [...readme.matchAll(/```html\n([\s\S]*?)```/g)].map((match) => match[1]);
const PLACEHOLDER = 'https://your-worker.example.workers.dev';
const CDN_URL = 'https://cdn.jsdelivr.net/npm/falcon-chat@0.1.0';

let stack: Stack;
let site: HostServer;
let cdn: Server;
let cdnOrigin: string;
let browser: Browser;

/**
 * A CDN stand-in that answers as jsDelivr does: `/npm/falcon-chat@0.1.0/<path>` is that file of the package, the
 * bare `/npm/falcon-chat@0.1.0` is the file its `jsdelivr` field names, served in place (no redirect, so relative
 * URLs resolve against `/npm/`), and files carry `Access-Control-Allow-Origin: *` (module scripts from another origin
 * need it). Anything else, `/api/chat` and its preflight among them, is a plain 404 without CORS headers.
 */
const jsdelivrField: string = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).jsdelivr;
function serveCdn(request: { url?: string }, response: import('node:http').ServerResponse) {
  const match = /^\/npm\/falcon-chat@0\.1\.0(\/.+)?$/.exec(new URL(request.url ?? '/', 'http://cdn.invalid').pathname);
  const file = match && (match[1] ?? `/${jsdelivrField.replace(/^\.\//, '')}`);
  let body: Buffer | undefined;
  try {
    if (file?.startsWith('/dist/') && !file.includes('..')) body = readFileSync(join(repoRoot, file));
  } catch {}
  if (body)
    response.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' }).end(body);
  else response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
}

beforeAll(async () => {
  site = await startHostServer();
  // Chromium asks every new site for one; its 404 would be a console error of the page.
  site.set('/favicon.ico', { html: '' });
  cdn = createServer(serveCdn);
  await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
  cdnOrigin = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
  stack = await startStack({ vars: { ALLOWED_ORIGINS: site.origin }, modelDefaults: INSTANT_MODEL });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await site?.close();
  cdn?.closeAllConnections();
  await new Promise((resolve) => cdn?.close(resolve));
});

/** The README's snippet as a stranger pastes it, with their worker's and their CDN's addresses in place. */
const pasted = (snippet: string) =>
  snippet.replaceAll('https://cdn.jsdelivr.net', cdnOrigin).replaceAll(PLACEHOLDER, stack.workerUrl);

async function openPage(path: string, body: string): Promise<{ page: Page; console: string[] }> {
  site.set(path, {
    html: `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8" /></head>\n<body>\n${body}\n</body></html>`,
  });
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
  return { page, console };
}

async function ask(page: Page, question: string) {
  await page.locator('falcon-chat [part~="input"]').fill(question);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('falcon-chat [part~="user-message"]').last().textContent()).toContain(question);
  await expect
    .poll(() => page.locator('falcon-chat [part~="transcript"]').getAttribute('aria-busy'), { timeout: 30_000 })
    .toBe('false');
}

const lastAnswer = (page: Page) => page.locator('falcon-chat [part~="assistant-message"]').last();
const prompts = async () =>
  ((await (await fetch(`${stack.modelUrl}/_offline/log`)).json()) as { body?: { prompt?: string } }[]).map(
    (record) => record.body?.prompt ?? '',
  );

describe('the README’s snippets, pasted into a page of your own', () => {
  it('"Using the element": #help opens the panel, the send listener adds the page, the answer is logged', async () => {
    const script = htmlSnippets[0].split('\n')[0];
    const usage = htmlSnippets.find((snippet) => snippet.includes('<button id="help"'));
    expect(script).toBe(`<script type="module" src="${PLACEHOLDER}/falcon-chat.js"></script>`);
    expect(usage, 'README has the "Using the element" snippet').toBeDefined();
    const { page, console } = await openPage('/usage', pasted(`${script}\n${usage}`));
    const chat = page.locator('falcon-chat');
    expect(await chat.getAttribute('open')).toBeNull();
    await page.click('#help');
    await expect.poll(() => chat.getAttribute('open')).toBe('');
    expect(await page.locator('falcon-chat [part~="greeting"]').textContent()).toContain('I can help with orders');

    await ask(page, 'Where is my order?');
    expect(await lastAnswer(page).locator('[part~="error"]').count()).toBe(0);
    const answer = (await lastAnswer(page).locator('[part~="message-content"]').textContent()) ?? '';
    expect(answer).toMatch(/offline demo model/i);
    // The falcon-chat-send listener's sentence reached the model; the falcon-chat-response listener logged the answer.
    // …on top of the page's own instructions (the attribute), not in place of them.
    expect((await prompts()).at(-1)).toMatch(
      /^System:You help visitors of Example Shop with orders, returns and sizes\. The visitor is on \/usage\.\n/,
    );
    expect(console.filter((line) => line.startsWith(`log: ${answer.slice(0, 40)}`))).toHaveLength(1);
    expect(
      console.filter((line) => /^(error|warning|pageerror)/.test(line)),
      console.join('\n'),
    ).toEqual([]);
    await page.close();
  });

  it('the CDN snippet, with endpoint: answered through the worker', async () => {
    const snippet = htmlSnippets.find((candidate) => candidate.includes(CDN_URL));
    expect(snippet, 'README has the CDN snippet').toContain(`endpoint="${PLACEHOLDER}/api/chat"`);
    const { page, console } = await openPage('/cdn', pasted(snippet!));
    await ask(page, 'Hello from a CDN?');
    expect(await lastAnswer(page).locator('[part~="error"]').count()).toBe(0);
    expect(await lastAnswer(page).locator('[part~="message-content"]').textContent()).toMatch(/offline demo model/i);
    expect(console.filter((line) => /^(error|warning|pageerror)/.test(line))).toEqual([]);
    await page.close();
  });
});

describe('the script from a CDN, without endpoint', () => {
  it('tells the visitor the chat is not set up (no Retry) and the site owner, once, to set endpoint', async () => {
    // The package's short jsDelivr URL (its `jsdelivr` field), which serves the classic script in place.
    const { page, console } = await openPage(
      '/no-endpoint',
      pasted(`<script src="${CDN_URL}"></script>\n<falcon-chat></falcon-chat>`),
    );
    const tried = `${cdnOrigin}/api/chat`;
    for (const question of ['Hello?', 'Anyone there?']) {
      await ask(page, question);
      expect(await lastAnswer(page).locator('[part~="error"]').textContent()).toContain(
        'This chat is not set up correctly: its service could not be found.',
      );
      expect(await page.locator('falcon-chat [part~="retry-button"]').count()).toBe(0);
    }
    const told = console.filter((line) => line.startsWith('warning:') && line.includes('endpoint'));
    expect(told).toEqual([
      `warning: <falcon-chat>: no chat API at ${tried}. Set its endpoint attribute to your worker's /api/chat URL.`,
    ]);
    await page.close();
  });
});
