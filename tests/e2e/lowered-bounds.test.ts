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

// An operator who lowered the request bounds below wrangler.toml's defaults (issue 10, section 5): the element
// starts from the defaults, learns the worker's bounds from its first refusal and asks again with the newest turns
// that fit, so the visitor never sees "too large". Through `wrangler dev` (run `npm run build` first).
let stack: Stack;
let site: HostServer;
let browser: Browser;

beforeAll(async () => {
  site = await startHostServer();
  stack = await startStack({
    vars: { ALLOWED_ORIGINS: site.origin, MAX_MESSAGES: '10', MAX_BODY_BYTES: '12000', MAX_MESSAGE_CHARS: '1000' },
    modelDefaults: INSTANT_MODEL,
  });
  browser = await launchBrowser();
  site.set('/', { html: embeddingPage({ workerUrl: stack.workerUrl, body: '<falcon-chat></falcon-chat>' }) });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await site?.close();
});

/** `count` exchanges of question and answer, each message `length` characters. */
function exchanges(count: number, length: number) {
  return Array.from({ length: count }, (_, i) => [
    { role: 'user', content: `Question ${i + 1}: `.padEnd(length, 'why ') },
    { role: 'assistant', content: `Answer ${i + 1}: `.padEnd(length, 'because ') },
  ]).flat();
}

/** Asks `question` after `history`; what the answer shows and the sizes of what the element posted. */
async function answerAfter(history: { role: string; content: string }[], question: string) {
  const page: Page = await browser.newPage();
  const posted: { status: number; messages: number }[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() === 'POST' && request.url().endsWith('/api/chat'))
      posted.push({ status: response.status(), messages: JSON.parse(request.postData() ?? '{}').messages.length });
  });
  await page.goto(`${site.origin}/`);
  await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
  await page.evaluate((messages) => {
    (document.querySelector('falcon-chat') as unknown as { messages: unknown }).messages = messages;
  }, history);
  await page.locator('falcon-chat [part~="input"]').fill(question);
  await page.keyboard.press('Enter');
  const last = page.locator('falcon-chat [part~="assistant-message"]').last();
  await expect
    .poll(() => last.locator('[part~="message-content"]').textContent(), { timeout: 30_000 })
    .toContain(question);
  await expect.poll(() => page.locator('falcon-chat [part~="transcript"]').getAttribute('aria-busy')).toBe('false');
  const errors = await last.locator('[part~="error"]').count();
  await page.close();
  return { errors, posted };
}

describe('a worker with bounds below the defaults', () => {
  it('MAX_MESSAGES=10: refused once, then asked with the newest turns that fit', async () => {
    const { errors, posted } = await answerAfter(exchanges(30, 100), 'After 30 exchanges?');
    expect(errors).toBe(0);
    expect(posted.map(({ status }) => status)).toEqual([422, 200]);
    expect(posted[1].messages).toBeLessThanOrEqual(10);
  });

  it('MAX_BODY_BYTES=12000 and MAX_MESSAGE_CHARS=1000: each learned from its refusal', async () => {
    // 900-character turns: 49 of them are far over 12,000 bytes; then an older answer of 1,500 characters.
    const history = [...exchanges(20, 900), ...exchanges(1, 1500), ...exchanges(2, 100)];
    const { errors, posted } = await answerAfter(history, 'And now?');
    expect(errors).toBe(0);
    // 413 (the body), 422 (13 turns fit 12,000 bytes: over MAX_MESSAGES), 422 (the long answer, within the default
    // MAX_MESSAGE_CHARS), then the answer: each refusal teaches one bound.
    expect(posted.map(({ status }) => status)).toEqual([413, 422, 422, 200]);
    // The window ends where the 1,500-character answer is, which the worker would refuse.
    expect(posted.at(-1)!.messages).toBeLessThanOrEqual(5);
  });
});
