import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, Ledger, secondsToUtcMidnight } from '../../worker/budget/ledger.ts';
import { dayShards } from '../../worker/budget/reserve-budget.ts';

// The budget arithmetic on its own, with the clock passed in: the fast layer under token-budget.test.ts.
const T0 = Date.UTC(2026, 11, 1, 12, 0, 30);
const request = (id: string, want: number, limit = 1000, min = 10) => ({ id, want, min, limit, ttlMs: 60_000 });

describe('Ledger', () => {
  it('holds reservations against the limit and lets the unused rest go on settling', () => {
    const ledger = new Ledger('utc-day');
    expect(ledger.reserve(request('a', 600), T0).result).toEqual({ ok: true, granted: 600, left: 400 });
    expect(ledger.reserve(request('b', 600), T0).result).toEqual({ ok: true, granted: 400, left: 0 });
    expect(ledger.reserve(request('c', 600), T0).result.ok).toBe(false);
    ledger.settle('a', 250, T0 + 1000);
    expect(ledger.left(1000, T0 + 1000)).toBe(350);
    ledger.release('b');
    expect(ledger.left(1000, T0 + 1000)).toBe(750);
  });

  it('records usage over the reservation (it was spent) and ignores settling an unknown reservation', () => {
    const ledger = new Ledger('utc-day');
    ledger.reserve(request('a', 100), T0);
    ledger.settle('a', 180, T0);
    ledger.settle('a', 180, T0);
    ledger.settle('never', 500, T0);
    expect(ledger.spentInWindow(T0)).toBe(180);
  });

  it('shrinks a reservation but never raises it', () => {
    const ledger = new Ledger('utc-day');
    ledger.reserve(request('a', 500), T0);
    ledger.shrink('a', 200);
    ledger.shrink('a', 900);
    expect(ledger.held()).toBe(200);
  });

  it('counts a daily answer on the day it started, even when it settles after midnight', () => {
    const ledger = new Ledger('utc-day');
    const lateEvening = Date.UTC(2026, 11, 1, 23, 59, 50);
    ledger.reserve(request('a', 300), lateEvening);
    ledger.settle('a', 300, lateEvening + 30_000);
    expect(ledger.spentInWindow(lateEvening + 1000)).toBe(300);
    expect(ledger.spentInWindow(lateEvening + 30_000)).toBe(0);
    expect(secondsToUtcMidnight(lateEvening)).toBe(10);
  });

  it('forgets rolling spending an hour after its minute, and says when enough of it has gone', () => {
    const ledger = new Ledger('rolling-hour');
    ledger.reserve(request('a', 400), T0);
    ledger.settle('a', 400, T0);
    ledger.reserve(request('b', 500), T0 + 10 * 60_000);
    ledger.settle('b', 500, T0 + 10 * 60_000);
    const refused = ledger.reserve(request('c', 300, 1000, 300), T0 + 20 * 60_000).result;
    // 100 left; 200 more are needed, so the first 400 must leave: at the end of T0's minute plus an hour.
    expect(refused).toEqual({ ok: false, left: 100, retryAfterSeconds: (HOUR_MS + 30_000 - 20 * 60_000) / 1000 });
    expect(ledger.spentInWindow(T0 + HOUR_MS + 30_000)).toBe(500);
    expect(ledger.reserve(request('c', 300, 1000, 300), T0 + HOUR_MS + 30_000).result).toMatchObject({ ok: true });
  });

  it('counts an expired reservation as spent in full and prunes what left the window', () => {
    const ledger = new Ledger('utc-day');
    ledger.reserve({ ...request('lost', 700), ttlMs: 1000 }, T0);
    const changes = ledger.expire(T0 + 1000);
    expect(changes.dropped).toEqual(['lost']);
    expect(ledger.spentInWindow(T0 + 1000)).toBe(700);
    expect(ledger.expire(T0 + DAY_MS).pruned).toHaveLength(1);
    expect(ledger.spentInWindow(T0 + DAY_MS)).toBe(0);
  });
});

describe('dayShards', () => {
  it('splits the budget into limits that add up to it exactly, and picks two different shards', () => {
    for (const [budget, shards] of [
      [1000, 3],
      [7, 4],
      [1_000_003, 16],
    ]) {
      const limits = Array.from({ length: shards }, (_, i) => i).map((i) => {
        const share = Math.floor(budget / shards) + (i < budget % shards ? 1 : 0);
        return share;
      });
      expect(limits.reduce((a, b) => a + b, 0)).toBe(budget);
      for (let run = 0; run < 20; run++) {
        const [first, second] = dayShards(budget, shards, new Date(T0));
        expect(first.name).not.toBe(second.name);
        expect(first.name).toMatch(/^day:2026-12-01:\d+$/);
        expect(limits[Number(first.name.split(':').at(-1))]).toBe(first.limit);
      }
    }
    expect(dayShards(500, 1, new Date(T0))).toEqual([{ name: 'day:2026-12-01', limit: 500 }]);
  });
});
