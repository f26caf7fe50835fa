// Runs in plain Node (no tsx, so the bundle runs exactly as built and the
// profile's line numbers are the bundle's): the deployed worker bundle
// answering `answers` chat requests whose upstream is played from memory.
// Usage: node worker-cpu-child.mjs <job.json>; prints a JSON result.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const worker = (await import(pathToFileURL(job.bundle).href)).default;
const chunks = job.chunks.map((text) => new TextEncoder().encode(text));

// Bindings: a rate limiter that lets everything through and an empty assets binding.
const env = { ...job.env };
for (const name of job.rateLimiters) env[name] = { limit: async () => ({ success: true }) };
if (job.assets) env[job.assets] = { fetch: async () => new Response('', { status: 404 }) };
const ctx = { waitUntil() {}, passThroughOnException() {} };

let upstreamCalls = 0;
const upstreamStream = () => {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++].slice());
      else controller.close();
    },
  });
};
globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  if (!request.url.startsWith(job.upstreamUrl)) throw new Error(`unexpected fetch ${request.url}`);
  await request.text();
  upstreamCalls++;
  return new Response(upstreamStream(), { status: 200, headers: job.upstreamHeaders });
};

let visitor = 0;
async function answer() {
  const request = new Request('http://worker.bench.invalid/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://visitor-${++visitor}.bench.localhost` },
    body: job.body,
  });
  const response = await worker.fetch(request, env, ctx);
  const text = await new Response(response.body).text();
  if (!text.includes('event: done')) throw new Error(`the worker did not finish the answer: ${text.slice(0, 300)}`);
  return text;
}

async function drainUpstream() {
  const reader = upstreamStream().getReader();
  while (!(await reader.read()).done);
}

const cpu = async (fn, times) => {
  const start = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < times; i++) await fn();
  const used = process.cpuUsage(start);
  return { cpuMs: (used.user + used.system) / 1000 / times, wallMs: (performance.now() - started) / times };
};

const sample = await answer();
const tokenEvents = sample.split('event: token').length - 1;
// The worker logs one line per answer; keep Node's console out of the measurement.
const log = console.log;
console.log = console.info = console.warn = () => {};
for (let i = 0; i < job.warmup; i++) await answer();
const measured = [];
for (let round = 0; round < job.rounds; round++) measured.push(await cpu(answer, job.answers));
const stub = await cpu(drainUpstream, job.answers);

// A CPU profile (what `node --cpu-prof` writes) of more answers, for where the time goes.
if (job.profileOut) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: job.samplingIntervalUs });
  await session.post('Profiler.start');
  for (let i = 0; i < job.profiledAnswers; i++) await answer();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync(job.profileOut, JSON.stringify(profile));
}

log(JSON.stringify({ measured, stub, tokenEvents, upstreamCalls }));
