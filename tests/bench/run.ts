/// <reference types="node" />
/**
 * `npm run bench`: the performance of falcon-chat on this machine, in one
 * command and separate from the tests (which assert no timings). Builds the
 * element and the worker, starts the offline model and `wrangler dev`, drives
 * them (and headless Chromium), prints one table and writes the results as
 * JSON. See docs/performance.md for what each line means.
 *
 *   npm run bench                        everything (about 5 minutes on 2 cores)
 *   npm run bench -- --only=render,size  some of: render, overhead, concurrency, cpu, size, first-token, budget, markdown
 *   npm run bench -- --only=first-token --baseline-dist=/path/to/older/dist   first token, this build beside an older one
 *     (--rounds=N: rounds of it, 9 unless told)
 *   npm run bench -- --full              also the 10,000-token answer at 50 tokens/s (200 s more)
 *   npm run bench -- --out=path.json     where the JSON goes (default tests/bench/results.json)
 *   npm run bench -- --traces            keep the Chromium traces of the render runs
 *   npm run bench -- --dev-inspection    also time the worker with wrangler dev's network inspection on
 *   npm run bench -- --print=results.json  the table of an earlier run again
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { chromeArgs, findChrome } from '../support/find-chrome.ts';
import { type BudgetResult, measureBudget } from './budget.ts';
import { measureConcurrency, type ConcurrencyResult } from './concurrency.ts';
import { snapshotApp, startBenchStack, type BenchStack } from './lib/bench-stack.ts';
import { describeMachine, measureFreeCores, type MachineInfo } from './lib/machine.ts';
import { fmt, median } from './lib/stats.ts';
import { measureRender, type RenderCase, type RenderResult } from './render.ts';
import { type MarkdownTaskResult, measureMarkdownTasks, sizeName } from './markdown-tasks.ts';
import { buildWorkerBundle, measureSizes, type SizeResult } from './size.ts';
import { type FirstTokenResult, measureFirstToken } from './first-token.ts';
import { measureRelayBaseline, type RelayBaselineResult } from './relay-baseline.ts';
import { measureWorkerCpu, type CpuResult } from './worker-cpu.ts';
import { DEV_INSPECTION_CASE, measureWorkerOverhead, OVERHEAD_CASES, type OverheadResult } from './worker-overhead.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const BENCHES = ['render', 'overhead', 'concurrency', 'cpu', 'size', 'first-token', 'budget', 'markdown'] as const;
type Bench = (typeof BENCHES)[number];

const args = process.argv.slice(2);
const flag = (name: string) => args.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
const value = (name: string) => flag(name)?.split('=').slice(1).join('=');
const only = value('only')
  ?.split(',')
  .map((name) => name.trim()) as Bench[] | undefined;
for (const name of only ?? [])
  if (!BENCHES.includes(name)) throw new Error(`--only: unknown benchmark "${name}" (known: ${BENCHES.join(', ')})`);
const selected = (name: Bench) => !only || only.includes(name);
const outPath = value('out') ?? join(repoRoot, 'tests/bench/results.json');
const keepTraces = Boolean(flag('traces'));
const full = Boolean(flag('full'));
const devInspection = Boolean(flag('dev-inspection'));
/** An older build's dist/ folder, measured beside this one by the first-token bench. */
const baselineDist = value('baseline-dist');
/** Rounds of the first-token bench (each asks once per build, from a new page origin). */
const firstTokenRounds = Number(value('rounds') ?? 9);
if (!Number.isSafeInteger(firstTokenRounds) || firstTokenRounds < 1) throw new Error('--rounds: a whole number ≥ 1');

interface Row {
  bench: string;
  measure: string;
  result: string;
  goal?: string;
  met?: boolean;
}

interface Results {
  machine: MachineInfo;
  rows: Row[];
  render?: RenderResult[];
  overhead?: OverheadResult[];
  relayBaseline?: RelayBaselineResult;
  concurrency?: ConcurrencyResult;
  cpu?: CpuResult;
  size?: SizeResult;
  firstToken?: FirstTokenResult[];
  budget?: BudgetResult;
  markdown?: MarkdownTaskResult[];
  notes: string[];
}

const log = (line: string) => console.log(line);
const run = promisify(execFile);

