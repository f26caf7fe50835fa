import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { answerHasStarted, input, offline, part, parts, typeInto } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

import type { LoadSets } from '../bench/size.ts';

/**
 * What a page loads first, and through its first answer. Issue 15's goal is 16 KiB and 25 KiB; the split met it
 * (16.2 KB, 23.5 KB) before the design, hostile-input limits, budgets and resumable answers landed in the entry.
 * With all of them, the message buttons, the panel modes' focus trap and the worker's error codes in chunks of their
 * own, and the markdown writer in the engine's chunk, it is 19.9 KB and 29.3 KB gzip -9 (19.4 and 28.6 KiB): held
 * here, so that nothing grows unnoticed. Issue 10's no-API probe and learned request bounds (their work in the
 * error codes' chunk) brought it to 20,003 and 29,413 B (19.53 and 28.72 KiB); taking the resume handle from the
 * answer's headers (so a cut before the first event can be resumed) to 20,047 and about 29,457 B. One answer
 * chunk (reader, resuming, pacer and markdown in one file): 19,379 and 29,310 B; the element's properties declared
 * without Lit's decorators: 18,907 and 28,838 B (18.46 and 28.16 KiB). The rendered conversation (markdown views,
 * following the answer, the message rows) moved into the answer chunk, so a page where nobody chats loads less:
 * 17,553 and 29,242 B (17.14 and 28.56 KiB; the split costs a first answer 404 B). Issue 11's long answers
 * (sections laid aside, slices bounded by elements; the sections and the highlight colours in chunks of their own):
 * 17,543 and 29,362 B (17.13 and 28.67 KiB); the answer chunk without exports nothing imports: 17,541 and 29,334 B.
 */
const ENTRY_LIMIT = 17.2 * 1024;
const FIRST_ANSWER_LIMIT = 28.7 * 1024;

/** The page area to capture, in CSS pixels. */
function clipOf(element: Element, margin = 0) {
  const { left, top, width, height } = element.getBoundingClientRect();
  return {
    x: Math.max(0, left - margin),
    y: Math.max(0, top - margin),
    width: width + 2 * margin,
    height: height + 2 * margin,
  };
}

async function screenshot(name: string, clip: ReturnType<typeof clipOf>) {
  await new Promise(requestAnimationFrame);
  expect(await executeServerCommand('falcon-screenshot', { name, clip })).to.equal(true);
}

describe('the package', () => {
  it('keeps each entry script within 17.2 KiB gzip, and a first answer within 28.7 KiB in all', async () => {
    const sets = (await executeServerCommand<LoadSets, undefined>('falcon-bundle-size'))!;
    const gzip = (name: string) => sets.files.find((file) => file.file === name)!.gzip;
    expect(gzip('falcon-chat.js')).to.be.at.most(ENTRY_LIMIT);
    expect(gzip('falcon-chat.iife.js')).to.be.at.most(ENTRY_LIMIT);
    // The classic script loads the ES entry next to it, so a classic page pays for both.
    expect(sets.beforeFirstQuestion.files).to.include('falcon-chat.js');
    expect(sets.throughFirstAnswer.gzip + gzip('falcon-chat.iife.js')).to.be.at.most(FIRST_ANSWER_LIMIT);
  });

  it('documents the element in the README exactly as the manifest describes it (run `npx tsx docs/element-api.ts`)', async () => {
    const { upToDate } = (await executeServerCommand<{ upToDate: boolean }, undefined>('falcon-element-api'))!;
    expect(upToDate).to.equal(true);
  });
});

