/**
 * Issue 6.1, hostile answers: the offline model streams each payload as the answer, the
 * worker relays it from `wrangler dev`, and <falcon-chat> renders it on another site's
 * page in Chromium. Every answer must arrive whole (as the worker's filters leave it),
 * and nothing may run, load or linger: no alert/print/`__xss`, no request for any host
 * but the worker and the page's own, no on* attribute, no URL outside http/https/mailto,
 * no tag outside what rendered markdown is made of, and every link with
 * rel="noopener noreferrer nofollow".
 *
 * Here: every payload tokenised as a model would, every payload one UTF-16 code unit per
 * token (a chunk boundary at every position at once), and the markdown set cut in two at
 * its key positions. `npm run attack:every-split` cuts every payload in two at every position.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFor, startHostileBench, type HostileBench } from './support/hostile-run.ts';
import { blnsPayloads, keyCuts, markdownPayloads } from './support/payloads.ts';

const markdown = markdownPayloads();
const blns = blnsPayloads();
const all = [...markdown, ...blns];

let bench: HostileBench;
beforeAll(async () => {
  bench = await startHostileBench();
});
afterAll(async () => {
  await bench?.stop();
});

/** At most this many lines of failures in a message. */
const shown = (failures: string[]) => failures.slice(0, 30);

describe('hostile answers through the whole path', () => {
  it(`renders all ${all.length} payloads (${blns.length} blns, ${markdown.length} markdown) tokenised as usual, safely and whole`, async () => {
    expect(all.length).toBe(643);
    const failures = await bench.run(all.map((payload) => jobFor(payload)));
    expect(shown(failures)).toEqual([]);
  }, 300_000);

  it('renders them all again with a chunk boundary at every position (one UTF-16 code unit per token)', async () => {
    const failures = await bench.run(all.map((payload) => jobFor(payload, { 'split-at': 'every' }, '#every')));
    expect(shown(failures)).toEqual([]);
  }, 300_000);

  it('renders the markdown set cut in two at its key positions (links, tags, references, schemes, code, surrogates)', async () => {
    const jobs = markdown.flatMap((payload) =>
      keyCuts(payload.text).map((cut) => jobFor(payload, { 'split-at': cut }, `#${cut}`)),
    );
    expect(jobs.length).toBe(814);
    const failures = await bench.run(jobs);
    expect(shown(failures)).toEqual([]);
  }, 300_000);

  it('ran no script, sent nothing to any other host, and left the page clean', async () => {
    expect(await bench.pageProblems()).toEqual([]);
    // The page, the widget's script and the chats went to the two allowed origins, and nowhere else.
    expect(bench.watch.requests.length).toBeGreaterThan(2100);
  });
});
