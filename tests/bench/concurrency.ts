/// <reference types="node" />
/**
 * 3. Many visitors at once: 200 visitors, each asking one question after
 * another for 30 s through the worker in `wrangler dev`, every answer the
 * offline model's demo answer (~180 tokens) at its realistic pace (first token
 * after 150 ms, then one every 30 ms). Each visitor is its own page origin,
 * so the worker's per-visitor rate limit sees 200 visitors, not one.
 */
import { Agent } from 'node:http';
import { chatBody, type BenchStack } from './lib/bench-stack.ts';
import { cpuMs, rssMiB } from '../support/processes.ts';
import { timedStream } from './lib/sse-client.ts';
import { percentile, sleep, sum } from './lib/stats.ts';

export interface ConcurrencyOptions {
  visitors?: number;
  seconds?: number;
  log?: (line: string) => void;
}

export interface ConcurrencyResult {
  /** wrangler dev restarted the worker meanwhile (a watched file changed). */
  reloaded: boolean;
  visitors: number;
  seconds: number;
  answers: number;
  errors: number;
  errorKinds: Record<string, number>;
  ttftP50Ms: number;
  ttftP95Ms: number;
  ttftMaxMs: number;
  /** Tokens (`event: token`) delivered per second, all visitors together. */
  tokenEventsPerSecond: number;
  /** RSS in MiB of the workerd running the worker, of wrangler's proxy workerd, and of wrangler's Node process. */
  memoryMiB: {
    workerStart: number;
    workerPeak: number;
    workerEnd: number;
    proxyStart: number;
    proxyEnd: number;
    wranglerStart: number;
    wranglerEnd: number;
    /** The worker isolate's JS heap in use after a full garbage collection. */
    workerHeapStart: number;
    workerHeapEnd: number;
  };
  /** CPU seconds each process used during the run: who the two cores went to. */
  cpuSeconds: { worker: number; proxy: number; wrangler: number; model: number; clients: number };
}

export async function measureConcurrency(
  stack: BenchStack,
  { visitors = 200, seconds = 30, log = console.log }: ConcurrencyOptions = {},
): Promise<ConcurrencyResult> {
  await stack.setNetworkInspection(false);
  const agent = new Agent({ keepAlive: true, maxSockets: visitors + 10 });
  const memory = () => {
    const { runtime, proxy, wrangler } = stack.processes();
    return { worker: sum(runtime.map(rssMiB)), proxy: sum(proxy.map(rssMiB)), wrangler: sum(wrangler.map(rssMiB)) };
  };
  const cpu = () => {
    const { runtime, proxy, wrangler } = stack.processes();
    const self = process.cpuUsage();
    return {
      worker: sum(runtime.map(cpuMs)),
      proxy: sum(proxy.map(cpuMs)),
      wrangler: sum(wrangler.map(cpuMs)),
      model: cpuMs(stack.model.pid),
      clients: (self.user + self.system) / 1000,
    };
  };
  const runtimeAtStart = stack.processes().runtime.join(',');
  const heapStart = await stack.isolateHeapMiB();
  const start = memory();
  const cpuStart = cpu();
  let peak = start.worker;
  const sampler = setInterval(() => (peak = Math.max(peak, memory().worker)), 1000);

  const ttfts: number[] = [];
  const errorKinds: Record<string, number> = {};
  let answers = 0;
  let tokenEvents = 0;
  const began = performance.now();
  const deadline = began + seconds * 1000;
  const visitor = async (index: number) => {
    const origin = stack.nextOrigin();
    // Visitors arrive over the first second rather than all in the same millisecond.
    await sleep((index / visitors) * 1000);
    for (let question = 1; performance.now() < deadline; question++) {
      const timing = await timedStream({
        url: `${stack.worker.url}/api/chat`,
        body: chatBody(`Visitor ${index} asks question ${question}: what can you do?`, 512),
        headers: { origin },
        kind: 'worker',
        agent,
        timeoutMs: 60_000,
      });
      if (timing.error) {
        const kind = timing.error.replace(/\d+ ms/, 'N ms').slice(0, 80);
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        await sleep(250);
      } else {
        answers++;
        ttfts.push(timing.ttftMs);
      }
      tokenEvents += timing.tokenEvents;
    }
  };
  await Promise.all(Array.from({ length: visitors }, (_, index) => visitor(index)));
  const elapsed = (performance.now() - began) / 1000;
  const cpuEnd = cpu();
  clearInterval(sampler);
  agent.destroy();
  await sleep(2000);
  const end = memory();
  const heapEnd = await stack.isolateHeapMiB();
  // wrangler dev restarts the worker's workerd when a source file changes: then start and end are different processes.
  const reloaded = stack.processes().runtime.join(',') !== runtimeAtStart;
  if (reloaded)
    log(
      '  wrangler dev restarted the worker during the run (a source file changed): memory and CPU readings are not comparable',
    );

  const errors = sum(Object.values(errorKinds));
  const result: ConcurrencyResult = {
    reloaded,
    visitors,
    seconds,
    answers,
    errors,
    errorKinds,
    ttftP50Ms: percentile(ttfts, 50),
    ttftP95Ms: percentile(ttfts, 95),
    ttftMaxMs: Math.max(...ttfts),
    tokenEventsPerSecond: tokenEvents / elapsed,
    memoryMiB: {
      workerStart: start.worker,
      workerPeak: Math.max(peak, end.worker),
      workerEnd: end.worker,
      proxyStart: start.proxy,
      proxyEnd: end.proxy,
      wranglerStart: start.wrangler,
      wranglerEnd: end.wrangler,
      workerHeapStart: heapStart,
      workerHeapEnd: heapEnd,
    },
    cpuSeconds: {
      worker: (cpuEnd.worker - cpuStart.worker) / 1000,
      proxy: (cpuEnd.proxy - cpuStart.proxy) / 1000,
      wrangler: (cpuEnd.wrangler - cpuStart.wrangler) / 1000,
      model: (cpuEnd.model - cpuStart.model) / 1000,
      clients: (cpuEnd.clients - cpuStart.clients) / 1000,
    },
  };
  log(
    `  ${visitors} visitors for ${seconds} s: ${answers} answers, ${errors} errors, TTFT p50 ${result.ttftP50Ms.toFixed(0)} ms p95 ${result.ttftP95Ms.toFixed(0)} ms, ` +
      `worker RSS ${start.worker.toFixed(0)} → ${end.worker.toFixed(0)} MiB (peak ${result.memoryMiB.workerPeak.toFixed(0)})`,
  );
  return result;
}