/** The render matrix: as fast as the stream goes, here and on a phone-speed CPU; and at 50 tokens/s on the phone. */
function renderCases(): (RenderCase & { reps: number })[] {
  const cases: (RenderCase & { reps: number })[] = [];
  for (const cpuSlowdown of [1, 4]) {
    cases.push(
      { tokens: 100, delay: 0, cpuSlowdown, reps: 3 },
      { tokens: 1_000, delay: 0, cpuSlowdown, reps: 3 },
      { tokens: 10_000, delay: 0, cpuSlowdown, reps: 1 },
    );
  }
  cases.push(
    { tokens: 100, delay: 20, cpuSlowdown: 4, reps: 1 },
    { tokens: 1_000, delay: 20, cpuSlowdown: 4, reps: 1 },
  );
  if (full) cases.push({ tokens: 10_000, delay: 20, cpuSlowdown: 4, reps: 1 });
  return cases;
}

const paceName = (delay: number) => (delay === 0 ? 'as fast as possible' : `${Math.round(1000 / delay)} tokens/s`);
const cpuName = (slowdown: number) => (slowdown === 1 ? 'this CPU' : `CPU ÷${slowdown} (phone)`);

/** `--print=results.json`: the table of an earlier run, without running anything. */
function reprint(path: string) {
  const results = JSON.parse(readFileSync(path, 'utf8')) as Results;
  results.rows = [];
  if (results.render) addRenderRows(results);
  if (results.overhead) addOverheadRows(results);
  if (results.concurrency) addConcurrencyRows(results);
  if (results.cpu) addCpuRows(results);
  if (results.size) addSizeRows(results);
  if (results.firstToken) addFirstTokenRows(results);
  if (results.budget) addBudgetRows(results);
  if (results.markdown) addMarkdownRows(results);
  printTable(results);
}

