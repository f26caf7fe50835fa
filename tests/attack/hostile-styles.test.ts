/**
 * Issue 6.3, hostile styles. A host page whose global CSS is as aggressive as it gets
 * (`* { all: unset !important }`, huge fonts, `!important` on every inherited text
 * property, boxes restyled by element name) must not break the widget's layout: inside
 * the widget every text property is the widget's own (sizes scale with the page's root
 * font size, since the widget sizes itself in rem), every part is visible, in order and
 * inside the panel, and a chat works. And the widget's own styles must not change the
 * page: a page full of elements named like the widget's insides looks the same with and
 * without it.
 *
 * Out of scope, since no element can undo them from inside: box properties set on the
 * host element itself (width, height, float, zoom, transform, filter, opacity) and
 * text-decoration, which CSS propagates into every in-flow descendant.
 */
/// <reference types="node" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddingPage,
  harnessEvents,
  INSTANT_MODEL,
  screenshotPath,
  startAttackScene,
  type AttackScene,
} from './support/attack-kit.ts';
import { HOSTILE_CSS } from './support/hostile-css.ts';

/** The text properties the widget sets for itself; sizes are compared in units of the page's rem. */
const TEXT_PROPERTIES = [
  'fontFamily',
  'fontStyle',
  'fontWeight',
  'fontVariantCaps',
  'fontStretch',
  'letterSpacing',
  'wordSpacing',
  'textTransform',
  'textIndent',
  'textAlign',
  'whiteSpace',
  'wordBreak',
  'hyphens',
  'tabSize',
  'textShadow',
  'webkitTextStrokeWidth',
  'color',
  'cursor',
  'visibility',
] as const;

const PARTS = ['base', 'header', 'heading', 'clear-button', 'transcript', 'composer', 'input', 'send-button'];
const MESSAGE_SELECTORS = {
  question: '[part~="user-message"] [part~="message-content"]',
  answer: '[part~="assistant-message"] [part~="message-content"]',
  answerParagraph: '[part~="assistant-message"] [part~="message-content"] p',
};

let scene: AttackScene;

beforeAll(async () => {
  scene = await startAttackScene({ modelDefaults: INSTANT_MODEL });
});
afterAll(async () => {
  await scene?.stop();
});

interface WidgetReading {
  rem: number;
  text: Record<string, Record<string, string | number>>;
  boxes: Record<string, { x: number; y: number; width: number; height: number }>;
  overflowing: string[];
}

/** Text properties of the widget's own words and the boxes of its parts, from inside its shadow root. */
function readWidget(page: Page): Promise<WidgetReading> {
  return page.evaluate(
    ([parts, messages, properties]) => {
      const root = document.querySelector('falcon-chat')!.shadowRoot!;
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
      const targets: Record<string, Element> = {};
      for (const part of parts) targets[part] = root.querySelector(`[part~="${part}"]`)!;
      for (const [name, selector] of Object.entries(messages)) targets[name] = root.querySelector(selector)!;
      const text: WidgetReading['text'] = {};
      const boxes: WidgetReading['boxes'] = {};
      const overflowing: string[] = [];
      for (const [name, element] of Object.entries(targets)) {
        if (!element) {
          text[name] = { missing: 1 };
          continue;
        }
        const style = getComputedStyle(element) as unknown as Record<string, string>;
        text[name] = Object.fromEntries(properties.map((property) => [property, style[property]]));
        // Sizes in rem: the page may scale the widget with its root font size, nothing else.
        text[name].fontSize = Math.round((parseFloat(style.fontSize) / rem) * 1000) / 1000;
        text[name].lineHeight = Math.round((parseFloat(style.lineHeight) / rem) * 1000) / 1000;
        const box = element.getBoundingClientRect();
        boxes[name] = { x: box.x, y: box.y, width: box.width, height: box.height };
        if (element.scrollWidth > element.clientWidth + 1 && name !== 'transcript') overflowing.push(name);
      }
      return { rem, text, boxes, overflowing };
    },
    [PARTS, MESSAGE_SELECTORS, TEXT_PROPERTIES] as const,
  );
}

const inside = (inner: WidgetReading['boxes'][string], outer: WidgetReading['boxes'][string]) =>
  inner.x >= outer.x - 1 &&
  inner.y >= outer.y - 1 &&
  inner.x + inner.width <= outer.x + outer.width + 1 &&
  inner.y + inner.height <= outer.y + outer.height + 1;

