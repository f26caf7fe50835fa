import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddingPage,
  INSTANT_MODEL,
  launchBrowser,
  startHostServer,
  type HostServer,
} from '../attack/support/attack-kit.ts';
import { startStack, type Stack } from '../support/stack.ts';

// Two sites embed the element from the worker in `wrangler dev`: one in ALLOWED_ORIGINS and one
// that is not. The refused site must be told why (and offered no Retry); the allowed site's
// visitors must be able to talk for as long as they like.
let stack: Stack;
let allowed: HostServer;
let refused: HostServer;
let browser: Browser;

beforeAll(async () => {
  [allowed, refused] = await Promise.all([startHostServer(), startHostServer()]);
  stack = await startStack({ vars: { ALLOWED_ORIGINS: allowed.origin }, modelDefaults: INSTANT_MODEL });
  browser = await launchBrowser();
  for (const host of [allowed, refused]) {
    host.set('/', { html: embeddingPage({ workerUrl: stack.workerUrl, body: '<falcon-chat></falcon-chat>' }) });
  }
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await Promise.all([allowed?.close(), refused?.close()]);
});

async function openPage(origin: string): Promise<{ page: Page; console: string[] }> {
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
  return { page, console };
}

async function ask(page: Page, question: string) {
  await page.locator('falcon-chat [part~="input"]').fill(question);
  await page.keyboard.press('Enter');
}

const answers = (page: Page) => page.locator('falcon-chat [part~="assistant-message"]');
const upstreamRequests = async () =>
  ((await (await fetch(`${stack.modelUrl}/_offline/log`)).json()) as unknown[]).length;

describe('a site not in ALLOWED_ORIGINS', () => {
  it('shows the visitor a plain sentence without Retry and tells the site owner once in the console', async () => {
    const before = await upstreamRequests();
    const { page, console } = await openPage(refused.origin);
    await ask(page, 'Hello?');
    const error = answers(page).last().locator('[part~="error"]');
    await expect.poll(() => error.textContent()).toMatch(/This website is not allowed to use the chat service\./);
    expect(await page.locator('falcon-chat [part~="retry-button"]').count()).toBe(0);

    // Asked again, the failed turn is replaced by the new question (it is never shown twice), which fails alike.
    await ask(page, 'Hello again?');
    const questions = page.locator('falcon-chat [part~="user-message"]');
    await expect.poll(() => questions.last().textContent()).toContain('Hello again?');
    await expect
      .poll(() => page.locator('falcon-chat [part~="transcript"]').getAttribute('aria-busy'))
      .not.toBe('true');
    expect(await questions.count()).toBe(1);
    await expect.poll(() => answers(page).last().locator('[part~="error"]').count()).toBe(1);
    const told = console.filter((line) => line.includes('ALLOWED_ORIGINS'));
    expect(told).toEqual([
      `warning: <falcon-chat>: Origin ${refused.origin} is not allowed to use this chat endpoint. Add it to ALLOWED_ORIGINS.`,
    ]);
    // The preflight passed: no CORS failure was reported, and the model was never asked.
    expect(console.filter((line) => /CORS|Failed to fetch/i.test(line))).toEqual([]);
    expect(await upstreamRequests()).toBe(before);
    await page.close();
  });
});

/** `count` exchanges of question and answer, each message `length` characters. */
function exchanges(count: number, length: number) {
  return Array.from({ length: count }, (_, i) => [
    { role: 'user', content: `Question ${i + 1}: `.padEnd(length, 'why ') },
    { role: 'assistant', content: `Answer ${i + 1}: `.padEnd(length, 'because ') },
  ]).flat();
}

async function answerAfter(history: { role: string; content: string }[], question: string) {
  const { page } = await openPage(allowed.origin);
  await page.evaluate((messages) => {
    (document.querySelector('falcon-chat') as unknown as { messages: unknown }).messages = messages;
  }, history);
  await ask(page, question);
  const last = answers(page).last();
  await expect
    .poll(() => page.locator('falcon-chat [part~="transcript"]').getAttribute('aria-busy'), { timeout: 30_000 })
    .toBe('false');
  const result = {
    text: await last.locator('[part~="message-content"]').textContent(),
    errors: await last.locator('[part~="error"]').count(),
  };
  await page.close();
  return result;
}

describe('a long conversation on an allowed site', () => {
  it('answers the 26th question', async () => {
    const { text, errors } = await answerAfter(exchanges(25, 80), 'And my 26th question?');
    expect(errors).toBe(0);
    expect(text).toMatch(/offline demo model/i);
    expect(text).toContain('26th question');
  });

  it('answers the 101st question after 100 exchanges', async () => {
    const { text, errors } = await answerAfter(exchanges(100, 200), 'Question 101?');
    expect(errors).toBe(0);
    expect(text).toContain('Question 101?');
  });

  it('answers after 30 exchanges of messages near MAX_MESSAGE_CHARS (4,000), far over MAX_BODY_BYTES together', async () => {
    const { text, errors } = await answerAfter(exchanges(30, 3990), 'One more?');
    expect(errors).toBe(0);
    expect(text).toContain('One more?');
  });
});