async function main() {
  const printPath = value('print');
  if (printPath) return reprint(printPath);
  const started = performance.now();
  const freeCores = await measureFreeCores();
  const outDir = mkdtempSync(join(tmpdir(), 'falcon-chat-bench-'));
  const results: Results = { machine: { ...describeMachine(), freeCores }, rows: [], notes: [] };
  log(`falcon-chat benchmarks, ${results.machine.date}`);
  log(
    `${results.machine.cores} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}, wrangler ${results.machine.wrangler}, commit ${results.machine.commit}`,
  );
  log(
    `load average ${fmt(results.machine.loadAverage, 2)}; a busy loop per core got ${fmt(freeCores, 2)} of ${results.machine.cores} cores`,
  );
  if (freeCores < results.machine.cores * 0.8) {
    const note = `The machine was busy when the run started (${fmt(freeCores, 2)} of ${results.machine.cores} cores free): timings are inflated.`;
    results.notes.push(note);
    log(`WARNING: ${note}`);
  }

  log('building the element (npm run build) and the worker bundle (wrangler deploy --dry-run)…');
  await run('npm', ['run', 'build', '--silent'], { cwd: repoRoot });
  // Everything below runs this copy: edits and rebuilds meanwhile would make wrangler dev restart the worker.
  const app = snapshotApp(join(outDir, 'app'));
  const bundleDir = join(outDir, 'worker-bundle');
  const wranglerOutput = await buildWorkerBundle(app, bundleDir);
  const bundlePath = join(bundleDir, 'index.js');

  if (selected('size')) {
    results.size = measureSizes(app, bundlePath, wranglerOutput);
    addSizeRows(results);
  }

  const needsStack =
    selected('render') || selected('overhead') || selected('concurrency') || selected('cpu') || selected('first-token');
  let stack: BenchStack | undefined;
  let browser: Browser | undefined;
  const stopAll = async () => {
    await browser?.close().catch(() => {});
    await stack?.stop().catch(() => {});
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  }
  try {
    if (needsStack) {
      log('starting the offline model and wrangler dev…');
      stack = await startBenchStack({ root: app });
    }
    if (stack && selected('overhead')) {
      log('2. what the worker adds…');
      results.overhead = await measureWorkerOverhead(
        stack,
        devInspection ? [...OVERHEAD_CASES, DEV_INSPECTION_CASE] : OVERHEAD_CASES,
        log,
      );
      results.relayBaseline = await measureRelayBaseline(outDir, { log });
      addOverheadRows(results);
    }
    if (stack && selected('cpu')) {
      log('4. CPU per answer…');
      results.cpu = await measureWorkerCpu(stack, {
        bundlePath,
        outDir,
        wranglerToml: join(app, 'wrangler.toml'),
        log,
      });
      addCpuRows(results);
    }
    if (stack && selected('render')) {
      log('1. streaming render cost…');
      browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs });
      results.machine.chromium = browser.version();
      results.render = [];
      for (const testCase of renderCases()) {
        const runs: RenderResult[] = [];
        for (let rep = 0; rep < testCase.reps; rep++) {
          const trace = keepTraces
            ? join(outDir, `trace-${testCase.tokens}-${testCase.delay}-${testCase.cpuSlowdown}x-${rep}.json`)
            : undefined;
          let result = await measureRender(stack, browser, testCase, trace).catch((error: Error) => error);
          // One more try when the answer failed.
          if (result instanceof Error || !result.ok) {
            log(
              `  ${testCase.tokens} tokens: ${result instanceof Error ? result.message : result.error}; trying once more`,
            );
            result = await measureRender(stack, browser, testCase, trace);
          }
          runs.push(result);
        }
        const summary = summariseRuns(runs);
        results.render.push(summary);
        log(
          `  ${testCase.tokens} tokens, ${paceName(testCase.delay)}, ${cpuName(testCase.cpuSlowdown)}: ${fmt(summary.mainThreadMsPerToken, 3)} ms/token, ` +
            `longest task ${fmt(summary.longestTaskMs, 0)} ms, ${summary.tasksOver50ms} over 50 ms${summary.ok ? '' : `, FAILED: ${summary.error}`}`,
        );
      }
      await browser.close();
      browser = undefined;
      addRenderRows(results);
    }
    if (stack && selected('first-token')) {
      log('6. send to first token on screen…');
      browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs });
      const builds = [{ name: 'this', dist: join(app, 'dist') }];
      if (baselineDist) builds.unshift({ name: 'baseline', dist: baselineDist });
      results.firstToken = await measureFirstToken(stack, browser, builds, firstTokenRounds);
      await browser.close();
      browser = undefined;
      addFirstTokenRows(results);
    }
    if (stack && selected('concurrency')) {
      log('3. 200 visitors at once…');
      results.concurrency = await measureConcurrency(stack, { log });
      addConcurrencyRows(results);
    }
    if (selected('markdown')) {
      log('8. hostile answers of up to 1 MiB, restored and streamed: longest task…');
      browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs });
      results.markdown = await measureMarkdownTasks(browser, join(app, 'dist'), { log });
      await browser.close();
      browser = undefined;
      addMarkdownRows(results);
    }
    if (selected('budget')) {
      log('6. token budgets…');
      results.budget = await measureBudget({ root: app, log });
      addBudgetRows(results);
    }
  } finally {
    await stopAll();
  }

  results.machine.loadAverageAtEnd = loadavg()[0];
  printTable(results);
  mkdirSync(join(outPath, '..'), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nresults: ${relative(process.cwd(), outPath) || outPath}`);
  log(`profiles, traces and the worker bundle: ${outDir}`);
  log(`took ${fmt((performance.now() - started) / 1000 / 60, 1)} minutes`);
}

/** Several runs of one render case: the median run by per-token time, and the worst tasks of any run. */
function summariseRuns(runs: RenderResult[]): RenderResult {
  const sorted = [...runs].sort((a, b) => a.mainThreadMsPerToken - b.mainThreadMsPerToken);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  return {
    ...middle,
    ok: runs.every((run) => run.ok),
    error: runs.find((run) => !run.ok)?.error,
    mainThreadMsPerToken: median(runs.map((run) => run.mainThreadMsPerToken)),
    taskMsPerToken: median(runs.map((run) => run.taskMsPerToken)),
    longestTaskMs: Math.max(...runs.map((run) => run.longestTaskMs)),
    tasksOver50ms: Math.max(...runs.map((run) => run.tasksOver50ms)),
    tasksOver50msCpu: Math.max(...runs.map((run) => run.tasksOver50msCpu)),
    longTasks: runs.flatMap((run) => run.longTasks),
    longTasksObserved: Math.max(...runs.map((run) => run.longTasksObserved)),
    longestObservedMs: Math.max(...runs.map((run) => run.longestObservedMs)),
    reps: runs.length,
  } as RenderResult;
}

function addRenderRows(results: Results) {
  const render = results.render ?? [];
  for (const result of render) {
    const rendered = result.rendered;
    results.rows.push({
      bench: '1 Render',
      measure: `${fmtInt(result.tokens)} tokens, ${paceName(result.delay)}, ${cpuName(result.cpuSlowdown)}`,
      result:
        `${fmt(result.mainThreadMsPerToken, 3)} ms/token; ` +
        `longest task ${fmt(result.longestTaskMs, 0)} ms, ${result.tasksOver50ms} over 50 ms (${result.tasksOver50msCpu} by thread time); ${fmtInt(result.forcedLayouts)} forced layouts; ` +
        `heap ${fmt(result.heapAfterMiB, 1)} MiB, ${fmtInt(result.domNodesAfter)} DOM nodes` +
        (rendered.tables + rendered.codeBlocks + rendered.listItems === 0 ? '; NO MARKDOWN RENDERED' : '') +
        (result.ok ? '' : `; FAILED: ${result.error}`),
    });
  }
  for (const delay of [0]) {
    for (const cpuSlowdown of [1, 4]) {
      const at = (tokens: number) =>
        render.find((r) => r.tokens === tokens && r.delay === delay && r.cpuSlowdown === cpuSlowdown);
      const short = at(100);
      const long = at(10_000);
      if (short && long) {
        const ratio = long.mainThreadMsPerToken / short.mainThreadMsPerToken;
        results.rows.push({
          bench: '1 Render',
          measure: `per-token time, 10,000 vs 100 tokens (${paceName(delay)}, ${cpuName(cpuSlowdown)})`,
          result: `${fmt(ratio, 2)}×`,
          goal: '≤ 1.5×',
          met: ratio <= 1.5,
        });
      }
    }
  }
  for (const cpuSlowdown of [1, 4]) {
    const group = render.filter((r) => r.cpuSlowdown === cpuSlowdown);
    if (group.length === 0) continue;
    const over = group.reduce((total, r) => total + r.tasksOver50ms, 0);
    // A task can last longer than its thread ran when the machine descheduled it; the goal counts wall time.
    const overByThread = group.reduce((total, r) => total + r.tasksOver50msCpu, 0);
    const longest = Math.max(...group.map((r) => r.longestTaskMs));
    results.rows.push({
      bench: '1 Render',
      measure: `tasks over 50 ms, all answers (${cpuName(cpuSlowdown)})`,
      result: `${over} (longest ${fmt(longest, 0)} ms); ${overByThread} by thread time`,
      goal: '0',
      met: over === 0,
    });
  }
  const markdown = render.find((r) => r.tokens === 1_000)?.rendered;
  if (markdown) {
    results.rows.push({
      bench: '1 Render',
      measure: 'markdown in the 1,000-token answer',
      result: `${markdown.headings} headings, ${markdown.listItems} list items, ${markdown.tables} tables, ${markdown.codeBlocks} code blocks rendered`,
    });
  }
}

function addOverheadRows(results: Results) {
  for (const result of results.overhead ?? []) {
    const name = `${fmtInt(result.tokens)} tokens, ${result.name}`;
    const { direct, worker, wrangler } = result.arms;
    const goals = !result.networkInspection;
    const errors = result.errors.length ? `; ${result.errors.length} errors` : '';
    const worst = Math.max(result.addedTtftMs.wrangler, result.addedTtftMs.worker);
    // Before its first byte the offline model plans the whole answer: for 10,000 tokens that takes 100-300 ms and
    // varies more than anything the worker adds, so the first-token goal is judged on the shorter answers.
    const ttftGoal = goals && result.tokens <= 1_000;
    results.rows.push({
      bench: '2 Worker adds',
      measure: `${name}: first token`,
      result:
        `${fmt(direct.ttftMs, 1)} ms direct; through wrangler dev ${fmt(wrangler.ttftMs, 1)} ms (${signed(result.addedTtftMs.wrangler)}), ` +
        `worker alone ${fmt(worker.ttftMs, 1)} ms (${signed(result.addedTtftMs.worker)})${errors}`,
      goal: ttftGoal ? '< +5 ms' : undefined,
      met: ttftGoal ? worst < 5 : undefined,
    });
    results.rows.push({
      bench: '2 Worker adds',
      measure: `${name}: tokens/s`,
      result:
        `${fmtInt(direct.tokensPerSecond)} direct; through wrangler dev ${fmtInt(wrangler.tokensPerSecond)} (${fmt(result.throughputRatio.wrangler * 100, 0)} %), ` +
        `worker alone ${fmtInt(worker.tokensPerSecond)} (${fmt(result.throughputRatio.worker * 100, 0)} %)`,
      goal: goals ? '≥ 90 %' : undefined,
      met: goals ? Math.min(result.throughputRatio.wrangler, result.throughputRatio.worker) >= 0.9 : undefined,
    });
  }
  const baseline = results.relayBaseline;
  if (baseline) {
    const { direct, pipe, js } = baseline.arms;
    results.rows.push({
      bench: '2 Worker adds',
      measure: `reference relays in the same runtime, ${fmtInt(baseline.tokens)} tokens as fast as possible: tokens/s`,
      result:
        `${fmtInt(direct.tokensPerSecond)} direct; body piped by the runtime ${fmtInt(pipe.tokensPerSecond)} (${fmt(baseline.throughputRatio.pipe * 100, 0)} %), ` +
        `every chunk read in JavaScript ${fmtInt(js.tokensPerSecond)} (${fmt(baseline.throughputRatio.js * 100, 0)} %)`,
    });
  }
}

function addSizeRows(results: Results) {
  const size = results.size!;
  for (const file of size.files) {
    results.rows.push({
      bench: '5 Size',
      measure: file.file,
      result: `${kb(file.raw)} raw, ${kb(file.gzip)} gzip, ${kb(file.brotli)} brotli`,
    });
  }
  for (const [measure, set] of [
    ['loaded before the first question (ES entry and its imports)', size.beforeFirstQuestion],
    ['loaded through the first answer (plus the reader and markdown chunks)', size.throughFirstAnswer],
  ] as const) {
    results.rows.push({
      bench: '5 Size',
      measure,
      result: `${kb(set.gzip)} gzip, ${kb(set.brotli)} brotli (${set.files.length} files)`,
    });
  }
  const parts = size.workerBundleParts.slice(0, 3).map((part) => `${part.part} ${Math.round(part.share * 100)} %`);
  results.rows.push({ bench: '5 Size', measure: 'worker bundle, biggest parts (raw)', result: parts.join(', ') });
}

function addFirstTokenRows(results: Results) {
  for (const result of results.firstToken!) {
    results.rows.push({
      bench: '6 First token',
      measure: `${result.build} build: send() to first text painted, fresh page (median of ${result.rounds})`,
      result:
        `${fmt(result.firstTokenMs, 1)} ms; scripts ${kb(result.scriptGzipBeforeQuestion)} gzip before the question, ` +
        `${kb(result.scriptGzipThroughAnswer)} through the answer`,
    });
  }
}

function addBudgetRows(results: Results) {
  const budget = results.budget!;
  for (const place of budget.places) {
    const errors = place.errors ? `; ${place.errors} errors` : '';
    results.rows.push({
      bench: '7 Budgets',
      measure: `first token with both budgets (reserve in 2 objects), state on ${place.state}, median of ${budget.questions}`,
      result: `${fmt(place.ttftMs.on, 1)} ms vs ${fmt(place.ttftMs.off, 1)} ms without (${signed(place.addedTtftMs)})${errors}`,
      goal: '< +5 ms',
      met: place.addedTtftMs < 5,
    });
    for (const { lanes, reservationsPerSecond } of place.throughput) {
      results.rows.push({
        bench: '7 Budgets',
        measure: `one object, state on ${place.state}, ${lanes} callers at once: reservations/s, each also settled`,
        result: fmtInt(reservationsPerSecond),
      });
    }
  }
}

function addMarkdownRows(results: Results) {
  const markdown = results.markdown!;
  for (const way of ['restored', 'streamed'] as const) {
    for (const size of [...new Set(markdown.map((result) => result.size))]) {
      const group = markdown.filter((result) => result.way === way && result.size === size);
      if (!group.length) continue;
      const worst = group.reduce((a, b) => (b.longestTaskMs > a.longestTaskMs ? b : a));
      const failed = group.filter((result) => !result.ok);
      results.rows.push({
        bench: '8 Hostile answers',
        measure: `longest task, ${group.length} kinds of answer of ${sizeName(size)}, ${way}`,
        result:
          `${fmt(worst.longestTaskMs, 0)} ms (${worst.kind}); by thread time ${fmt(Math.max(...group.map((r) => r.longestTaskCpuMs)), 0)} ms; ` +
          `${group.filter((r) => r.longestTaskMs > 50).length} kinds with a task over 50 ms` +
          (failed.length ? `; FAILED: ${failed.map((r) => `${r.kind}: ${r.error}`).join(', ')}` : ''),
        goal: '≤ 50 ms',
        met: worst.longestTaskMs <= 50 && !failed.length,
      });
    }
  }
}

function addCpuRows(results: Results) {
  const cpu = results.cpu!;
  results.rows.push({
    bench: '4 CPU',
    measure: `worker code, one ${fmtInt(cpu.tokens)}-token answer, every token on its own (bundle in Node, upstream in memory)`,
    result: `${fmt(cpu.codeMsPerAnswer, 2)} ms (${cpu.tokenEvents} token events)`,
    goal: '< 5 ms',
    met: cpu.codeMsPerAnswer < 5,
  });
  const sources = cpu.bySource.slice(0, 4).map((source) => `${source.source} ${Math.round(source.share * 100)} %`);
  results.rows.push({
    bench: '4 CPU',
    measure: 'where that time goes (V8 profile, self time)',
    result: sources.join(', '),
  });
  results.rows.push({
    bench: '4 CPU',
    measure: `the same answer from a model faster than the worker (tokens batched every TOKEN_BATCH_MS)`,
    result: `${fmt(cpu.batched.msPerAnswer, 2)} ms (${cpu.batched.tokenEvents} token events)`,
    goal: '< 5 ms',
    met: cpu.batched.msPerAnswer < 5,
  });
  for (const run of cpu.workerdProcess) {
    results.rows.push({
      bench: '4 CPU',
      measure: `workerd process under wrangler dev, per answer, ${run.pace} (upper bound)`,
      result: `${fmt(run.msPerAnswer, 0)} ms (wrangler's proxy in front: ${fmt(run.proxyMsPerAnswer, 0)} ms)${run.errors ? `; ${run.errors} errors` : ''}`,
    });
  }
}

