/// <reference types="node" />
/**
 * 1. Streaming render cost: answers of 100, 1,000 and 10,000 tokens of
 * markdown (headings, lists, a table and a code block every ~90 tokens) from
 * the offline model, through the worker in `wrangler dev`, into a real
 * `<falcon-chat>` built from dist/ in headless Chromium. One fresh page per
 * answer, sized like a phone (390×844); a 30-token answer and Clear first, so
 * the measured answer shows the cost per token rather than start-up costs.
 *
 * Main-thread time per token is script time (from a Chromium trace; the
 * protocol's ScriptDuration leaves out promise jobs, where a streamed answer's
 * JavaScript runs) plus layout and style-recalc time (DevTools protocol,
 * Performance.getMetrics) during the answer, divided by its tokens. Tasks come
 * from the same trace (every top-level task of the page's main thread) and
 * from PerformanceObserver('longtask') in the page, memory from
 * Runtime.getHeapUsage after a forced garbage collection.
 */
import { writeFileSync } from 'node:fs';
import type { Browser, CDPSession } from 'playwright-core';
import { offlineDirective, CONTEXT_TOKENS, type BenchStack } from './lib/bench-stack.ts';

export interface RenderCase {
  tokens: number;
  /** ms between tokens at the model: 0 as fast as possible, 20 for 50 tokens/s. */
  delay: number;
  /** Chromium CPU throttling (1: this machine, 4: a modest phone as Lighthouse emulates one). */
  cpuSlowdown: number;
}

