/**
 * Streams hostile answers through the whole path (offline model → worker in `wrangler dev`
 * → <falcon-chat> in Chromium, on another site's page) and checks each one. Shared by
 * tests/attack/hostile-answers.test.ts and the exhaustive `npm run attack:every-split`.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stack } from '../../support/stack.ts';
import {
  embeddingPage,
  harnessEvents,
  INSTANT_MODEL,
  scanPage,
  spreadRateLimit,
  startAttackScene,
  type HostServer,
  type PageWatch,
} from './attack-kit.ts';
import { expectedAnswer, hostileQuestion, type Payload } from './payloads.ts';

/** Elements asking at once: enough to keep workerd and the model busy on 2 cores. */
export const CONCURRENCY = Number(process.env.ATTACK_CONCURRENCY ?? 4);
/** Jobs per page.evaluate call. */
const BATCH = 250;

export interface HostileJob {
  id: string;
  question: string;
  expected: string;
}

interface JobResult {
  id: string;
  ok: boolean;
  text?: string;
  finishReason?: string;
  error?: string;
  busy: string;
  answers: number;
  problems: string[];
}

export interface HostileBench {
  stack: Stack;
  host: HostServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  watch: PageWatch;
  /** Streams every job's answer and returns a line per job that went wrong. */
  run(jobs: HostileJob[]): Promise<string[]>;
  /** Anything that happened on the page as a whole: scripts that ran, errors, requests that tried to leave, DOM problems. */
  pageProblems(): Promise<string[]>;
  stop(): Promise<void>;
}

/** A job per payload, with optional offline-model switches (e.g. `split-at`). */
export function jobFor(payload: Payload, items: Record<string, string | number> = {}, suffix = ''): HostileJob {
  return {
    id: `${payload.id}${suffix}`,
    question: hostileQuestion(payload, { ...items }),
    expected: expectedAnswer(payload.text),
  };
}

export async function startHostileBench(): Promise<HostileBench> {
  const scene = await startAttackScene({ modelDefaults: INSTANT_MODEL });
  const { host, stack, browser } = scene;
  const chats = Array.from({ length: CONCURRENCY }, () => '<falcon-chat heading="Hostile answers"></falcon-chat>').join(
    '\n',
  );
  host.set('/', { html: embeddingPage({ workerUrl: stack.workerUrl, body: chats }) });
  const { context, watch } = await scene.watchedContext();
  await spreadRateLimit(context, stack.workerUrl);
  const page = await context.newPage();
  await page.goto(`${host.origin}/`);
  await page.waitForFunction(() => customElements.get('falcon-chat') !== undefined);

  return {
    stack,
    host,
    browser,
    context,
    page,
    watch,
    async run(jobs) {
      const failures: string[] = [];
      const byId = new Map(jobs.map((job) => [job.id, job]));
      for (let start = 0; start < jobs.length; start += BATCH) {
        const batch = jobs.slice(start, start + BATCH).map(({ id, question }) => ({ id, question }));
        const ask = (asked: typeof batch) =>
          page.evaluate(
            ([batchJobs, concurrency]) => (window as any).__falconAttack.runJobs(batchJobs, { concurrency }),
            [asked, CONCURRENCY] as const,
          ) as Promise<JobResult[]>;
        const results = await ask(batch);
        // About one chat POST in several thousand through wrangler dev on a loaded machine never gets an answer
        // (net::ERR_FAILED), which the element rightly shows as a network error. That is not what this suite
        // judges, so such a job is asked once more, and said so; a payload that breaks the path fails both times.
        const lost = results.filter((result) => !result.ok && result.error?.startsWith('network:'));
        if (lost.length) {
          console.warn(`asked again after a network error: ${lost.map((result) => result.id).join(', ')}`);
          const again = new Map(
            (await ask(batch.filter((job) => lost.some((l) => l.id === job.id)))).map((r) => [r.id, r]),
          );
          results.splice(0, results.length, ...results.map((result) => again.get(result.id) ?? result));
        }
        for (const result of results) {
          const job = byId.get(result.id)!;
          const wrong: string[] = [];
          if (!result.ok)
            wrong.push(
              `failed: ${result.error} (failed requests so far: ${watch.failedRequests.slice(-3).join(' | ') || 'none'})`,
            );
          else if (result.text !== job.expected)
            wrong.push(`answer ${JSON.stringify(result.text)} is not ${JSON.stringify(job.expected)}`);
          if (result.busy !== 'false') wrong.push(`aria-busy=${result.busy}`);
          if (result.answers !== 1) wrong.push(`${result.answers} answers`);
          wrong.push(...result.problems);
          if (wrong.length) failures.push(`${result.id}: ${wrong.join('; ')}`);
        }
      }
      return failures;
    },
    async pageProblems() {
      const events = await harnessEvents(page);
      return [
        ...events.alerts.map((alert) => `script ran: ${alert}`),
        ...events.flags.map((flag) => `script ran: __xss=${flag}`),
        ...events.errors.map((error) => `uncaught error: ${error}`),
        ...events.rejections.map((rejection) => `unhandled rejection: ${rejection}`),
        ...events.violations.map((violation) => `CSP violation: ${JSON.stringify(violation)}`),
        ...watch.pageErrors,
        ...watch.foreign().map((url) => `request left for another host: ${url}`),
        ...(await scanPage(page)),
      ];
    },
    stop: () => scene.stop(),
  };
}