/** Layout rules that hold on any page: every part visible, in order, inside the panel, nothing overflowing. */
function layoutProblems({ rem, boxes, overflowing }: WidgetReading): string[] {
  const problems: string[] = [];
  const scrolled = new Set(Object.keys(MESSAGE_SELECTORS));
  for (const [name, box] of Object.entries(boxes)) {
    if (box.width < 1 || box.height < 1) problems.push(`${name} is not visible (${box.width}×${box.height})`);
    if (scrolled.has(name)) {
      // Messages scroll up and down inside the transcript, but never out of its sides.
      const { transcript } = boxes;
      if (box.x < transcript.x - 1 || box.x + box.width > transcript.x + transcript.width + 1)
        problems.push(`${name} sticks out of the transcript`);
    } else if (name !== 'base' && !inside(box, boxes.base)) {
      problems.push(`${name} is outside the panel`);
    }
  }
  const { header, transcript, composer, input } = boxes;
  const send = boxes['send-button'];
  if (!(header.y + header.height <= transcript.y + 1 && transcript.y + transcript.height <= composer.y + 1)) {
    problems.push('header, transcript and composer are not stacked in order');
  }
  if (!inside(input, composer) || !inside(send, composer) || input.x + input.width > send.x + 1) {
    problems.push('the input and Send are not side by side in the composer');
  }
  if (Math.abs(boxes.base.height - 32 * rem) > 1)
    problems.push(`the panel is ${boxes.base.height}px tall, not 32rem (${32 * rem}px)`);
  for (const name of overflowing) problems.push(`${name} overflows sideways`);
  return problems;
}

async function chatOnce(page: Page) {
  const chat = page.locator('falcon-chat');
  await chat.locator('[part~="input"]').fill('Hello there, how are you?');
  await chat.locator('[part~="send-button"]').click();
  await expect
    .poll(() => chat.locator('[part~="transcript"]').getAttribute('aria-busy'), { timeout: 10_000 })
    .toBe('false');
  expect(await chat.locator(MESSAGE_SELECTORS.answer).textContent()).toMatch(/offline demo model/);
}

async function openWidgetPage(
  name: string,
  head: string,
): Promise<{ page: Page; reading: WidgetReading; close(): Promise<void> }> {
  scene.host.set(`/${name}`, {
    html: embeddingPage({
      workerUrl: scene.stack.workerUrl,
      head,
      body: '<h1>Shop</h1><p>Our products.</p><falcon-chat heading="Help"></falcon-chat><p>Footer</p>',
    }),
  });
  const { context, watch } = await scene.watchedContext();
  const page = await context.newPage();
  await page.goto(`${scene.host.origin}/${name}`);
  await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
  await chatOnce(page);
  const reading = await readWidget(page);
  await page.locator('falcon-chat').screenshot({ path: screenshotPath(name) });
  const events = await harnessEvents(page);
  expect([...events.errors, ...events.rejections, ...watch.pageErrors]).toEqual([]);
  return { page, reading, close: () => context.close() };
}

describe('a host page with hostile global CSS', () => {
  let plain: WidgetReading;
  let hostile: WidgetReading;

  it('a plain page shows the widget laid out as designed (the reference)', async () => {
    const opened = await openWidgetPage('plain', '');
    plain = opened.reading;
    await opened.close();
    expect(layoutProblems(plain)).toEqual([]);
  });

  it('the hostile page really is hostile: its own elements took every rule', async () => {
    const opened = await openWidgetPage('hostile', `<style>${HOSTILE_CSS}</style>`);
    hostile = opened.reading;
    const body = await opened.page.evaluate(() => {
      const style = getComputedStyle(document.querySelector('h1')!);
      return {
        fontSize: style.fontSize,
        textTransform: style.textTransform,
        fontStyle: style.fontStyle,
        float: style.float,
      };
    });
    await opened.close();
    expect(body).toEqual({ fontSize: '40px', textTransform: 'uppercase', fontStyle: 'italic', float: 'left' });
    expect(hostile.rem).toBe(40);
  });

  it("inside the widget, every text property is still the widget's own", () => {
    // One line per property that changed, naming the parts where it did.
    const differences = new Map<string, string[]>();
    for (const [name, properties] of Object.entries(plain.text)) {
      for (const [property, value] of Object.entries(properties)) {
        const now = hostile.text[name]?.[property];
        if (now === value) continue;
        const key = `${property}: ${now} instead of ${value}`;
        differences.set(key, [...(differences.get(key) ?? []), name]);
      }
    }
    expect([...differences].map(([change, parts]) => `${change} (${parts.join(', ')})`)).toEqual([]);
  });

  it('and its layout holds: every part visible, in order, inside the panel, nothing overflowing', () => {
    expect(layoutProblems(hostile)).toEqual([]);
  });
});

