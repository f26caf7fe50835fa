/**
 * Benchmark, not a test: the cost of rendering one more token of a streaming
 * answer, early and late in a long answer, for the element's incremental
 * markdown view and for the naive alternative (re-render the whole answer
 * per token). Run:
 *
 *   NODE_OPTIONS='--import tsx' npx web-test-runner --config tests/widget/web-test-runner.config.js \
 *     --files tests/widget/bench/streaming-cost.bench.ts
 *
 * Results in docs/streaming-benchmark.md.
 */
import { benchmarkIntro, benchmarkSection } from '../../../demo/offline-model/answer.ts';
import { MarkdownView } from '../../../widget/markdown/markdown-view.ts';

function answerTokens(count: number): string[] {
  let text = benchmarkIntro('benchmark');
  for (let part = 1; text.length < count * 4; part++) text += benchmarkSection(part);
  // About four characters a token, as the offline model's tokenizer gives.
  return Array.from({ length: count }, (_, index) => text.slice(index * 4, index * 4 + 4));
}

/** Mean microseconds per token in each window of `windowSize` tokens (the clock is too coarse for one token). */
function measure(tokens: string[], render: (token: string) => void, windowSize: number): number[] {
  const windows: number[] = [];
  for (let at = 0; at < tokens.length; at += windowSize) {
    const start = performance.now();
    for (const token of tokens.slice(at, at + windowSize)) {
      render(token);
      // Force layout, as the element does when it keeps the transcript at the bottom.
      void document.body.offsetHeight;
    }
    windows.push(((performance.now() - start) * 1000) / windowSize);
  }
  return windows;
}

it('per-token cost, incremental vs. re-render', () => {
  const tokens = answerTokens(4000);
  const incremental = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
  document.body.append(incremental.root);
  const incrementalCost = measure(tokens, (token) => incremental.append(token), 500);
  incremental.root.remove();

  let text = '';
  let naive = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
  document.body.append(naive.root);
  const naiveCost = measure(
    tokens.slice(0, 2000),
    (token) => {
      text += token;
      const next = new MarkdownView({ allowImages: false, copyCodeLabel: 'Copy code' });
      next.sync(text, false);
      naive.root.replaceWith(next.root);
      naive = next;
    },
    500,
  );
  naive.root.remove();
  console.log(
    `mean µs per token, per 500 tokens: incremental ${incrementalCost.map((us) => us.toFixed(0)).join(' → ')}`,
  );
  console.log(`mean µs per token, per 500 tokens: re-render   ${naiveCost.map((us) => us.toFixed(0)).join(' → ')}`);
});
