/**
 * Issue 6.2, a strict host page: a site on another origin that allows scripts and
 * connections only to the worker, styles only from itself, and no inline anything, with
 * and without Trusted Types. The widget must load from the worker, render styled, chat
 * (a markdown answer with a link and a code block), and the page must record no
 * `securitypolicyviolation`. A deliberate inline style at the end proves the listener
 * would have seen one.
 */
/// <reference types="node" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddingPage,
  harnessEvents,
  scanPage,
  INSTANT_MODEL,
  screenshotPath,
  startAttackScene,
  type AttackScene,
} from './support/attack-kit.ts';

let scene: AttackScene;

beforeAll(async () => {
  scene = await startAttackScene({ modelDefaults: INSTANT_MODEL });
});
afterAll(async () => {
  await scene?.stop();
});

const strictPolicy = (worker: string) =>
  `default-src 'none'; script-src ${worker}; style-src 'self'; connect-src ${worker}; img-src 'self'; base-uri 'none'; object-src 'none'`;

const POLICIES: { name: string; extra: string; script: 'module' | 'classic' }[] = [
  { name: 'strict', extra: '', script: 'module' },
  { name: 'strict-trusted-types', extra: "; require-trusted-types-for 'script'", script: 'module' },
  // What README's "allowing Lit's lit-html policy" means for a page that names its policies.
  {
    name: 'strict-trusted-types-allowlist',
    extra: "; require-trusted-types-for 'script'; trusted-types lit-html",
    script: 'module',
  },
  { name: 'strict-classic-script', extra: "; require-trusted-types-for 'script'", script: 'classic' },
];

/** The computed styles that show the element's own stylesheet applied (README's default custom properties). */
function widgetLooks(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('falcon-chat')!.shadowRoot!;
    const style = (selector: string) => getComputedStyle(root.querySelector(selector)!);
    const base = style('[part~="base"]');
    const send = style('[part~="send-button"]');
    const link = root.querySelector('[part~="assistant-message"] a[href]');
    const code = root.querySelector('[part~="assistant-message"] pre code');
    return {
      sheets: root.adoptedStyleSheets.length,
      styleElements: root.querySelectorAll('style').length,
      hostDisplay: getComputedStyle(document.querySelector('falcon-chat')!).display,
      baseDisplay: base.display,
      baseBorderRadius: base.borderTopLeftRadius,
      baseHeight: Math.round(root.querySelector('[part~="base"]')!.getBoundingClientRect().height),
      sendBackground: send.backgroundColor,
      sendColor: send.color,
      userBackground: style('[part~="user-message"] [part~="message-content"]').backgroundColor,
      answerBackground: style('[part~="assistant-message"] [part~="message-content"]').backgroundColor,
      linkColor: link ? getComputedStyle(link).color : 'no link',
      codeFont: code ? getComputedStyle(code).fontFamily : 'no code block',
    };
  });
}

describe('a host page with a strict Content-Security-Policy, on another origin', () => {
  for (const policy of POLICIES) {
    it(`${policy.name}: loads from the worker, renders styled, chats, and records no violation`, async () => {
      const csp = strictPolicy(scene.stack.workerUrl) + policy.extra;
      const html = embeddingPage({
        workerUrl: scene.stack.workerUrl,
        body: '<h1>Shop</h1><falcon-chat heading="Help"></falcon-chat>',
        script: policy.script,
      });
      scene.host.set(`/${policy.name}`, { html, headers: { 'content-security-policy': csp } });

      const { context, watch } = await scene.watchedContext();
      try {
        const page = await context.newPage();
        const response = await page.goto(`${scene.host.origin}/${policy.name}`);
        expect(response?.headers()['content-security-policy']).toBe(csp);
        await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined, null, { timeout: 10_000 });

        const chat = page.locator('falcon-chat');
        await chat.locator('[part~="input"]').fill('Show me a link and some code');
        await chat.locator('[part~="input"]').press('Enter');
        await expect
          .poll(() => chat.locator('[part~="transcript"]').getAttribute('aria-busy'), { timeout: 10_000 })
          .toBe('false');
        const answer = chat.locator('[part~="assistant-message"] [part~="message-content"]');
        expect(await answer.textContent()).toMatch(/offline demo model/);
        expect(await chat.locator('[part~="error"]').count()).toBe(0);
        // The message buttons come in a chunk of their own once the answer is complete: under this policy too.
        await expect.poll(() => chat.locator('[part~="copy-button"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);

        const looks = await widgetLooks(page);
        expect(looks).toMatchObject({
          styleElements: 0,
          hostDisplay: 'block',
          baseDisplay: 'flex',
          baseBorderRadius: '12px',
          sendBackground: 'rgb(11, 87, 208)',
          sendColor: 'rgb(255, 255, 255)',
          userBackground: 'rgb(219, 231, 251)',
          answerBackground: 'rgb(242, 244, 246)',
          linkColor: 'rgb(11, 87, 208)',
        });
        expect(looks.sheets).toBeGreaterThan(0);
        expect(looks.baseHeight).toBe(512);
        expect(looks.codeFont).toMatch(/monospace/);
        await chat.screenshot({ path: screenshotPath(policy.name) });

        const events = await harnessEvents(page);
        expect(events.violations).toEqual([]);
        expect([...events.errors, ...events.rejections, ...watch.pageErrors]).toEqual([]);
        expect(watch.foreign()).toEqual([]);
        expect(await scanPage(page)).toEqual([]);

        // The listener works under this policy: an inline style is a violation it records.
        await page.evaluate(() => document.body.setAttribute('style', 'color: red'));
        await expect
          .poll(async () => (await harnessEvents(page)).violations.map((v) => v.effective))
          .toEqual(['style-src-attr']);
      } finally {
        await context.close();
      }
    });
  }
});
