import { DurableObject } from 'cloudflare:workers';
import { logEvent } from '../http/log.ts';
import { type BudgetWindow, Ledger, type LedgerChanges, type ReserveRequest, type ReserveResult } from './ledger.ts';

const CLEANUP_STEP_MS = 300_000;

/** What the object holds, for logs, tests and benchmarks. */
export interface BudgetSnapshot {
  spent: number;
  held: number;
  reservations: number;
}

/**
 * One budget (a UTC day of the whole deployment, or one visitor's rolling
 * hour) in a SQLite-backed Durable Object. Every method runs to its end
 * without awaiting anything, and SQLite calls are synchronous, so requests
 * to one object are handled one at a time: two reservations never both see
 * the same tokens left. The output gate holds each reply until its writes are
 * durable, so a granted reservation survives a crash or a deploy.
 */
export class TokenBudget extends DurableObject<Env> {
  private ledger: Ledger | undefined;
  private alarmAt = 0;
  private limit: number | undefined;
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS reservations (
      id TEXT PRIMARY KEY, tokens INTEGER NOT NULL, reserved_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`);
    this.sql.exec('CREATE TABLE IF NOT EXISTS spent (bucket INTEGER PRIMARY KEY, tokens INTEGER NOT NULL)');
    const window = ctx.storage.kv.get<BudgetWindow>('window');
    if (window) this.ledger = this.load(window);
    this.alarmAt = ctx.storage.kv.get<number>('alarmAt') ?? 0;
    this.limit = ctx.storage.kv.get<number>('limit');
  }

  reserve(window: BudgetWindow, request: ReserveRequest): ReserveResult {
    const ledger = this.ledgerFor(window);
    const now = Date.now();
    this.apply(ledger.expire(now));
    const { result, changes } = ledger.reserve(request, now);
    this.apply(changes);
    if (request.limit !== this.limit) {
      this.limit = request.limit;
      this.ctx.storage.kv.put('limit', request.limit);
    }
    this.scheduleCleanup(ledger);
    return result;
  }

  settle(id: string, used: number): void {
    if (this.ledger) this.apply(this.ledger.settle(id, used, Date.now()));
  }

  release(id: string): void {
    if (this.ledger) this.apply(this.ledger.release(id));
  }

  shrink(id: string, tokens: number): void {
    if (this.ledger) this.apply(this.ledger.shrink(id, tokens));
  }

  snapshot(): BudgetSnapshot {
    const ledger = this.ledger;
    if (!ledger) return { spent: 0, held: 0, reservations: 0 };
    this.apply(ledger.expire(Date.now()));
    return {
      spent: ledger.spentInWindow(Date.now()),
      held: ledger.held(),
      reservations: ledger.state.reservations.size,
    };
  }

  /**
   * When nothing in the object counts any more: a day's object logs the day's
   * total and empties itself; a visitor's empties itself once its hour is over.
   */
  override async alarm(): Promise<void> {
    const ledger = this.ledger;
    if (!ledger) return;
    const now = Date.now();
    if (ledger.window === 'utc-day') {
      const before = new Map(ledger.state.spent);
      const changes = ledger.expire(now);
      for (const [bucket, tokens] of changes.spent) before.set(bucket, tokens);
      for (const bucket of changes.pruned) {
        logEvent('info', 'budget_day_total', {
          day: new Date(bucket).toISOString().slice(0, 10),
          tokens: before.get(bucket) ?? 0,
          limit: this.limit,
        });
      }
      this.apply(changes);
    } else {
      this.apply(ledger.expire(now));
    }
    this.alarmAt = 0;
    if (ledger.state.reservations.size === 0 && ledger.state.spent.size === 0) {
      this.ledger = undefined;
      await this.ctx.storage.deleteAll();
    } else {
      this.scheduleCleanup(ledger);
    }
  }

  private ledgerFor(window: BudgetWindow): Ledger {
    if (this.ledger?.window === window) return this.ledger;
    this.ctx.storage.kv.put('window', window);
    this.ledger = new Ledger(window);
    return this.ledger;
  }

  private load(window: BudgetWindow): Ledger {
    const ledger = new Ledger(window);
    for (const row of this.sql.exec<{ id: string; tokens: number; reserved_at: number; expires_at: number }>(
      'SELECT id, tokens, reserved_at, expires_at FROM reservations',
    )) {
      ledger.state.reservations.set(row.id, {
        tokens: row.tokens,
        reservedAt: row.reserved_at,
        expiresAt: row.expires_at,
      });
    }
    for (const row of this.sql.exec<{ bucket: number; tokens: number }>('SELECT bucket, tokens FROM spent')) {
      ledger.state.spent.set(row.bucket, row.tokens);
    }
    return ledger;
  }

  private apply(changes: LedgerChanges): void {
    for (const [id, r] of changes.held) {
      this.sql.exec(
        'INSERT OR REPLACE INTO reservations (id, tokens, reserved_at, expires_at) VALUES (?, ?, ?, ?)',
        id,
        r.tokens,
        r.reservedAt,
        r.expiresAt,
      );
    }
    for (const id of changes.dropped) this.sql.exec('DELETE FROM reservations WHERE id = ?', id);
    for (const [bucket, tokens] of changes.spent) {
      this.sql.exec('INSERT OR REPLACE INTO spent (bucket, tokens) VALUES (?, ?)', bucket, tokens);
    }
    for (const bucket of changes.pruned) this.sql.exec('DELETE FROM spent WHERE bucket = ?', bucket);
  }

  /**
   * One alarm once the object has nothing left that counts, rounded up to five
   * minutes so that a busy visitor does not move it on every question.
   */
  private scheduleCleanup(ledger: Ledger): void {
    const at = Math.ceil(ledger.idleAt() / CLEANUP_STEP_MS) * CLEANUP_STEP_MS;
    if (at <= this.alarmAt) return;
    this.alarmAt = at;
    this.ctx.storage.kv.put('alarmAt', at);
    void this.ctx.storage.setAlarm(at);
  }
}
