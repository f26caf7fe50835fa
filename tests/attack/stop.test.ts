/**
 * Issue 6.5, stop means stop: whatever way the visitor ends an answer (Stop, closing the
 * tab, navigating away, or the page removing the element), the model's generation ends
 * within 1 s. The offline model records when the connection carrying its answer closed;
 * the worker in `wrangler dev` must hang up on it as soon as the browser hangs up on the
 * worker. Each answer is long and slow (300 tokens, 20 ms apart), so only a cancellation
 * can end it early.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../demo/offline-model/server.ts';
import {
  embeddingPage,
  harnessEvents,
  startAttackScene,
  type AttackScene,
  type PageWatch,
} from './support/attack-kit.ts';

const STOPPED_WITHIN_MS = 1000;
const LONG_ANSWER = 'tokens=300,delay=20,first-delay=50';

let scene: AttackScene;

beforeAll(async () => {
  scene = await startAttackScene();
  scene.host.set('/', {
    html: embeddingPage({ workerUrl: scene.stack.workerUrl, body: '<falcon-chat heading="Stop"></falcon-chat>' }),
  });
  scene.host.set('/elsewhere', { html: '<!doctype html><title>Another page of the site</title><p>Elsewhere</p>' });
});
afterAll(async () => {
  if (measured.length) console.log(`stop: the model's connection closed after the action (ms): ${measured.join(', ')}`);
  await scene?.stop();
});

interface Opened {
  context: BrowserContext;
  watch: PageWatch;
  page: Page;
  tag: string;
}

let caseNumber = 0;
/** How long the model went on after each action, for the summary line. */
const measured: string[] = [];

/** A page on the host site, with a long answer streaming into the widget. */
async function streamingAnswer(): Promise<Opened> {
  const { context, watch } = await scene.watchedContext();
  const page = await context.newPage();
  await page.goto(`${scene.host.origin}/`);
  await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
  const tag = `stop-${++caseNumber}-${Date.now()}`;
  await page.locator('falcon-chat [part~="input"]').fill(`Tell me everything @offline(${LONG_ANSWER},tag=${tag})`);
  await page.locator('falcon-chat [part~="input"]').press('Enter');
  // Well under way: the answer is on screen and growing.
  await page.waitForFunction(
    () =>
      (document
        .querySelector('falcon-chat')!
        .shadowRoot!.querySelector('[part~="assistant-message"] [part~="message-content"]')?.textContent?.length ?? 0) >
      60,
  );
  return { context, watch, page, tag };
}

/** The model's record once its connection closed because the other side left (never "completed"). */
async function upstreamClosed(tag: string): Promise<RequestRecord> {
  const response = await fetch(`${scene.stack.modelUrl}/_offline/wait?tag=${tag}&outcome=client-closed&timeout=5000`);
  expect(response.status, `the model's answer for ${tag} did not end as client-closed within 5 s`).toBe(200);
  return (await response.json()) as RequestRecord;
}

async function expectStoppedWithin(tag: string, actionAt: number, action: string) {
  const record = await upstreamClosed(tag);
  const late = record.closedAt! - actionAt;
  measured.push(`${action} ${late}`);
  expect(late, `the model kept generating for ${late} ms`).toBeLessThanOrEqual(STOPPED_WITHIN_MS);
  // Far from the 300 tokens it would have sent.
  expect(record.tokensSent).toBeLessThan(200);
  return record;
}

describe('stop means stop', () => {
  it('Stop in the element ends the generation within 1 s and keeps the partial answer', async () => {
    const { context, watch, page, tag } = await streamingAnswer();
    try {
      const actionAt = Date.now();
      await page.locator('falcon-chat [part~="stop-button"]').click();
      await expectStoppedWithin(tag, actionAt, 'Stop');
      const state = await page.evaluate(() => {
        const root = document.querySelector('falcon-chat')!.shadowRoot!;
        return {
          busy: root.querySelector('[part~="transcript"]')!.getAttribute('aria-busy'),
          partial: root.querySelector('[part~="assistant-message"] [part~="message-content"]')!.textContent!.length,
          error: root.querySelector('[part~="error"]') !== null,
        };
      });
      expect(state.busy).toBe('false');
      expect(state.partial).toBeGreaterThan(60);
      expect(state.error).toBe(false);
      const events = await harnessEvents(page);
      expect([...events.rejections, ...events.errors, ...watch.pageErrors]).toEqual([]);
    } finally {
      await context.close();
    }
  });

  // Every way a visitor leaves besides Stop: what it does to the page, and its name in the summary line.
  it.each<[string, string, (page: Page) => Promise<unknown>]>([
    ['closing the tab', 'close tab', (page) => page.close()],
    ['navigating away', 'navigate away', (page) => page.goto('about:blank')],
    [
      'following a link to another page of the same site',
      'same-site link',
      (page) => page.goto(`${scene.host.origin}/elsewhere`),
    ],
    [
      'the page removing the element (a single-page app changing view)',
      'element removed',
      (page) => page.evaluate(() => document.querySelector('falcon-chat')!.remove()),
    ],
  ])('%s ends the generation within 1 s', async (_way, label, leave) => {
    const { context, page, tag } = await streamingAnswer();
    try {
      const actionAt = Date.now();
      await leave(page);
      await expectStoppedWithin(tag, actionAt, label);
    } finally {
      await context.close();
    }
  });
});