function addConcurrencyRows(results: Results) {
  const c = results.concurrency!;
  results.rows.push({
    bench: '3 Visitors',
    measure: `${c.visitors} streaming chats for ${c.seconds} s: errors`,
    result: `${c.errors} of ${c.answers + c.errors} answers`,
    goal: '0',
    met: c.errors === 0,
  });
  results.rows.push({
    bench: '3 Visitors',
    measure: 'first token p50 / p95 (model: 150 ms)',
    result: `${fmtInt(c.ttftP50Ms)} / ${fmtInt(c.ttftP95Ms)} ms`,
  });
  results.rows.push({
    bench: '3 Visitors',
    measure: 'worker (workerd) memory, start → end (peak)',
    result: `${fmt(c.memoryMiB.workerStart, 0)} → ${fmt(c.memoryMiB.workerEnd, 0)} MiB RSS (peak ${fmt(c.memoryMiB.workerPeak, 0)}); JS heap after GC ${fmt(c.memoryMiB.workerHeapStart, 1)} → ${fmt(c.memoryMiB.workerHeapEnd, 1)} MiB`,
  });
  if (c.reloaded)
    results.notes.push(
      'wrangler dev restarted the worker during the visitors run (a watched source file changed); its memory and CPU readings are not comparable.',
    );
  const cpu = c.cpuSeconds;
  results.rows.push({
    bench: '3 Visitors',
    measure: 'CPU seconds used meanwhile',
    result: `worker ${fmt(cpu.worker, 1)}, wrangler's proxy ${fmt(cpu.proxy + cpu.wrangler, 1)}, model ${fmt(cpu.model, 1)}, clients ${fmt(cpu.clients, 1)} (${fmtInt(c.tokenEventsPerSecond)} token events/s)`,
  });
}

function printTable(results: Results) {
  const header = ['', 'Measure', 'Result', 'Goal', ''];
  // By benchmark number (1 Render … 5 Size), keeping each benchmark's own order.
  const rows = [...results.rows]
    .sort((a, b) => a.bench.localeCompare(b.bench))
    .map((row) => [
      row.bench,
      row.measure,
      row.result,
      row.goal ?? '',
      row.met === undefined ? '' : row.met ? 'met' : 'MISSED',
    ]);
  const m = results.machine;
  log(`\n## falcon-chat benchmarks, ${m.date.slice(0, 16).replace('T', ' ')} UTC`);
  log(
    `${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.chromium ? `Chromium ${m.chromium}, ` : ''}wrangler ${m.wrangler}, commit ${m.commit}\n`,
  );
  log(`| ${header.join(' | ')} |`);
  log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) log(`| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`);
  for (const note of results.notes) log(`\nNote: ${note}`);
}

const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KiB`;
const signed = (value: number, digits = 1) => `${value >= 0 ? '+' : '−'}${fmt(Math.abs(value), digits)}`;
const fmtInt = (value: number) => fmt(value, 0);

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