const CONVERSATION = {
  en: [
    { role: 'user' as const, content: 'How do I add falcon-chat to my site?' },
    {
      role: 'assistant' as const,
      content: [
        'Add **one script tag** and the element, where the chat should appear:',
        '```html\n<script type="module" src="https://chat.example.com/falcon-chat.js"></script>\n<falcon-chat heading="Ask us"></falcon-chat>\n```',
        '| Mode | Where it shows |\n|---|---|\n| `inline` | In the page |\n| `floating` | Behind a launcher |',
        'The worker keeps the model key; the page never sees it.',
      ].join('\n\n'),
    },
  ],
  ar: [
    { role: 'user' as const, content: 'كيف أضيف falcon-chat إلى موقعي؟' },
    {
      role: 'assistant' as const,
      content: [
        'أضف **وسم سكربت واحدًا** والعنصر حيث تريد أن تظهر المحادثة:',
        '```html\n<script type="module" src="https://chat.example.com/falcon-chat.js"></script>\n<falcon-chat heading="اسألنا"></falcon-chat>\n```',
        '| الوضع | أين يظهر |\n|---|---|\n| `inline` | داخل الصفحة |\n| `floating` | خلف زر |',
        'يحتفظ العامل بمفتاح النموذج، ولا تراه الصفحة أبدًا.',
      ].join('\n\n'),
    },
  ],
};

const WIDE_TABLE = [
  '| Plan | Business | Price | Seats | Support | Storage | Uptime |',
  '|---|---|---:|---:|---|---|---:|',
  '| Starter | Small teams | $9/mo | 3 | Email | 10 GB | 99.5% |',
  '| Business | Growing companies | $99/mo | 25 | Priority | 1 TB | 99.9% |',
  '| Enterprise | Large organisations | $499/mo | 500 | 24/7 phone | 10 TB | 99.99% |',
].join('\n');

const LONG_CODE = [
  'Here is a small server in TypeScript:',
  '```ts',
  "import { Hono } from 'hono';",
  '',
  '/** Answers every question with a greeting. */',
  'const app = new Hono();',
  '',
  "app.post('/api/chat', async (c) => {",
  '  const { messages } = await c.req.json<{ messages: { role: string; content: string }[] }>();',
  '  const last = messages.at(-1)?.content ?? "";',
  '  if (last.length > 2_000) return c.json({ error: "too long" }, 400);',
  '  return c.text(`You said: ${last}`);',
  '});',
  '',
  'export default app;',
  '```',
  'And the same in Python:',
  '```python',
  'def answer(question: str) -> str:',
  '    # Keep it short.',
  '    return f"You said: {question[:2000]}"',
  '```',
].join('\n');

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function highlighted() {
  // A range of this page's code (the ranges of earlier tests' elements are detached).
  const shown = () =>
    [...CSS.highlights.values()].some((ranges) => [...ranges].some((r) => r.startContainer.isConnected));
  await waitUntil(shown, 'the code was never highlighted', { timeout: 10_000 });
}

/**
 * The element opens a conversation at its latest message when its ResizeObserver reports, in the frame after the
 * update: a visitor's scroll comes after that, and so does the picture's.
 */
async function followedToLatest() {
  for (let frame = 0; frame < 2; frame++) await new Promise(requestAnimationFrame);
}

/** The floating panel and its launcher, with a little of the page around them. */
function floatingClip(el: FalconChat) {
  const panel = part(el, 'base')!.getBoundingClientRect();
  const launcher = part(el, 'launcher')!.getBoundingClientRect();
  const left = Math.max(0, Math.min(panel.left, launcher.left) - 16);
  const top = Math.max(0, panel.top - 16);
  return {
    x: left,
    y: top,
    width: Math.min(window.innerWidth, Math.max(panel.right, launcher.right) + 16) - left,
    height: window.innerHeight - top,
  };
}

/** A phone is a touch screen: (pointer: coarse) gives the 44 px targets and the "⋯" beside earlier messages. */
async function useDevice(size: typeof DESKTOP) {
  await executeServerCommand('falcon-coarse-pointer', { enabled: size === PHONE });
  await setViewport(size);
}

