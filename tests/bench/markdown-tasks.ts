/// <reference types="node" />
/**
 * 8. Hostile answers' longest task: generated answers of up to 1 MiB (the
 * bombs of issue 11, the runs the parser holds back, and ordinary answers)
 * through a real `<falcon-chat>` built from dist/ in headless Chromium, both
 * ways an answer reaches the page: restored from a stored conversation
 * (`persist="local"`, the answer already in localStorage when the page loads)
 * and streamed (a question sent with `send()`, the answer arriving as one
 * burst of 64-character token events, as a model faster than the network
 * delivers it; the element's pacer then shows it frame by frame).
 *
 * The worker is not in this path: a page route answers `POST /api/chat` with
 * the wire contract's events, because no worker lets a model write 1 MiB
 * (MAX_NEW_TOKENS), while a stored conversation or a hostile upstream can.
 * The measure is the longest top-level task of the page's main thread in a
 * Chromium trace (and PerformanceObserver('longtask') as a cross-check),
 * from navigation (restored) or send (streamed) until the answer is shown.
 * The goal is no task over 50 ms on a quiet machine.
 *
 *   tsx tests/bench/markdown-tasks.ts [--kinds=a,b] [--sizes=16384,1048576] [--ways=restored,streamed] [--dist=dist]
 *
 * alone (after `npm run build`), or as part of `npm run bench -- --only=markdown`.
 */
import { readFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { chromeArgs, findChrome } from '../support/find-chrome.ts';
import { summariseTrace } from './render.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
export const MARKDOWN_SIZES = [16 * KiB, 128 * KiB, MiB];
export const MARKDOWN_WAYS = ['restored', 'streamed'] as const;
export type Way = (typeof MARKDOWN_WAYS)[number];

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const PROSE =
  'Falcon models are trained on a large corpus of web text, and answer in plain sentences most of the time. ' +
  'A paragraph of an ordinary answer runs for a few lines before the next one starts.\n\n';
const ORDINARY =
  '## A heading\n\nSome *emphasis*, **strong** words, `inline code` and a [link](https://example.test/page).\n\n' +
  '- one item\n- another item\n  - nested\n\n1. first\n2. second\n\n> a quote\n\n' +
  '| a | b | c |\n|---|:-:|--:|\n| 1 | 2 | 3 |\n\n```js\nconst answer = 42;\nconsole.log(answer);\n```\n\n';

/** Each kind of answer, made `size` characters long. */
export const MARKDOWN_KINDS: Record<string, (size: number) => string> = {
  'nested quotes': (size) => fill('>', size),
  'alternating emphasis': (size) => fill('*a _b ', size),
  'padded link destination': (size) => `[a](https://example.test/${' '.repeat(Math.max(0, size - 32))}x "t")`,
  'run of |': (size) => fill('|', size),
  'huge code fence': (size) => `\`\`\`js\n${fill('const value = compute(1, 2); // a line\n', size - 10)}\n\`\`\`\n`,
  'long single line': (size) => fill('abcdefghij', size),
  'many short lines': (size) => fill('a\n', size),
  'plain prose': (size) => fill(PROSE, size),
  'ordinary markdown': (size) => fill(ORDINARY, size),
};

export interface MarkdownTaskResult {
  kind: string;
  size: number;
  way: Way;
  ok: boolean;
  error?: string;
  /** Longest top-level task of the page's main thread (trace) after the element started (restored) or send (streamed), ms. */
  longestTaskMs: number;
  /** The same, counting the page's own start-up too (loading and compiling the element). */
  longestPageTaskMs: number;
  tasksOver50ms: number;
  /** The same by the thread's own time (a shared machine deschedules the page's thread within a task). */
  longestTaskCpuMs: number;
  tasksOver50msCpu: number;
  longestTaskBreakdown: { name: string; ms: number }[];
  /** The longest entry PerformanceObserver('longtask') saw (0: none of 50 ms or more). */
  longestObservedMs: number;
  /** From navigation (restored) or send (streamed) until the answer was complete, ms. */
  wallMs: number;
  /** Elements inside the answer's content, and its text's length as shown. */
  elements: number;
  shownChars: number;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>falcon-chat hostile markdown benchmark</title>
<style>html, body { margin: 0; height: 100%; } falcon-chat { --falcon-chat-height: 100vh; }</style>
<script type="module" src="/falcon-chat.js"></script>
</head>
<body><falcon-chat heading="Benchmark" endpoint="/api/chat" persist="local" storage-key="bench"></falcon-chat></body>
</html>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const ORIGIN = 'http://falcon-bench.localhost';

/** The wire contract's events for `text`, as the worker would send them: 64-character tokens, then done. */
function sseBody(text: string): string {
  const events: string[] = [];
  for (let at = 0; at < text.length; at += 64) {
    let end = Math.min(text.length, at + 64);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end += 1;
    events.push(`event: token\ndata: ${JSON.stringify({ text: text.slice(at, end) })}\n\n`);
    at = end - 64;
  }
  events.push(`event: done\ndata: ${JSON.stringify({ finishReason: 'stop' })}\n\n`);
  return events.join('');
}

export async function measureMarkdownCase(
  browser: Browser,
  dist: string,
  kind: string,
  size: number,
  way: Way,
): Promise<MarkdownTaskResult> {
  const text = MARKDOWN_KINDS[kind](size);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const pageErrors: string[] = [];
  try {
    await context.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/api/chat') return route.fulfill({ contentType: 'text/event-stream', body: sseBody(text) });
      if (url.pathname === '/' || url.pathname === '/blank')
        return route.fulfill({ contentType: 'text/html; charset=utf-8', body: url.pathname === '/' ? PAGE : '' });
      const file = normalize(join(dist, url.pathname));
      if (!file.startsWith(normalize(dist))) return route.fulfill({ status: 404 });
      try {
        return route.fulfill({
          contentType: TYPES[extname(file)] ?? 'application/octet-stream',
          body: readFileSync(file),
        });
      } catch {
        return route.fulfill({ status: 404 });
      }
    });
    await context.addInitScript(() => {
      const seen: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = seen;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) seen.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
      // Restored: what counts starts in the task after the one that defined the element (loading and
      // compiling the page and the element's own script is the same for every answer).
      if (location.pathname === '/')
        void customElements
          .whenDefined('falcon-chat')
          .then(() => setTimeout(() => performance.mark('falcon-chat-bench-send')));
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${ORIGIN}/blank`);
    if (way === 'restored') {
      await page.evaluate((content) => {
        const messages = [
          { role: 'user', content: 'A question' },
          { role: 'assistant', content, status: 'complete' },
        ];
        localStorage.setItem('bench', JSON.stringify({ version: 1, messages }));
      }, text);
    } else {
      await page.goto(`${ORIGIN}/`);
      // The markdown chunk and the element's code are loaded and warm, as after a visitor focused the input.
      await page.evaluate(async () => {
        const element = document.querySelector('falcon-chat') as HTMLElement & { updateComplete: Promise<unknown> };
        await customElements.whenDefined('falcon-chat');
        await element.updateComplete;
        element.shadowRoot!.querySelector<HTMLElement>('[part~="input"]')?.focus();
        await new Promise((resolve) => setTimeout(resolve, 500));
        (window as unknown as { __longTasks: number[] }).__longTasks.length = 0;
      });
    }
    await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'blink.user_timing'] });
    const started = Date.now();
    let outcome: { ok: boolean; error?: string };
    if (way === 'restored') {
      await page.goto(`${ORIGIN}/`);
      outcome = await page.evaluate(async () => {
        await customElements.whenDefined('falcon-chat');
        const element = document.querySelector('falcon-chat') as HTMLElement & { updateComplete: Promise<unknown> };
        // The stored conversation arrives with its chunk; updateComplete waits for what the element is loading.
        for (let tries = 0; tries < 100 && !element.shadowRoot?.querySelector('[part~="assistant-message"]'); tries++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        await element.updateComplete;
        return { ok: !!element.shadowRoot?.querySelector('[part~="assistant-message"]'), error: 'not restored' };
      });
    } else {
      outcome = await page.evaluate(
        () =>
          new Promise<{ ok: boolean; error?: string }>((resolve) => {
            const element = document.querySelector('falcon-chat') as HTMLElement & { send(text: string): boolean };
            element.addEventListener('falcon-chat-response', () => resolve({ ok: true }), { once: true });
            element.addEventListener(
              'falcon-chat-error',
              (event) => resolve({ ok: false, error: JSON.stringify((event as CustomEvent).detail) }),
              { once: true },
            );
            performance.mark('falcon-chat-bench-send');
            if (!element.send('A question')) resolve({ ok: false, error: 'send() refused the question' });
          }),
      );
    }
    // The frame that shows the end of the answer.
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve)))),
    );
    const wallMs = Date.now() - started;
    const trace = await browser.stopTracing();
    const observed = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
    const shown = await page.evaluate(() => {
      const answers = document
        .querySelector('falcon-chat')!
        .shadowRoot!.querySelectorAll('[part~="assistant-message"]');
      const content = answers[answers.length - 1]?.querySelector('[part~="message-content"]');
      return { elements: content?.querySelectorAll('*').length ?? 0, chars: content?.textContent?.length ?? 0 };
    });
    const summary = summariseTrace(trace, { fromMark: true });
    const startUp = summariseTrace(trace);
    const error = outcome.ok ? pageErrors[0] : outcome.error;
    return {
      kind,
      size,
      way,
      ok: outcome.ok && !error,
      error,
      longestTaskMs: Math.max(0, ...summary.tasks),
      longestPageTaskMs: Math.max(0, ...startUp.tasks),
      tasksOver50ms: summary.tasks.filter((ms) => ms > 50).length,
      longestTaskCpuMs: Math.max(0, ...summary.taskCpu.filter(Number.isFinite)),
      tasksOver50msCpu: summary.taskCpu.filter((ms) => ms > 50).length,
      longestTaskBreakdown: summary.longestTaskBreakdown,
      longestObservedMs: Math.max(0, ...observed),
      wallMs,
      elements: shown.elements,
      shownChars: shown.chars,
    };
  } finally {
    await context.close();
  }
}

export async function measureMarkdownTasks(
  browser: Browser,
  dist: string,
  options: { kinds?: string[]; sizes?: number[]; ways?: readonly Way[]; log?: (line: string) => void } = {},
): Promise<MarkdownTaskResult[]> {
  const results: MarkdownTaskResult[] = [];
  for (const way of options.ways ?? MARKDOWN_WAYS) {
    for (const kind of options.kinds ?? Object.keys(MARKDOWN_KINDS)) {
      for (const size of options.sizes ?? MARKDOWN_SIZES) {
        const result = await measureMarkdownCase(browser, dist, kind, size, way).catch(
          (error: Error): MarkdownTaskResult => ({
            kind,
            size,
            way,
            ok: false,
            error: error.message.split('\n')[0],
            longestTaskMs: NaN,
            longestPageTaskMs: NaN,
            tasksOver50ms: NaN,
            longestTaskCpuMs: NaN,
            tasksOver50msCpu: NaN,
            longestTaskBreakdown: [],
            longestObservedMs: NaN,
            wallMs: NaN,
            elements: NaN,
            shownChars: NaN,
          }),
        );
        results.push(result);
        options.log?.(describeMarkdownResult(result));
      }
    }
  }
  return results;
}

export const sizeName = (size: number) => (size >= MiB ? `${size / MiB} MiB` : `${size / KiB} KiB`);

export function describeMarkdownResult(result: MarkdownTaskResult): string {
  const top = result.longestTaskBreakdown
    .slice(0, 3)
    .map(({ name, ms }) => `${name} ${Math.round(ms)}`)
    .join(', ');
  return (
    `  ${result.way} ${result.kind}, ${sizeName(result.size)}: longest task ${Math.round(result.longestTaskMs)} ms ` +
    `(${result.tasksOver50ms} over 50 ms; ${top}; with page start-up ${Math.round(result.longestPageTaskMs)}), ` +
    `by thread time ${Math.round(result.longestTaskCpuMs)} ms (${result.tasksOver50msCpu} over 50 ms), observed ${Math.round(result.longestObservedMs)} ms, ` +
    `${Math.round(result.wallMs)} ms in all, ${result.elements} elements, ${result.shownChars} characters shown` +
    (result.ok ? '' : `; FAILED: ${result.error}`)
  );
}

async function main() {
  const args = process.argv.slice(2);
  const value = (name: string) =>
    args
      .find((arg) => arg.startsWith(`--${name}=`))
      ?.split('=')
      .slice(1)
      .join('=');
  const list = (name: string) => value(name)?.split(',');
  const kinds = list('kinds');
  for (const kind of kinds ?? []) if (!MARKDOWN_KINDS[kind]) throw new Error(`--kinds: unknown kind "${kind}"`);
  const dist = `${resolve(fileURLToPath(new URL('../..', import.meta.url)), value('dist') ?? 'dist')}/`;
  const browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs });
  try {
    const results = await measureMarkdownTasks(browser, dist, {
      kinds,
      sizes: list('sizes')?.map(Number),
      ways: list('ways') as Way[] | undefined,
      log: console.log,
    });
    const over = results.filter((result) => !(result.longestTaskMs <= 50));
    console.log(`\n${results.length} cases, ${over.length} with a task over 50 ms (or failed)`);
    if (value('out')) (await import('node:fs')).writeFileSync(value('out')!, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) await main();
