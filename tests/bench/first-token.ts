/// <reference types="node" />
/**
 * 6. First token: the time from `send()` to the answer's first text on
 * screen, on a fresh page (nothing cached, nothing warmed up), for one or
 * more builds of the element served side by side from the worker's origin,
 * in interleaved rounds, so that a build is compared with the one before it
 * in the same run (`--baseline-dist=<dist folder of the older build>`). It
 * also counts the script bytes each build's page loaded before the question
 * and through the answer, as the network saw them.
 */
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { type BenchStack, offlineDirective } from './lib/bench-stack.ts';
import { median } from './lib/stats.ts';

export interface FirstTokenBuild {
  name: string;
  /** The build's dist/ folder. */
  dist: string;
}

export interface FirstTokenResult {
  build: string;
  rounds: number;
  /** Median milliseconds from send() to the first answer text painted. */
  firstTokenMs: number;
  firstTokenRunsMs: number[];
  /** Script bytes the page fetched (gzip -9 of each file) before the question, and through the answer. */
  scriptGzipBeforeQuestion: number;
  scriptGzipThroughAnswer: number;
}

const page = (script: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>falcon-chat first-token benchmark</title>
<script type="module" src="${script}"></script>
</head>
<body><falcon-chat endpoint="/api/chat"></falcon-chat></body>
</html>`;

/** One fresh page for `build`: loads, sends, and times the first painted text. */
async function oneRound(stack: BenchStack, browser: Browser, build: FirstTokenBuild) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const tab = await context.newPage();
    const prefix = `/__bench/build/${build.name}/`;
    const loaded: string[] = [];
    await tab.route('**/__bench/first-token.html', (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: page(`${prefix}falcon-chat.js`) }),
    );
    await tab.route(`**${prefix}**`, (route) => {
      const file = normalize(decodeURIComponent(new URL(route.request().url()).pathname.slice(prefix.length)));
      if (file.startsWith('..')) return route.fulfill({ status: 404 });
      loaded.push(file);
      const type = extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream';
      return route.fulfill({ contentType: type, body: readFileSync(join(build.dist, file)) });
    });
    await tab.addInitScript('window.__name = (fn) => fn;');
    await tab.goto(`${stack.nextOrigin()}:${new URL(stack.worker.url).port}/__bench/first-token.html`);
    await tab.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
    await tab.waitForLoadState('networkidle');
    const beforeQuestion = [...loaded];
    const question = `First token, please. ${offlineDirective({ tokens: 40, delay: 0 })}`;
    const ms = await tab.evaluate(async (text) => {
      const element = document.querySelector('falcon-chat') as HTMLElement & {
        updateComplete: Promise<unknown>;
        send(text: string): boolean;
      };
      await element.updateComplete;
      const root = element.shadowRoot!;
      const answerText = () =>
        root.querySelector('[part~="assistant-message"] [part~="message-content"]')?.textContent?.trim() ?? '';
      const sent = performance.now();
      const painted = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          if (!answerText()) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - sent));
        });
        observer.observe(root, { subtree: true, childList: true, characterData: true });
      });
      const done = new Promise((resolve) => element.addEventListener('falcon-chat-response', resolve, { once: true }));
      element.send(text);
      const ms = await painted;
      await done;
      return ms;
    }, question);
    await tab.waitForLoadState('networkidle');
    return { ms, beforeQuestion, throughAnswer: [...loaded] };
  } finally {
    await context.close();
  }
}

/** Interleaved rounds of every build (A B A B …), medians per build. */
export async function measureFirstToken(
  stack: BenchStack,
  browser: Browser,
  builds: FirstTokenBuild[],
  rounds = 9,
): Promise<FirstTokenResult[]> {
  const runs = new Map(builds.map((build) => [build.name, [] as Awaited<ReturnType<typeof oneRound>>[]]));
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so neither build always runs on a machine the other just warmed.
    const order = round % 2 ? [...builds].reverse() : builds;
    for (const build of order) runs.get(build.name)!.push(await oneRound(stack, browser, build));
  }
  return builds.map((build) => {
    const results = runs.get(build.name)!;
    const gzip = (files: string[]) =>
      [...new Set(files)].reduce(
        (sum, file) => sum + gzipSync(readFileSync(join(build.dist, file)), { level: 9 }).length,
        0,
      );
    return {
      build: build.name,
      rounds,
      firstTokenMs: median(results.map((result) => result.ms)),
      firstTokenRunsMs: results.map((result) => Math.round(result.ms * 10) / 10),
      scriptGzipBeforeQuestion: gzip(results[0].beforeQuestion),
      scriptGzipThroughAnswer: gzip(results[0].throughAnswer),
    };
  });
}