describe('the floating launcher', () => {
  for (const [name, head] of [
    ['plain', ''],
    ['hostile', `<style>${HOSTILE_CSS}</style>`],
  ] as const) {
    it(`stays in the corner of the viewport and opens its panel inside it (${name} page)`, async () => {
      scene.host.set(`/floating-${name}`, {
        html: embeddingPage({
          workerUrl: scene.stack.workerUrl,
          head,
          body: `<h1>Shop</h1>${'<p>Lots of content.</p>'.repeat(40)}<falcon-chat mode="floating" heading="Help"></falcon-chat>`,
        }),
      });
      const { context } = await scene.watchedContext();
      try {
        const page = await context.newPage();
        await page.goto(`${scene.host.origin}/floating-${name}`);
        await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
        const viewport = page.viewportSize()!;
        const launcherPart = page.locator('falcon-chat').locator('[part~="launcher"]');
        const launcher = (await launcherPart.boundingBox())!;
        expect(launcher).not.toBeNull();
        // In the viewport's bottom-right corner (its last 10 %), wherever the element sits in the page's flow.
        expect({
          right: launcher.x + launcher.width > viewport.width * 0.9,
          bottom: launcher.y + launcher.height > viewport.height * 0.9,
        }).toEqual({
          right: true,
          bottom: true,
        });
        expect(launcher.y + launcher.height).toBeLessThanOrEqual(viewport.height);
        await launcherPart.click();
        const panel = (await page.locator('falcon-chat').locator('[part~="base"]').boundingBox())!;
        expect(panel).not.toBeNull();
        expect(panel.y).toBeGreaterThanOrEqual(0);
        expect(panel.y + panel.height).toBeLessThanOrEqual(viewport.height);
        await page.screenshot({ path: screenshotPath(`floating-${name}`) });
      } finally {
        await context.close();
      }
    });
  }
});

describe("the widget's styles on a plain page", () => {
  it('change nothing outside the widget, even on elements named like its insides', async () => {
    const lookalikes = `
      <div class="chat" id="panel" part="base"><header part="header"><h2 id="heading">Heading</h2><button type="button">Clear</button></header>
      <div id="transcript" class="transcript" role="log"><div class="message assistant streaming"><div class="content markdown"><p>Para</p>
      <ul><li>item</li></ul><pre><code>code</code></pre><a href="https://example.com/">link</a></div></div>
      <div class="error"><p>oops</p><button>Retry</button></div><p class="note">note</p></div>
      <form class="composer"><label class="visually-hidden" for="input">x</label><textarea id="input">t</textarea><button type="submit" class="primary">Send</button></form>
      <div class="code-block"><div class="code-header"><span class="code-language">js</span><button class="copy-code">Copy</button></div></div>
      <ul class="suggestions"><li><button>s</button></li></ul><button class="launcher">L</button><div class="jump">j</div></div>`;
    const html = embeddingPage({
      workerUrl: scene.stack.workerUrl,
      script: 'none',
      body: `<main>${lookalikes}<h1>Title</h1><p>Text <a href="#x">link</a></p><input value="i"><select><option>o</option></select></main><falcon-chat></falcon-chat>`,
    });
    scene.host.set('/lookalikes', { html });
    const { context } = await scene.watchedContext();
    try {
      const page = await context.newPage();
      await page.goto(`${scene.host.origin}/lookalikes`);
      const snapshot = () =>
        page.evaluate(() => {
          const elements = [
            document.documentElement,
            document.body,
            ...Array.from(document.querySelectorAll('main, main *')),
          ];
          // The root and body grow by the widget's own height: those used values are the widget's space, not a style.
          const sizes = new Set(['height', 'block-size', 'perspective-origin', 'transform-origin']);
          return {
            styles: elements.map((element) => {
              const style = getComputedStyle(element);
              const holdsWidget = element.contains(document.querySelector('falcon-chat'));
              return Array.from({ length: style.length }, (_, index) => style.item(index))
                .filter((property) => !(holdsWidget && sizes.has(property)))
                .map((property) => `${property}:${style.getPropertyValue(property)}`)
                .join(';');
            }),
            boxes: Array.from(document.querySelectorAll('main, main *')).map((element) =>
              JSON.stringify(element.getBoundingClientRect()),
            ),
            sheets: document.styleSheets.length + document.adoptedStyleSheets.length,
            headChildren: document.head.children.length,
          };
        });
      const before = await snapshot();
      await page.addScriptTag({ url: `${scene.stack.workerUrl}/falcon-chat.js`, type: 'module' });
      await page.waitForFunction(
        () =>
          customElements.get('falcon-chat') !== undefined && document.querySelector('falcon-chat')!.shadowRoot !== null,
      );
      await page.evaluate(() => (document.querySelector('falcon-chat') as any).updateComplete);
      const after = await snapshot();
      expect(after.sheets).toBe(before.sheets);
      expect(after.headChildren).toBe(before.headChildren + 1); // the script tag itself
      const changed = before.styles.flatMap((style, index) => {
        const now = after.styles[index].split(';');
        return style
          .split(';')
          .flatMap((declaration, at) =>
            declaration === now[at] ? [] : [`element #${index}: ${declaration} became ${now[at]}`],
          );
      });
      expect(changed).toEqual([]);
      expect(after.boxes).toEqual(before.boxes);
    } finally {
      await context.close();
    }
  });
});
