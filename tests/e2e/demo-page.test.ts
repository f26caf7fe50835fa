import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromeArgs, findChrome } from '../support/find-chrome.ts';
import { startStack, type Stack } from '../support/stack.ts';

// The demo page as a visitor meets it after `npm start`: the built widget and
// page served by the worker in `wrangler dev`, answering from the offline
// model at its realistic pace (no test-speed switches), in real Chromium.
let stack: Stack;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];

beforeAll(async () => {
  stack = await startStack({ vars: { ALLOWED_ORIGINS: '' } });
  browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}`);
  });
  await page.goto(`${stack.workerUrl}/`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const chat = () => page.locator('falcon-chat');
const lastAnswer = () => chat().locator('[part~="assistant-message"]').last().locator('[part~="message-content"]');
const transcriptBusy = () => chat().locator('[part~="transcript"]').getAttribute('aria-busy');

async function ask(question: string) {
  const input = chat().locator('[part~="input"]');
  await input.click();
  await page.keyboard.type(question);
  await page.keyboard.press('Enter');
}

/** Records each distinct length the answer had while it streamed, until it stops changing. */
function watchAnswerGrow(): Promise<number[]> {
  return page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const host = document.querySelector('falcon-chat')!.shadowRoot!;
        const lengths: number[] = [];
        const observer = new MutationObserver(() => {
          const answers = host.querySelectorAll('[part~="assistant-message"] [part~="message-content"]');
          const length = answers[answers.length - 1]?.textContent?.length ?? 0;
          if (length !== lengths.at(-1)) lengths.push(length);
          if (host.querySelector('[part~="transcript"]')?.getAttribute('aria-busy') === 'false' && length > 0) {
            observer.disconnect();
            resolve(lengths);
          }
        });
        observer.observe(host, { subtree: true, childList: true, characterData: true, attributes: true });
      }),
  );
}

describe('the demo page', () => {
  it('embeds the widget from the worker with one script tag', async () => {
    await expect.poll(() => page.evaluate(() => customElements.get('falcon-chat') !== undefined)).toBe(true);
    const scripts = await page.evaluate(() => [...document.scripts].map((script) => script.getAttribute('src')));
    // The element's one script tag, and the demo's own options script.
    expect(scripts).toEqual(['/falcon-chat.js', '/demo.js']);
  });

  it('streams an answer token by token', async () => {
    const growth = watchAnswerGrow();
    await ask('What can you do?');
    const lengths = await growth;
    // The visitor saw the answer grow through many intermediate states, not appear at once.
    expect(lengths.length).toBeGreaterThan(10);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    await expect.poll(transcriptBusy).toBe('false');
    expect(await lastAnswer().textContent()).toMatch(/offline demo model/i);
    expect(await lastAnswer().textContent()).not.toMatch(/<\|endoftext\|>|^\s/);
  });

  it('stops an answer halfway: the partial answer stays and the model stops generating', async () => {
    const tag = `e2e-stop-${Date.now()}`;
    await ask(`Tell me more @offline(tag=${tag})`);
    await expect.poll(async () => (await lastAnswer().textContent())?.length ?? 0).toBeGreaterThan(40);
    await chat().locator('[part~="stop-button"]').click();

    await expect.poll(transcriptBusy).toBe('false');
    const partial = (await lastAnswer().textContent()) ?? '';
    expect(partial.length).toBeGreaterThan(40);

    const response = await fetch(`${stack.modelUrl}/_offline/wait?tag=${tag}&outcome=client-closed&timeout=2000`);
    expect(response.status).toBe(200);
    const upstream = (await response.json()) as { tokensSent: number };
    // It stopped well before the full demo answer (about 180 tokens).
    expect(upstream.tokensSent).toBeLessThan(150);
    // The partial answer does not keep growing after Stop.
    expect(await lastAnswer().textContent()).toBe(partial);
    await expect(chat().locator('[part~="input"]').isEnabled()).resolves.toBe(true);
  });

  it('left no errors on the page', () => {
    expect(pageProblems).toEqual([]);
  });
});