/** The floating panel of a shop's help chat, with its greeting and suggestions. */
const shopPanel = () =>
  fixture<FalconChat>(html`<falcon-chat
    mode="floating"
    heading="Example Shop help"
    greeting="Hi! I can help with **orders**, **returns** and **sizes**."
    suggestions="Where is my order?|How do I return something?|Which size should I pick?"
    endpoint=${endpoint}
  ></falcon-chat>`);

/** A desktop element 40rem wide for a close-up, `height` tall, with one short exchange already in it when asked. */
async function closeUp({ height, exchange = false }: { height?: string; exchange?: boolean } = {}) {
  await useDevice(DESKTOP);
  const el = await fixture<FalconChat>(html`<falcon-chat heading="Ask Falcon" endpoint=${endpoint}></falcon-chat>`);
  el.style.setProperty('width', '40rem');
  if (height) el.style.setProperty('--falcon-chat-height', height);
  if (exchange) {
    el.messages = [
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hello! How can I help?' },
    ];
  }
  return el;
}

const wholeViewport = () => ({ x: 0, y: 0, width: window.innerWidth, height: window.innerHeight });

describe('README screenshots (docs/screenshots/)', () => {
  const viewport = { width: window.innerWidth, height: window.innerHeight };
  after(async () => {
    document.body.style.removeProperty('background');
    await executeServerCommand('falcon-coarse-pointer', { enabled: false });
    await setViewport(viewport);
  });

  // First: once Chromium's touch emulation has been on, (hover: hover) stops matching until the page reloads.
  it('message actions and tooltips in Arabic: an earlier answer under the mouse, Send under keyboard focus', async () => {
    await useDevice(DESKTOP);
    const el = await fixture<FalconChat>(
      html`<falcon-chat mode="floating" lang="ar" heading="مساعد المتجر" endpoint=${endpoint}></falcon-chat>`,
    );
    el.messages = [
      { role: 'user', content: 'مرحبًا' },
      { role: 'assistant', content: 'أهلًا! كيف أساعدك؟' },
      { role: 'user', content: 'أين طلبي؟' },
      { role: 'assistant', content: 'يصل طلبك غدًا.' },
    ];
    el.show();
    await el.updateComplete;
    part(el, 'send-button')!.focus();
    const copy = parts(el, 'assistant-message')[0].querySelector('[part~="copy-button"]')!;
    const bubble = parts(el, 'assistant-message')[0].getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(bubble.left + 20), Math.round(bubble.top + 10)] });
    const { left, top, width, height } = copy.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(left + width / 2), Math.round(top + height / 2)] });
    await screenshot('actions-tooltips-ar', floatingClip(el));
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  for (const [device, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    for (const theme of ['light', 'dark'] as const) {
      for (const lang of ['en', 'ar'] as const) {
        for (const mode of ['inline', 'floating', 'fullscreen'] as const) {
          it(`${mode}, ${theme}, ${lang}, ${device}`, async () => {
            await useDevice(size);
            document.body.style.background = theme === 'dark' ? '#0d1117' : '#f6f8fa';
            const el = await fixture<FalconChat>(html`<falcon-chat
              mode=${mode}
              theme=${theme}
              lang=${lang}
              heading=${lang === 'ar' ? 'مساعد المتجر' : 'Example Shop help'}
              endpoint=${endpoint}
            ></falcon-chat>`);
            if (mode === 'inline') el.style.setProperty('width', device === 'desktop' ? '40rem' : 'auto');
            el.messages = CONVERSATION[lang];
            if (mode === 'floating') el.show();
            await el.updateComplete;
            await highlighted();
            // From the question on, as a visitor reads it.
            await followedToLatest();
            part(el, 'transcript')!.scrollTop = 0;
            const clip =
              mode === 'inline'
                ? clipOf(el, 8)
                : mode === 'floating' && device === 'desktop'
                  ? floatingClip(el)
                  : wholeViewport();
            await screenshot(`${mode}-${theme}-${lang}-${device}`, clip);
          });
        }
      }
    }
  }

  it('floating, empty: a greeting and suggestions', async () => {
    await useDevice(DESKTOP);
    document.body.style.background = '#f6f8fa';
    const el = await shopPanel();
    el.show();
    await el.updateComplete;
    await screenshot('floating-greeting', floatingClip(el));
  });

  it('streaming, with Stop', async () => {
    const el = await closeUp();
    el.systemMessage = offline('', { delay: 40, tokens: 400 });
    el.send('Tell me about the widget');
    await answerHasStarted(el, 120);
    await screenshot('streaming', clipOf(el, 8));
    el.stop();
  });

  it('the composer grows with the text, from one line', async () => {
    const el = await closeUp({ height: '24rem', exchange: true });
    await el.updateComplete;
    const oneLine = input(el).getBoundingClientRect().height;
    input(el).focus();
    typeInto(input(el), 'I ordered a jacket last week.\nIt has not arrived yet.\nCan you tell me where it is?');
    await el.updateComplete;
    expect(input(el).getBoundingClientRect().height).to.be.greaterThan(oneLine * 2);
    await screenshot('composer-grows', clipOf(el, 8));
  });

  it('Enter while an answer streams: a status says so, and the typed text stays', async () => {
    const el = await closeUp({ height: '24rem' });
    el.systemMessage = offline('', { delay: 40, tokens: 400 });
    el.send('Tell me about the widget');
    await answerHasStarted(el, 120);
    input(el).focus();
    typeInto(input(el), 'And what does it cost?');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part(el, 'notice')!.textContent).to.contain('Press Stop');
    await screenshot('streaming-enter', clipOf(el, 8));
    el.stop();
  });

  it('a long answer read from its beginning: the question at the top while the answer grows below', async () => {
    const el = await closeUp({ height: '24rem', exchange: true });
    el.systemMessage = offline('', { delay: 15, tokens: 400 });
    el.send('Tell me a long story');
    const log = part(el, 'transcript')!;
    await waitUntil(() => log.scrollHeight > log.clientHeight * 2, 'the answer never overflowed', { timeout: 10_000 });
    await el.updateComplete;
    await screenshot('long-answer', clipOf(el, 8));
    el.stop();
  });

  /** A rate limit of 20 s under the question: the calm error row, its Retry counting down. */
  const errorRow = async (size: typeof DESKTOP, lang: 'en' | 'ar', heading: string, question: string) => {
    await useDevice(size);
    const el = await fixture<FalconChat>(
      html`<falcon-chat lang=${lang} heading=${heading} endpoint=${endpoint}></falcon-chat>`,
    );
    if (size === DESKTOP) el.style.setProperty('width', '40rem');
    el.style.setProperty('--falcon-chat-height', '24rem');
    const failed = oneEvent(el, 'falcon-chat-error');
    el.systemMessage = offline('', { fault: 'http-429', 'retry-after': 20 });
    el.send(question);
    await failed;
    await el.updateComplete;
    return el;
  };

  it('an error under the answer, with Retry counting down', async () => {
    await screenshot('error', clipOf(await errorRow(DESKTOP, 'en', 'Ask Falcon', 'What is new this week?'), 8));
  });

  it('an error under the answer in Arabic, on a phone', async () => {
    await screenshot(
      'error-ar-phone',
      clipOf(await errorRow(PHONE, 'ar', 'مساعد المتجر', 'ما الجديد هذا الأسبوع؟'), 8),
    );
  });

  it('a question that failed, sent again from the input: shown once, answered', async () => {
    const el = await closeUp({ height: '24rem' });
    el.systemMessage = offline('', { fault: 'error-before-first' });
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send('Where is my order?');
    await failed;
    el.systemMessage = offline('');
    await el.updateComplete;
    input(el).focus();
    const answered = oneEvent(el, 'falcon-chat-response');
    await sendKeys({ press: 'Enter' });
    await answered;
    await el.updateComplete;
    await screenshot('error-sent-again', clipOf(el, 8));
  });

  it('settings open', async () => {
    await useDevice(DESKTOP);
    const el = await fixture<FalconChat>(
      html`<falcon-chat mode="floating" show-settings heading="Ask Falcon" endpoint=${endpoint}></falcon-chat>`,
    );
    el.systemMessage = 'You are the help desk of Example Shop. Answer briefly and kindly.';
    el.messages = CONVERSATION.en.slice(0, 1).concat({ role: 'assistant', content: 'Hello! How can I help?' });
    el.show();
    await el.updateComplete;
    part<HTMLDetailsElement>(el, 'settings')!.open = true;
    await el.updateComplete;
    await screenshot('settings', floatingClip(el));
  });

  for (const [device, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`a long table and a long code block, ${device}`, async () => {
      await useDevice(size);
      const el = await fixture<FalconChat>(
        html`<falcon-chat mode="floating" heading="Ask Falcon" endpoint=${endpoint}></falcon-chat>`,
      );
      el.messages = [
        { role: 'user', content: 'Compare the plans' },
        { role: 'assistant', content: WIDE_TABLE },
        { role: 'user', content: 'Show me a server' },
        { role: 'assistant', content: LONG_CODE },
      ];
      el.show();
      await el.updateComplete;
      await highlighted();
      const clip = device === 'desktop' ? floatingClip(el) : wholeViewport();
      await followedToLatest();
      part(el, 'transcript')!.scrollTop = 0;
      await screenshot(`long-table-${device}`, clip);
      parts(el, 'assistant-message')[1].scrollIntoView({ block: 'start' });
      await screenshot(`long-code-${device}`, clip);
    });
  }

  it('the floating panel on a phone holds keyboard focus: Tab past the last control comes back to the header', async () => {
    await useDevice(PHONE);
    const el = await fixture<FalconChat>(
      html`<falcon-chat mode="floating" heading="Example Shop help" endpoint=${endpoint}></falcon-chat>`,
    );
    el.messages = CONVERSATION.en;
    part(el, 'launcher')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    await highlighted();
    await followedToLatest();
    part(el, 'transcript')!.scrollTop = 0;
    const focusedPart = () => el.shadowRoot!.activeElement?.getAttribute('part') ?? '';
    const seen: string[] = [];
    for (let step = 0; step < 30 && !(seen.includes('input') && focusedPart() === 'clear-button'); step++) {
      await sendKeys({ press: 'Tab' });
      seen.push(focusedPart());
    }
    expect(focusedPart(), seen.join(', ')).to.equal('clear-button');
    await screenshot('floating-phone-tab-wraps', wholeViewport());
  });

  it('a phone panel opened by a tap: the greeting and suggestions in view, no input focused (no keyboard)', async () => {
    await useDevice(PHONE);
    const el = await shopPanel();
    const { left, top, width, height } = part(el, 'launcher')!.getBoundingClientRect();
    const opened = oneEvent(el, 'falcon-chat-open');
    await executeServerCommand('falcon-touch', { x: left + width / 2, y: top + height / 2 });
    await opened;
    // The tap ends Chromium's touch emulation; the phone stays a touch screen (44 px targets) for the picture.
    await executeServerCommand('falcon-coarse-pointer', { enabled: true });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.not.equal('input');
    await screenshot('floating-phone-tapped', wholeViewport());
  });

  for (const [device, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`the demo page, ${device}: greeting, suggestions, the options and their snippet`, async () => {
      expect(await executeServerCommand('falcon-demo-screenshot', { name: `demo-${device}`, ...size })).to.equal(true);
    });
  }

  it('the demo page with options picked: dark, Arabic, kept in this browser; the snippet says so', async () => {
    const options = { theme: 'dark', lang: 'ar', persist: 'local' };
    const payload = { name: 'demo-options-desktop', ...DESKTOP, options };
    expect(await executeServerCommand('falcon-demo-screenshot', payload)).to.equal(true);
  });
});
