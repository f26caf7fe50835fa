import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { makeSpare, takeAnswerObject } from '../../worker/answers/spare-object.ts';
import { ask, chatRequest, callWorker, parseSse, readAll, scenario } from './helpers.ts';

// Each isolate makes the next answer's object ahead (worker/answers/spare-object.ts), so handing an answer over
// does not wait for a Durable Object to be made.

describe('the answer object made ahead', () => {
  it('is the one the next answer takes, and it is taken only once', async () => {
    await makeSpare(env.ANSWERS);
    const spare = takeAnswerObject(env.ANSWERS);
    const next = takeAnswerObject(env.ANSWERS);
    expect(next.equals(spare)).toBe(false);
  });

  it('stores nothing and sets no alarm until an answer starts in it', async () => {
    await makeSpare(env.ANSWERS);
    const spare = takeAnswerObject(env.ANSWERS);
    const stored = await runInDurableObject(env.ANSWERS.get(spare), async (_, state) => ({
      keys: [...state.storage.kv.list()].length,
      tables: state.storage.sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
        )
        .toArray()
        .map(({ name }) => name),
      alarm: await state.storage.getAlarm(),
    }));
    expect(stored).toEqual({ keys: 0, tables: [], alarm: null });
  });

  it('still gives every answer an object of its own', async () => {
    const handles: string[] = [];
    for (let question = 0; question < 3; question++) {
      const response = await callWorker(chatRequest(ask(`Hi ${scenario().directive}`)));
      const events = parseSse(await readAll(response));
      expect(events.at(-1)?.event).toBe('done');
      handles.push((events[0].data as { handle: string }).handle.split('.')[0]);
    }
    expect(new Set(handles).size).toBe(3);
  });
});
