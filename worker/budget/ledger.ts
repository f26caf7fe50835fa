/**
 * Token-budget arithmetic, with no storage and no clock of its own: the
 * Durable Object holds one `Ledger` and persists the changes it reports.
 * A budget counts settled spending inside its window plus every reservation
 * still held, so answers in flight together can never pass the limit.
 */

/** `utc-day`: spending counts until the next UTC midnight. `rolling-hour`: for the 60 minutes after it happened. */
export type BudgetWindow = 'utc-day' | 'rolling-hour';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Rolling spending is kept per minute: at most 60 rows per visitor, counted whole until the minute has left. */
const MINUTE_MS = 60_000;

export interface Reservation {
  tokens: number;
  /** A daily answer counts on the day it started, even if it ends after midnight. */
  reservedAt: number;
  /** When it counts as spent in full if the worker has not settled it (it may have died mid-answer). */
  expiresAt: number;
}

export interface LedgerState {
  reservations: Map<string, Reservation>;
  /** Spent tokens per bucket (the bucket's start, epoch ms: a UTC day or a minute). */
  spent: Map<number, number>;
}

/** What changed, for the storage: rows to write (absolute values) or delete. */
export interface LedgerChanges {
  held: [string, Reservation][];
  dropped: string[];
  spent: [number, number][];
  pruned: number[];
}

export interface ReserveRequest {
  id: string;
  /** Prompt estimate plus the answer's maximum. */
  want: number;
  /** Below this the answer is not worth starting (prompt estimate plus the smallest answer). */
  min: number;
  limit: number;
  ttlMs: number;
}

export type ReserveResult =
  | { ok: true; granted: number; left: number }
  | { ok: false; left: number; retryAfterSeconds: number };

export function emptyState(): LedgerState {
  return { reservations: new Map(), spent: new Map() };
}

function noChanges(): LedgerChanges {
  return { held: [], dropped: [], spent: [], pruned: [] };
}

export function bucketOf(window: BudgetWindow, at: number): number {
  const size = window === 'utc-day' ? DAY_MS : MINUTE_MS;
  return at - (at % size);
}

/** The first moment a bucket no longer counts. */
function bucketEnd(window: BudgetWindow, bucket: number): number {
  return window === 'utc-day' ? bucket + DAY_MS : bucket + MINUTE_MS + HOUR_MS;
}

/** Seconds until the current UTC day ends (at least 1). */
export function secondsToUtcMidnight(now: number): number {
  return Math.max(1, Math.ceil((bucketOf('utc-day', now) + DAY_MS - now) / 1000));
}

export class Ledger {
  constructor(
    readonly window: BudgetWindow,
    readonly state: LedgerState = emptyState(),
  ) {}

  /** Settled spending still inside the window. */
  spentInWindow(now: number): number {
    let total = 0;
    for (const [bucket, tokens] of this.state.spent) if (bucketEnd(this.window, bucket) > now) total += tokens;
    return total;
  }

  held(): number {
    let total = 0;
    for (const reservation of this.state.reservations.values()) total += reservation.tokens;
    return total;
  }

  left(limit: number, now: number): number {
    return Math.max(0, limit - this.spentInWindow(now) - this.held());
  }

  /**
   * Grants `want`, or what is left when that is less but still at least `min`.
   * Call `expire(now)` first so dead reservations are counted.
   */
  reserve(request: ReserveRequest, now: number): { result: ReserveResult; changes: LedgerChanges } {
    const changes = noChanges();
    const left = this.left(request.limit, now);
    if (left < request.min || left === 0) {
      return { result: { ok: false, left, retryAfterSeconds: this.retryAfter(request, left, now) }, changes };
    }
    const granted = Math.min(request.want, left);
    const reservation = { tokens: granted, reservedAt: now, expiresAt: now + request.ttlMs };
    this.state.reservations.set(request.id, reservation);
    changes.held.push([request.id, reservation]);
    return { result: { ok: true, granted, left: left - granted }, changes };
  }

  /** Lowers a held reservation (the other budget granted less); never raises it. */
  shrink(id: string, tokens: number): LedgerChanges {
    const changes = noChanges();
    const reservation = this.state.reservations.get(id);
    if (!reservation || tokens >= reservation.tokens) return changes;
    reservation.tokens = Math.max(0, tokens);
    changes.held.push([id, reservation]);
    return changes;
  }

  /**
   * Records what the answer really used and lets the rest of its reservation go.
   * Usage over the reservation is recorded too: it was spent, whatever was estimated.
   */
  settle(id: string, used: number, now: number): LedgerChanges {
    const reservation = this.state.reservations.get(id);
    const changes = this.release(id);
    if (reservation) this.spend(Math.max(0, Math.round(used)), this.spentAt(reservation, now), changes);
    return changes;
  }

  /** Drops a reservation without spending anything (the upstream call failed before it cost tokens). */
  release(id: string): LedgerChanges {
    const changes = noChanges();
    if (this.state.reservations.delete(id)) changes.dropped.push(id);
    return changes;
  }

  /**
   * Reservations past their time are counted as spent in full: the worker that
   * held one died without settling, and the upstream may have generated it all.
   * Buckets that left the window are pruned.
   */
  expire(now: number): LedgerChanges {
    const changes = noChanges();
    for (const [id, reservation] of this.state.reservations) {
      if (reservation.expiresAt > now) continue;
      this.state.reservations.delete(id);
      changes.dropped.push(id);
      this.spend(reservation.tokens, this.spentAt(reservation, now), changes);
    }
    for (const bucket of this.state.spent.keys()) {
      if (bucketEnd(this.window, bucket) > now) continue;
      this.state.spent.delete(bucket);
      changes.pruned.push(bucket);
    }
    return changes;
  }

  /** When nothing is held or counted any more, so the storage can go. */
  idleAt(): number {
    let at = 0;
    for (const reservation of this.state.reservations.values()) at = Math.max(at, reservation.expiresAt);
    for (const bucket of this.state.spent.keys()) at = Math.max(at, bucketEnd(this.window, bucket));
    return at;
  }

  private spentAt(reservation: Reservation, now: number): number {
    return this.window === 'utc-day' ? reservation.reservedAt : now;
  }

  private spend(tokens: number, at: number, changes: LedgerChanges): void {
    if (tokens === 0) return;
    const bucket = bucketOf(this.window, at);
    const total = (this.state.spent.get(bucket) ?? 0) + tokens;
    this.state.spent.set(bucket, total);
    changes.spent.push([bucket, total]);
  }

  /**
   * The daily budget comes back at UTC midnight. The rolling one comes back as
   * old spending leaves the hour: the first moment enough has left for `min`.
   * When what blocks is reservations still held, they become spending when
   * settled, so the full hour is the honest bound.
   */
  private retryAfter(request: ReserveRequest, left: number, now: number): number {
    if (this.window === 'utc-day') return secondsToUtcMidnight(now);
    const over = this.spentInWindow(now) + this.held() - request.limit;
    let need = Math.max(1, request.min - left + Math.max(0, over));
    const buckets = [...this.state.spent.entries()].sort(([a], [b]) => a - b);
    for (const [bucket, tokens] of buckets) {
      const end = bucketEnd(this.window, bucket);
      if (end <= now) continue;
      need -= tokens;
      if (need <= 0) return Math.max(1, Math.ceil((end - now) / 1000));
    }
    return HOUR_MS / 1000;
  }
}
