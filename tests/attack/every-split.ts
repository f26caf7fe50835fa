/// <reference types="node" />
/**
 * Issue 6.1 in full: every hostile payload (blns and the markdown set) cut into two stream
 * chunks at every position (UTF-16 index 1 … length-1, inside surrogate pairs too), each
 * streamed through the offline model, `wrangler dev` and <falcon-chat> in Chromium, with
 * the same checks as tests/attack/hostile-answers.test.ts. About 24,000 answers, so it is
 * its own script: `npm run attack:every-split` (ATTACK_SPLIT_SET=md or blns for half).
 * Bounded at 60 minutes. The last line is `N passed, N failed`: one per answer, plus the
 * page-wide check (no script ran, no request left, the page is clean).
 */
import { runScript } from '../support/run-script.ts';
import { jobFor, startHostileBench, type HostileJob } from './support/hostile-run.ts';
import { blnsPayloads, everyCut, markdownPayloads, type Payload } from './support/payloads.ts';

const RUN_LIMIT_MS = 60 * 60_000;
/** Jobs per round: progress is printed, and the time limit checked, between rounds. */
const ROUND = 1_000;

async function main(): Promise<number> {
  const started = Date.now();
  const set = process.env.ATTACK_SPLIT_SET ?? 'all';
  const payloads: Payload[] = [...(set === 'blns' ? [] : markdownPayloads()), ...(set === 'md' ? [] : blnsPayloads())];
  const jobs: HostileJob[] = payloads.flatMap((payload) =>
    everyCut(payload.text).map((cut) => jobFor(payload, { 'split-at': cut }, `#${cut}`)),
  );
  console.log(`every split: ${payloads.length} payloads, ${jobs.length} answers cut in two`);

  const bench = await startHostileBench();
  process.once('exit', () => {
    try {
      process.kill(-bench.stack.workerPid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

  const failures: string[] = [];
  let run = 0;
  let pageProblems: string[] = [];
  try {
    for (let start = 0; start < jobs.length; start += ROUND) {
      if (Date.now() - started > RUN_LIMIT_MS) {
        failures.push(`time limit of ${RUN_LIMIT_MS / 60_000} minutes reached; ${jobs.length - start} answers not run`);
        break;
      }
      const round = jobs.slice(start, start + ROUND);
      failures.push(...(await bench.run(round)));
      run += round.length;
      console.log(
        `every split: ${run}/${jobs.length}, ${failures.length} failed, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    pageProblems = await bench.pageProblems();
  } finally {
    await bench.stop();
  }

  for (const failure of failures.slice(0, 40)) console.log(`every split: ${failure}`);
  if (failures.length > 40) console.log(`every split: … and ${failures.length - 40} more`);
  for (const problem of pageProblems) console.log(`every split: page: ${problem}`);
  const failedAnswers = failures.length;
  console.log(`every split: ${run} answers in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const failed = failedAnswers + (pageProblems.length ? 1 : 0);
  console.log(`${run - Math.min(run, failedAnswers) + (pageProblems.length ? 0 : 1)} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

runScript(main);
