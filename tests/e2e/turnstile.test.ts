import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromeArgs, findChrome } from '../support/find-chrome.ts';
import { startStack, type Stack } from '../support/stack.ts';

// Cloudflare's documented Turnstile test keys: a site key whose widget always
// passes and hands out this dummy token, and the secret that accepts it.
const TEST_SITEKEY = '1x00000000000000000000AA';
const DUMMY_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
const PASSING_SECRET = '1x0000000000000000000000000000000AA';

// Turnstile cannot be reached from here. Two stand-ins play its parts as documented:
// its script (`turnstile.render` calls back with the dummy token) and its siteverify endpoint.
const TURNSTILE_SCRIPT = `window.turnstile = {
  render(container, options) {
    const frame = document.createElement('div');
    frame.dataset.sitekey = options.sitekey;
    container.append(frame);
    setTimeout(() => options.sitekey === ${JSON.stringify(TEST_SITEKEY)} ? options.callback(${JSON.stringify(DUMMY_TOKEN)}) : options['error-callback']());
    return 'widget-1';
  },
  remove() {},
};`;

let siteverifyCalls: URLSearchParams[] = [];
let siteverify: Server;
let stack: Stack;
let browser: Browser;
let page: Page;
const chatHeaders: Record<string, string>[] = [];
const turnstileRequests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  siteverify = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      // FormData arrives as multipart; pull the two fields out.
      const field = (name: string) => new RegExp(`name="${name}"\\r\\n\\r\\n([^\\r]*)`).exec(body)?.[1] ?? '';
      const params = new URLSearchParams({ secret: field('secret'), response: field('response') });
      siteverifyCalls.push(params);
      const success = params.get('secret') === PASSING_SECRET && params.get('response') === DUMMY_TOKEN;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ success, 'error-codes': success ? [] : ['invalid-input-response'] }));
    });
  });
  await new Promise<void>((resolve) => siteverify.listen(0, '127.0.0.1', resolve));
  const { port } = siteverify.address() as { port: number };
  stack = await startStack({
    vars: {
      TURNSTILE_SECRET: PASSING_SECRET,
      SESSION_SECRET: 'e2e-session-secret-0123456789',
      TURNSTILE_VERIFY_URL: `http://127.0.0.1:${port}/turnstile/v0/siteverify`,
      ALLOWED_ORIGINS: '',
    },
    modelDefaults: { delay: '0', 'first-delay': '0' },
  });
  browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  // The demo page enforces its CSP and Trusted Types: anything they block is recorded here.
  await page.addInitScript(() => {
    const violations: string[] = [];
    Object.assign(window, { violations });
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await page.route('https://challenges.cloudflare.com/**', (route) => {
    turnstileRequests.push(route.request().url());
    return route.fulfill({ contentType: 'text/javascript', body: TURNSTILE_SCRIPT });
  });
  page.on('request', (request) => {
    if (request.url().endsWith('/api/chat') && request.method() === 'POST') chatHeaders.push(request.headers());
  });
  await page.goto(`${stack.workerUrl}/`);
  await page
    .locator('falcon-chat')
    .evaluate((chat) => chat.setAttribute('turnstile-sitekey', '1x00000000000000000000AA'));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise((resolve) => siteverify?.close(resolve));
});

const answers = () => page.locator('falcon-chat [part~="assistant-message"] [part~="message-content"]');

const violations = () => page.evaluate(() => (window as unknown as { violations: string[] }).violations);

async function ask(question: string) {
  await page.locator('falcon-chat [part~="input"]').fill(question);
  await page.keyboard.press('Enter');
  // The first question loads the bot check's chunk and script and trades the token for a session before it is
  // sent: more than expect.poll's default second on a busy machine (a timeout, not a speed assertion).
  await expect
    .poll(() => page.locator('falcon-chat [part~="transcript"]').getAttribute('aria-busy'), { timeout: 20_000 })
    .toBe('false');
}

describe('the Turnstile bot check, end to end', () => {
  it('passes the check once, then chats with the session it earned', async () => {
    await ask('First question');
    await expect.poll(async () => (await answers().last().textContent()) ?? '').toMatch(/offline demo model/i);
    // What the visitor sees: their question, the answer and the input, on a page that blocked nothing.
    expect(await page.locator('falcon-chat [part~="user-message"]').first().isVisible()).toBe(true);
    expect(await page.locator('falcon-chat [part~="user-message"]').first().textContent()).toContain('First question');
    expect(await answers().last().isVisible()).toBe(true);
    expect(await page.locator('falcon-chat [part~="input"]').isVisible()).toBe(true);
    expect(turnstileRequests).toEqual(['https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit']);
    expect(await violations()).toEqual([]);
    expect(pageErrors).toEqual([]);
    await ask('Second question');
    expect(await answers().count()).toBe(2);
    expect(await answers().last().textContent()).toMatch(/offline demo model/i);

    // One check for the whole visit, verified by the worker with the secret.
    expect(siteverifyCalls.map((call) => [call.get('secret'), call.get('response')])).toEqual([
      [PASSING_SECRET, DUMMY_TOKEN],
    ]);
    expect(chatHeaders).toHaveLength(2);
    expect(chatHeaders[0]['x-falcon-session']).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(chatHeaders[1]['x-falcon-session']).toBe(chatHeaders[0]['x-falcon-session']);
  });

  it('a failed check keeps the question and says why, without asking the model', async () => {
    await page.reload();
    await page
      .locator('falcon-chat')
      .evaluate((chat) => chat.setAttribute('turnstile-sitekey', '2x00000000000000000000AB'));
    siteverifyCalls = [];
    chatHeaders.length = 0;
    await ask('Blocked question');
    await expect.poll(() => page.locator('falcon-chat [part~="error"]').count()).toBeGreaterThan(0);
    expect(await page.locator('falcon-chat [part~="error"]').last().isVisible()).toBe(true);
    expect(chatHeaders).toHaveLength(0);
    expect(await page.locator('falcon-chat [part~="input"]').inputValue()).toBe('Blocked question');
  });
});
