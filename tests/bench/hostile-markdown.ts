/// <reference types="node" />
/**
 * `npm run attack:markdown-tasks [-- --ref=<git ref>]`: the longest
 * main-thread task that hostile answers of 1 MiB cost in headless Chromium,
 * through the element's own markdown view (widget/markdown/), both ways an
 * answer arrives: restored whole from storage (one task: render and lay out),
 * and streamed in pieces of 4 characters, 1,024 pieces a task (the longest
 * PerformanceObserver('longtask') entry, or the longest piece). With `--ref`,
 * the same inputs go through that commit's widget/markdown/ instead (a case
 * that runs over 60 s, or `--limit-s=`, is reported as such). The goal: no task over 50 ms.
 * Timings, so not in npm test; the structural bounds are in
 * tests/widget/markdown.limits.test.ts. "Whole" is all of the work in one
 * task (`flush()`), for comparison: the element renders a long answer a slice
 * per frame instead, which tests/bench/markdown-tasks.ts measures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { chromeArgs, findChrome } from '../support/find-chrome.ts';

const MiB = 1 << 20;
/** How long one case may run before it is reported as over (`--limit-s=`). */
const LIMIT_MS = 1_000 * Number(process.argv.find((arg) => arg.startsWith('--limit-s='))?.slice(10) ?? 60);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fill = (unit: string) => unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB);

/** Each 1 MiB: the bombs of issue 11 and the runs the parser holds back, then ordinary answers for comparison. */
const CASES: Record<string, string> = {
  'nested quotes': fill('>'),
  'alternating emphasis': fill('*a _b '),
  'run of |': fill('|'),
  'link padded with spaces': `[a](https://example.test/${' '.repeat(MiB - 40)}x "t")`,
  'open link destination': `[a](${'x'.repeat(MiB - 4)}`,
  'run of digits': fill('1'),
  'run of backticks': fill('`'),
  'table of 1,000 columns': fill(`${'|a'.repeat(1_000)}|\n`),
  'small elements': fill('**b** '),
  'ordinary markdown': fill(
    '## Heading\n\nSome *text* with `code` and a [link](https://example.test/).\n\n- one\n- two\n\n',
  ),
  'plain text': fill('lorem ipsum dolor sit amet '),
};

/** widget/markdown/ as of `ref` (or the working tree), bundled into one script that defines `window.MarkdownView`. */
async function bundle(ref?: string): Promise<string> {
  let entry = join(repoRoot, 'widget/markdown/markdown-view.ts');
  if (ref) {
    const folder = mkdtempSync(join(tmpdir(), 'falcon-markdown-'));
    const files = execFileSync('git', ['ls-tree', '--name-only', ref, 'widget/markdown/'], { cwd: repoRoot })
      .toString()
      .trim()
      .split('\n');
    for (const file of files) {
      const target = join(folder, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, execFileSync('git', ['show', `${ref}:${file}`], { cwd: repoRoot }));
    }
    entry = join(folder, 'widget/markdown/markdown-view.ts');
  }
  const result = await build({
    stdin: {
      contents: `import { MarkdownView } from ${JSON.stringify(entry)}; window.MarkdownView = MarkdownView;`,
      resolveDir: repoRoot,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
    nodePaths: [join(repoRoot, 'node_modules')],
  });
  return result.outputFiles[0].text;
}

interface CaseResult {
  name: string;
  wholeMs: number | string;
  streamedLongestMs: number | string;
  elements: number | string;
}

async function main() {
  const ref = process.argv.find((arg) => arg.startsWith('--ref='))?.slice('--ref='.length);
  const script = await bundle(ref);
  const browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs, headless: true });
  const results: CaseResult[] = [];
  try {
    for (const [name, text] of Object.entries(CASES)) {
      const result: CaseResult = { name, wholeMs: '', streamedLongestMs: '', elements: '' };
      for (const way of ['whole', 'streamed'] as const) {
        const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
        await page.setContent('<!doctype html><body></body>');
        await page.addScriptTag({ content: script });
        const run = page.evaluate(
          async ({ text, way }) => {
            const { MarkdownView } = window as unknown as { MarkdownView: new (options: object) => any };
            const view = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
            document.body.append(view.root);
            let longest = 0;
            const observer = new PerformanceObserver((list) => {
              for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
            });
            observer.observe({ type: 'longtask', buffered: false });
            if (way === 'whole') {
              const start = performance.now();
              view.sync(text, false);
              view.flush?.();
              void document.body.offsetHeight;
              longest = Math.max(longest, performance.now() - start);
            } else {
              for (let at = 0; at < text.length; ) {
                const start = performance.now();
                // 4 KiB a task (the pace of a fast stream, as the element's pacer hands text over per frame).
                for (let i = 0; i < 1_024 && at < text.length; i += 1, at += 4) view.append(text.slice(at, at + 4));
                void document.body.offsetHeight;
                longest = Math.max(longest, performance.now() - start);
                await new Promise((resolve) => setTimeout(resolve, 0));
              }
              view.sync(text, false);
            }
            await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
            observer.disconnect();
            return { longest, elements: view.root.querySelectorAll('*').length };
          },
          { text, way },
        );
        const outcome = await Promise.race([
          run,
          new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), LIMIT_MS)),
        ]).catch((error: Error) => (error.message.includes('crash') ? 'crashed' : `failed: ${error.message}`));
        if (typeof outcome === 'string') {
          result[way === 'whole' ? 'wholeMs' : 'streamedLongestMs'] =
            outcome === 'timeout' ? `> ${LIMIT_MS / 1_000} s` : outcome;
        } else {
          result[way === 'whole' ? 'wholeMs' : 'streamedLongestMs'] = Math.round(outcome.longest);
          result.elements = outcome.elements;
        }
        await page.close({ runBeforeUnload: false }).catch(() => undefined);
      }
      results.push(result);
      console.log(JSON.stringify(result));
    }
  } finally {
    await browser.close();
  }
  console.table(results);
}

await main();