export interface RenderResult extends RenderCase {
  ok: boolean;
  error?: string;
  /** Wall time from send() to falcon-chat-response. */
  streamMs: number;
  answerChars: number;
  /** Script (trace) + layout + style-recalc (Performance.getMetrics) main-thread ms per token of the model's. */
  mainThreadMsPerToken: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  /** All main-thread task time (Performance.getMetrics TaskDuration), per token. */
  taskMsPerToken: number;
  /** Main-thread self time by kind of work, from the trace. */
  selfMs: Record<TimeKind, number>;
  layouts: number;
  forcedLayouts: number;
  styleRecalcs: number;
  longestTaskMs: number;
  /** Where the longest task's time went (trace event names, self time). */
  longestTaskBreakdown: { name: string; ms: number }[];
  tasksOver50ms: number;
  /** Tasks over 50 ms: ms after the question went out, length, and thread (CPU) time within it. */
  longTasks: { atMs: number; ms: number; cpuMs: number }[];
  /** Tasks whose thread time alone was over 50 ms (a task can last longer when the machine descheduled the thread). */
  tasksOver50msCpu: number;
  /** What PerformanceObserver('longtask') saw (tasks of 50 ms or more). */
  longTasksObserved: number;
  longestObservedMs: number;
  /** JS heap in use after GC, before the answer and after it. */
  heapBeforeMiB: number;
  heapAfterMiB: number;
  domNodesAfter: number;
  /** What the answer rendered as: markdown elements inside the last answer. */
  rendered: { headings: number; listItems: number; tables: number; codeBlocks: number };
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>falcon-chat render benchmark</title>
<style>html, body { margin: 0; height: 100%; } falcon-chat { --falcon-chat-height: 100vh; }</style>
<script type="module" src="/falcon-chat.js"></script>
</head>
<body><falcon-chat heading="Benchmark" max-new-tokens="${CONTEXT_TOKENS - 1_000}"></falcon-chat></body>
</html>`;

type Metrics = Record<string, number>;
async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map(({ name, value }) => [name, value]));
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event: less than `dur` when the thread was descheduled. */
  tdur?: number;
  args?: { name?: string };
}

export type TimeKind = 'script' | 'style' | 'layout' | 'paint' | 'gc' | 'other';

/** Which kind of main-thread work a trace event is, as DevTools' summary groups them. */
function kindOf(name: string): TimeKind {
  if (/GC|Sweep|Scavenge|Mark[A-Z]/.test(name)) return 'gc';
  if (
    name === 'UpdateLayoutTree' ||
    name === 'RecalculateStyles' ||
    name === 'ParseAuthorStyleSheet' ||
    name === 'ScheduleStyleRecalculation'
  )
    return 'style';
  if (name === 'Layout' || name === 'InvalidateLayout' || name === 'LocalFrameView::layout') return 'layout';
  if (
    /^(Paint|PrePaint|Layerize|UpdateLayer|UpdateLayerTree|PaintImage|CompositeLayers|Commit|Decode|Raster|ScrollLayer)/.test(
      name,
    )
  )
    return 'paint';
  if (
    /^(FunctionCall|EvaluateScript|EvaluateModule|RunMicrotasks|TimerFire|FireAnimationFrame|EventDispatch|HandlePostMessage|XHR|ParseHTML|v8\.|V8\.|CompileScript|CompileCode|CacheScript|StreamingCompile)/i.test(
      name,
    )
  )
    return 'script';
  return 'other';
}

export interface TraceSummary {
  /** Outermost tasks of the page's main thread, ms, in order. */
  tasks: number[];
  /** Tasks over 50 ms: when (ms after the question went out), how long, and how much of it the thread ran. */
  longTasks: { atMs: number; ms: number; cpuMs: number }[];
  taskCpu: number[];
  /** Self time by kind of work, ms. */
  selfMs: Record<TimeKind, number>;
  /** Layouts, and those forced by script reading geometry (inside script, not at a frame). */
  layouts: number;
  forcedLayouts: number;
  styleRecalcs: number;
  /** Within the longest task: the biggest self times by event name, ms. */
  longestTaskBreakdown: { name: string; ms: number }[];
}

/**
 * Main-thread work in a Chromium trace: the page's renderer main thread,
 * nested events turned into self times (an event's time minus its children's).
 */
export function summariseTrace(trace: Buffer, { fromMark = false } = {}): TraceSummary {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const all = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mainThreads = new Set(
    all
      .filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain')
      .map((event) => `${event.pid}:${event.tid}`),
  );
  // Complete events ('X') and begin/end pairs ('B'/'E') as spans, per thread.
  const spans: {
    name: string;
    thread: string;
    start: number;
    end: number;
    cpu?: number;
    child: number;
    inScript?: boolean;
  }[] = [];
  const open = new Map<string, TraceEvent[]>();
  for (const event of all) {
    const thread = `${event.pid}:${event.tid}`;
    if (!mainThreads.has(thread)) continue;
    if (event.ph === 'X')
      spans.push({
        name: event.name,
        thread,
        start: event.ts,
        end: event.ts + (event.dur ?? 0),
        cpu: event.tdur,
        child: 0,
      });
    else if (event.ph === 'B') open.set(thread, [...(open.get(thread) ?? []), event]);
    else if (event.ph === 'E') {
      const begin = open.get(thread)?.pop();
      if (begin) spans.push({ name: begin.name, thread, start: begin.ts, end: event.ts, child: 0 });
    }
  }
  spans.sort((a, b) => a.thread.localeCompare(b.thread) || a.start - b.start || b.end - a.end);

  const selfMs: Record<TimeKind, number> = { script: 0, style: 0, layout: 0, paint: 0, gc: 0, other: 0 };
  const tasks: { start: number; end: number; cpu?: number }[] = [];
  // performance.mark('falcon-chat-bench-send') in the page: when the question went out.
  const sent = all.find(
    (event) =>
      event.name === 'falcon-chat-bench-send' &&
      (event.ph === 'R' || event.ph === 'I' || event.ph === 'i' || event.ph === 'b' || event.ph === 'n'),
  )?.ts;
  const stack: typeof spans = [];
  let layouts = 0;
  let forcedLayouts = 0;
  let styleRecalcs = 0;
  for (const span of spans) {
    while (stack.length > 0 && (stack.at(-1)!.thread !== span.thread || stack.at(-1)!.end <= span.start)) stack.pop();
    const parent = stack.at(-1);
    if (parent) {
      parent.child += Math.min(span.end, parent.end) - span.start;
      span.inScript = parent.inScript || kindOf(parent.name) === 'script';
    } else if (
      (span.name === 'RunTask' || span.name === 'ThreadControllerImpl::RunTask') &&
      // With `fromMark`, only tasks that started after the page's mark count (page start-up before it does not).
      !(fromMark && sent !== undefined && span.start < sent)
    )
      tasks.push({ start: span.start, end: span.end, cpu: span.cpu });
    if (span.name === 'Layout') {
      layouts++;
      // A layout inside script is a forced (synchronous) one: the script read a size or position.
      if (span.inScript) forcedLayouts++;
    }
    if (span.name === 'UpdateLayoutTree') styleRecalcs++;
    stack.push(span);
  }
  for (const span of spans) selfMs[kindOf(span.name)] += Math.max(0, span.end - span.start - span.child) / 1000;

  const longest = tasks.reduce<{ start: number; end: number } | undefined>(
    (best, task) => (!best || task.end - task.start > best.end - best.start ? task : best),
    undefined,
  );
  const byName = new Map<string, number>();
  if (longest) {
    for (const span of spans) {
      if (span.start >= longest.start && span.end <= longest.end)
        byName.set(span.name, (byName.get(span.name) ?? 0) + Math.max(0, span.end - span.start - span.child) / 1000);
    }
  }
  return {
    tasks: tasks.map((task) => (task.end - task.start) / 1000),
    longTasks: tasks
      .filter((task) => task.end - task.start > 50_000)
      .map((task) => ({
        atMs: sent === undefined ? NaN : Math.round((task.start - sent) / 1000),
        ms: Math.round((task.end - task.start) / 1000),
        cpuMs: task.cpu === undefined ? NaN : Math.round(task.cpu / 1000),
      })),
    /** Outermost tasks' thread time, ms (NaN where the trace has none). */
    taskCpu: tasks.map((task) => (task.cpu === undefined ? NaN : task.cpu / 1000)),
    selfMs,
    layouts,
    forcedLayouts,
    styleRecalcs,
    longestTaskBreakdown: [...byName.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, ms]) => ({ name, ms })),
  };
}

export async function measureRender(
  stack: BenchStack,
  browser: Browser,
  testCase: RenderCase,
  tracePath?: string,
): Promise<RenderResult> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  try {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route('**/__bench/render.html', (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: PAGE }),
    );
    // tsx (esbuild keepNames) wraps named functions in the callbacks below in `__name(...)`.
    await page.addInitScript('window.__name = (fn) => fn;');
    await page.addInitScript(() => {
      const seen: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = seen;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) seen.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    // Each page on a host of its own (*.localhost is loopback to Chromium): the worker rate-limits per page origin and address.
    await page.goto(`${stack.nextOrigin()}:${new URL(stack.worker.url).port}/__bench/render.html`);
    await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);
    // A short answer first, then Clear: code is compiled and warm, so the measured answer shows per-token cost, not start-up.
    // The input has focus first, as a visitor's typing gives it (the element prepares its markdown then).
    const warmUp = `Warm up. ${offlineDirective({ tokens: 30, delay: 0 })}`;
    await page.evaluate(async (text) => {
      const element = document.querySelector('falcon-chat') as HTMLElement & {
        updateComplete: Promise<unknown>;
        send(text: string): boolean;
        clear(): void;
      };
      await element.updateComplete;
      element.shadowRoot!.querySelector<HTMLElement>('[part~="input"]')!.focus();
      await new Promise<void>((resolve, reject) => {
        element.addEventListener('falcon-chat-response', () => resolve(), { once: true });
        element.addEventListener(
          'falcon-chat-error',
          (event) => reject(new Error(`warm-up failed: ${JSON.stringify((event as CustomEvent).detail)}`)),
          { once: true },
        );
        element.send(text);
      });
      element.clear();
      await element.updateComplete;
      await new Promise((resolve) => setTimeout(resolve, 200));
      (window as unknown as { __longTasks: number[] }).__longTasks.length = 0;
    }, warmUp);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    if (testCase.cpuSlowdown !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: testCase.cpuSlowdown });
    await cdp.send('HeapProfiler.collectGarbage');
    const heapBefore = await cdp.send('Runtime.getHeapUsage');
    await browser.startTracing(page, {
      categories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'toplevel',
        'v8.execute',
        'blink.user_timing',
      ],
    });
    const before = await metrics(cdp);

    const question = `Write a long answer. ${offlineDirective({ tokens: testCase.tokens, delay: testCase.delay })}`;
    const outcome = await page.evaluate(
      (text) =>
        new Promise<{ ok: boolean; ms: number; chars: number; error?: string; finishReason?: string }>((resolve) => {
          const element = document.querySelector('falcon-chat') as HTMLElement & { send(text: string): boolean };
          const started = performance.now();
          performance.mark('falcon-chat-bench-send');
          // The last render happens after the event; wait two frames for it.
          const settle = (result: { ok: boolean; chars: number; error?: string; finishReason?: string }) =>
            requestAnimationFrame(() =>
              requestAnimationFrame(() => resolve({ ...result, ms: performance.now() - started })),
            );
          element.addEventListener(
            'falcon-chat-response',
            (event) => {
              const { text, finishReason } = (event as CustomEvent<{ text: string; finishReason: string }>).detail;
              settle({ ok: true, chars: text.length, finishReason });
            },
            { once: true },
          );
          element.addEventListener(
            'falcon-chat-error',
            (event) => {
              settle({ ok: false, chars: 0, error: JSON.stringify((event as CustomEvent).detail) });
            },
            { once: true },
          );
          if (!element.send(text)) resolve({ ok: false, ms: 0, chars: 0, error: 'send() refused the question' });
        }),
      question,
    );
    const after = await metrics(cdp);
    const trace = await browser.stopTracing();
    if (testCase.cpuSlowdown !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

    await cdp.send('HeapProfiler.collectGarbage');
    const heapAfter = await cdp.send('Runtime.getHeapUsage');
    const nodesAfter = await metrics(cdp);
    const observed = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
    const rendered = await page.evaluate(() => {
      const root = document.querySelector('falcon-chat')!.shadowRoot!;
      const answers = root.querySelectorAll('[part~="assistant-message"]');
      const answer = answers[answers.length - 1];
      const count = (selector: string) => answer?.querySelectorAll(selector).length ?? 0;
      return {
        headings: count('h1, h2, h3, h4'),
        listItems: count('li'),
        tables: count('table'),
        codeBlocks: count('pre'),
      };
    });
    if (tracePath) writeFileSync(tracePath, trace);
    const summary = summariseTrace(trace);
    const tasks = summary.tasks;
    const delta = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
    // Chromium's ScriptDuration leaves out promise jobs (where a streamed answer's JS runs): script time comes from the trace.
    const scriptMs = summary.selfMs.script;
    const layoutMs = delta('LayoutDuration');
    const styleMs = delta('RecalcStyleDuration');
    const error =
      outcome.error ??
      (outcome.finishReason && outcome.finishReason !== 'stop' ? `finishReason ${outcome.finishReason}` : undefined) ??
      pageErrors[0];
    return {
      ...testCase,
      ok: outcome.ok && !error,
      error,
      streamMs: outcome.ms,
      answerChars: outcome.chars,
      mainThreadMsPerToken: (scriptMs + layoutMs + styleMs) / testCase.tokens,
      scriptMs,
      layoutMs,
      styleMs,
      taskMsPerToken: delta('TaskDuration') / testCase.tokens,
      selfMs: summary.selfMs,
      layouts: summary.layouts,
      forcedLayouts: summary.forcedLayouts,
      styleRecalcs: summary.styleRecalcs,
      longestTaskMs: Math.max(0, ...tasks),
      longestTaskBreakdown: summary.longestTaskBreakdown,
      tasksOver50ms: tasks.filter((ms) => ms > 50).length,
      longTasks: summary.longTasks,
      tasksOver50msCpu: summary.taskCpu.filter((ms) => ms > 50).length,
      longTasksObserved: observed.length,
      longestObservedMs: Math.max(0, ...observed),
      heapBeforeMiB: heapBefore.usedSize / 2 ** 20,
      heapAfterMiB: heapAfter.usedSize / 2 ** 20,
      domNodesAfter: nodesAfter.Nodes ?? NaN,
      rendered,
    };
  } finally {
    await context.close();
  }
}
