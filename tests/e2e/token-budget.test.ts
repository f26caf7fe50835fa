import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfflineModel, startOfflineModel } from '../../demo/offline-model/server.ts';
import { startWranglerDev, type WranglerDev } from '../../demo/wrangler-dev.ts';
import { chromeArgs, findChrome } from '../support/find-chrome.ts';
import { TEST_HF_TOKEN } from '../support/test-token.ts';

// Token budgets through `wrangler dev` (built dist/ needed, as for every e2e test): the Durable
// Objects run in workerd and keep their state in this test's own directory across a restart.

const SYSTEM =
  'A conversation between a user and an LLM-based AI assistant. The assistant gives helpful and honest answers.';
const ANSWER_TOKENS = 64;
let asked = 0;

/** Every question has the same size, so each reserves the same tokens: its prompt estimate plus 64. */
function question() {
  const tag = `budget-${String(++asked).padStart(3, '0')}`;
  return {
    tag,
    body: {
      messages: [{ role: 'user', content: `Budget question @offline(tokens=${ANSWER_TOKENS},tag=${tag})` }],
      maxNewTokens: ANSWER_TOKENS,
    },
  };
}
/** The worker's estimate (bytes / 3, plus 4 per turn, system message included) plus the answer's maximum. */
const estimate = (text: string) => Math.ceil(Buffer.byteLength(text) / 3) + 4;
const RESERVATION = estimate(SYSTEM) + estimate(question().body.messages[0].content) + ANSWER_TOKENS;
const DAILY = 6 * RESERVATION;
const VISITOR = Math.floor(1.5 * RESERVATION);
const vars = {
  DAILY_TOKEN_BUDGET: String(DAILY),
  VISITOR_TOKEN_BUDGET: String(VISITOR),
  HF_TOKEN: TEST_HF_TOKEN,
  ALLOWED_ORIGINS: '*',
};

let browser: Browser;
let model: OfflineModel;
let worker: WranglerDev;
let persistTo: string;
/** Tokens the upstream reported for every answer it gave, across both runs of wrangler dev. */
const usage: number[] = [];

interface Answer {
  status: number;
  retryAfter: number;
  error?: { code: string; scope?: string; message: string };
  usage?: number;
}

async function askAs(visitor: string, body: unknown, origin = 'https://site.example'): Promise<Answer> {
  const response = await fetch(`${worker.url}/api/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, 'CF-Connecting-IP': visitor },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const retryAfter = Number(response.headers.get('retry-after') ?? 0);
  if (response.status !== 200) return { status: response.status, retryAfter, error: JSON.parse(text).error };
  // Each event carries its SSE id first (resumable answers).
  const done = text.split('\n\n').find((block) => block.split('\n').includes('event: done'));
  const data = JSON.parse(done!.split('\ndata: ')[1]) as { promptTokens: number; completionTokens: number };
  usage.push(data.promptTokens + data.completionTokens);
  return { status: 200, retryAfter, usage: data.promptTokens + data.completionTokens };
}

async function loggedTags(): Promise<string[]> {
  const records = (await (await fetch(`${model.url}/_offline/log`)).json()) as { tag: string | null }[];
  return records.map((record) => record.tag ?? '');
}
const upstreamTags = async () => (await loggedTags()).filter((tag) => tag.startsWith('budget-'));
/** Questions asked from the page (tagged `page-…`) that reached the model. */
const pageTags = async () => (await loggedTags()).filter((tag) => tag.startsWith('page-'));

interface PageView {
  lang: string;
  viewport: { width: number; height: number };
  colorScheme: 'light' | 'dark';
}

/**
 * The demo page in Chromium as one visitor (its address sent as CF-Connecting-IP): asks a question and reports
 * what the element showed and fired, with a screenshot in a temporary folder to look at.
 */
async function askInPage(visitor: string, { lang, viewport, colorScheme }: PageView, name: string) {
  const context = await browser.newContext({
    viewport,
    colorScheme,
    extraHTTPHeaders: { 'CF-Connecting-IP': visitor },
  });
  try {
    const page = await context.newPage();
    await page.goto(`${worker.url}/`);
    await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
    const chat = page.locator('falcon-chat');
    await chat.evaluate((element, lang) => element.setAttribute('lang', lang), lang);
    const fired = chat.evaluate(
      (element) =>
        new Promise<{ code: string; serverCode?: string }>((resolve) =>
          element.addEventListener('falcon-chat-error', (event) => resolve((event as CustomEvent).detail), {
            once: true,
          }),
        ),
    );
    await chat.locator('[part~="input"]').fill(`Budget question @offline(tokens=${ANSWER_TOKENS},tag=page-${name})`);
    await chat.locator('[part~="input"]').press('Enter');
    const detail = await fired;
    const error = chat.locator('[part~="error"]');
    await error.waitFor();
    const folder = join(tmpdir(), 'falcon-chat-budget');
    mkdirSync(folder, { recursive: true });
    await page.screenshot({ path: join(folder, `${name}.png`) });
    return {
      detail,
      sentence: (await error.textContent())?.trim(),
      retryButtons: await chat.locator('[part~="retry-button"]').count(),
      input: await chat.locator('[part~="input"]').inputValue(),
    };
  } finally {
    await context.close();
  }
}

const DESKTOP_LIGHT_EN: PageView = { lang: 'en', viewport: { width: 1280, height: 800 }, colorScheme: 'light' };
const PHONE_DARK_AR: PageView = { lang: 'ar', viewport: { width: 390, height: 844 }, colorScheme: 'dark' };

const startWorker = () => startWranglerDev({ vars: { ...vars, HF_ENDPOINT_URL: model.url }, persistTo });
const secondsToMidnight = (at: number) => Math.ceil((86_400_000 - (at % 86_400_000)) / 1000);

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), 'falcon-budget-'));
  model = await startOfflineModel({ port: 0, quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
  worker = await startWorker();
  browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs });
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await model?.close();
  rmSync(persistTo, { recursive: true, force: true });
});

describe('token budgets through wrangler dev', () => {
  it('one visitor over VISITOR_TOKEN_BUDGET is refused while another is answered', async () => {
    const first = await askAs('2001:db8:a::1', question().body);
    expect(first.status).toBe(200);
    const { tag, body } = question();
    const again = await askAs('2001:db8:a::1', body);
    expect(again).toMatchObject({ status: 429, error: { code: 'budget_exhausted', scope: 'visitor' } });
    expect(again.retryAfter).toBeGreaterThan(3000);
    expect(again.retryAfter).toBeLessThanOrEqual(3660);
    expect(await upstreamTags()).not.toContain(tag);
    expect((await askAs('2001:db8:a::2', question().body)).status).toBe(200);
  });

  it('the element tells the visitor over the hour "for now" in words, offers no Retry and fires the code', async () => {
    // The demo page's visitor is keyed by its own origin: it spends its hour first.
    expect((await askAs('2001:db8:a::3', question().body, worker.url)).status).toBe(200);
    const shown = await askInPage('2001:db8:a::3', DESKTOP_LIGHT_EN, 'visitor-desktop-light-en');
    expect(shown.detail).toMatchObject({ code: 'limit-now', serverCode: 'budget_exhausted' });
    expect(shown.sentence).toBe('This chat has reached its limit for now. Please try again later.');
    expect(shown.retryButtons).toBe(0);
    // The question is given back to the visitor, to ask again later.
    expect(shown.input).toContain('Budget question');
    expect((await pageTags()).length).toBe(0);
  });

  it('20 visitors at once: the upstream gets no more than DAILY_TOKEN_BUDGET allows, the rest are refused', async () => {
    const questions = Array.from({ length: 20 }, question);
    const before = Date.now();
    const answers = await Promise.all(questions.map((q, i) => askAs(`2001:db8:b::${i + 1}`, q.body)));
    const after = Date.now();
    const answered = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(answered.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) {
      expect(a).toMatchObject({ status: 429, error: { code: 'budget_exhausted', scope: 'day' } });
      expect(a.retryAfter).toBeLessThanOrEqual(secondsToMidnight(before));
      expect(a.retryAfter).toBeGreaterThanOrEqual(secondsToMidnight(after));
    }
    // Only the answered ones reached the model, and all that it generated today fits the budget.
    const reached = await upstreamTags();
    expect(questions.filter((q) => reached.includes(q.tag))).toHaveLength(answered.length);
    expect(usage.reduce((sum, tokens) => sum + tokens, 0)).toBeLessThanOrEqual(DAILY);
  });

  it('after a restart of wrangler dev the day and the visitor still count what was spent', async () => {
    await worker.stop();
    worker = await startWorker();
    const visitor = await askAs('2001:db8:a::1', question().body);
    expect(visitor).toMatchObject({ status: 429, error: { code: 'budget_exhausted' } });
    // Ask until the day refuses: had the count been lost, another full budget would be answered.
    let refusal: Answer | undefined;
    for (let i = 0; i < 12 && !refusal; i++) {
      const answer = await askAs(`2001:db8:c::${i + 1}`, question().body);
      if (answer.status !== 200) refusal = answer;
    }
    expect(refusal).toMatchObject({ status: 429, error: { code: 'budget_exhausted', scope: 'day' } });
    expect(usage.reduce((sum, tokens) => sum + tokens, 0)).toBeLessThanOrEqual(DAILY);
  });

  it('once the day is spent the element says "for today" (English and Arabic), with no Retry', async () => {
    const english = await askInPage('2001:db8:d::1', DESKTOP_LIGHT_EN, 'day-desktop-light-en');
    expect(english.detail).toMatchObject({ code: 'limit-today', serverCode: 'budget_exhausted' });
    expect(english.sentence).toBe('This chat has reached its limit for today. Please come back later.');
    expect(english.retryButtons).toBe(0);
    const arabic = await askInPage('2001:db8:d::2', PHONE_DARK_AR, 'day-phone-dark-ar');
    expect(arabic.detail).toMatchObject({ code: 'limit-today' });
    expect(arabic.sentence).toBe('بلغت هذه المحادثة حدّها لهذا اليوم. يُرجى العودة لاحقًا.');
    expect(arabic.retryButtons).toBe(0);
    expect((await pageTags()).length).toBe(0);
  });
});
