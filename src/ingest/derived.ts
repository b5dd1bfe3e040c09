/**
 * Keeps the derived tables in step with the raw events.
 * - execution_state and the hourly → daily → monthly rollups are kept by ClickHouse materialized views.
 * - execution_facts (cohort rows ordered by enrollment time) is written here after every stored batch,
 *   for the executions that batch touched. Analytics reads call `settled()` first, so a figure never
 *   misses an event that was acknowledged before the request.
 * - `rebuild()` recomputes everything derived for one workflow (or all) from the raw events.
 */
import type { Store } from '../store/store.js';
import { factsReceivedUpTo, writeFacts } from '../store/execution-facts.js';
import { isoUtc } from '../store/params.js';
import type { EventRow } from './validate.js';

interface Pending {
  account: string;
  workflow: string;
  /** Rewrite executions received at or after this time; null = all. */
  since: Date | null;
}

const key = (account: string, workflow: string) => `${account}\u0000${workflow}`;
const earlier = (a: Date | null, b: Date | null) => (a === null || b === null ? null : a < b ? a : b);

/** Tables fed by materialized views from `events`, with the view that feeds each. */
const FED_BY_EVENTS = [
  { table: 'execution_state', view: 'execution_state_mv' },
  { table: 'workflow_events_hourly', view: 'workflow_events_hourly_mv' },
];
/** Fed in turn from workflow_events_hourly (cleared together with it). */
const CASCADED = ['workflow_events_daily', 'workflow_events_monthly'];

export class DerivedTables {
  private pending = new Map<string, Pending>();
  private running: Promise<void> | undefined;
  private runningKeys = new Set<string>();
  private failures = new Map<string, unknown>();
  /** Work that failed: merged into the next request for the same workflow, so nothing is skipped. */
  private retry = new Map<string, Pending>();

  constructor(
    private readonly store: Store,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  /** Rows just stored: their executions' facts are rewritten in the background. */
  touched(rows: EventRow[]): void {
    const since = new Map<string, Pending>();
    for (const r of rows) {
      if (!r.execution_id || !r.workflow_id) continue;
      const k = key(String(r.account_id), String(r.workflow_id));
      const t = String(r.received_at);
      const p = since.get(k);
      if (!p) since.set(k, { account: String(r.account_id), workflow: String(r.workflow_id), since: new Date(isoUtc(t)!) });
      else if (p.since && new Date(isoUtc(t)!) < p.since) p.since = new Date(isoUtc(t)!);
    }
    for (const [k, p] of since) this.enqueue(k, p);
  }

  /** Resolves once the facts of this workflow reflect every event stored so far. */
  async settled(account: string, workflow: string, retried = false): Promise<void> {
    const k = key(account, workflow);
    while (this.pending.has(k) || this.runningKeys.has(k)) {
      this.kick();
      await this.running;
    }
    const failure = this.failures.get(k);
    if (failure) {
      this.failures.delete(k);
      const again = this.retry.get(k);
      if (again && !retried) {
        // one more try for the reader; if it fails again, the reader gets the error
        this.retry.delete(k);
        this.enqueue(k, again);
        return this.settled(account, workflow, true);
      }
      throw failure;
    }
  }

  /** Everything queued is written. */
  async idle(): Promise<void> {
    while (this.pending.size > 0 || this.running) {
      this.kick();
      await this.running;
    }
  }

  /**
   * At start: rebuild what a migration cleared, and rewrite the facts of executions received shortly
   * before the last stop (a process killed between an insert and its facts leaves them behind).
   */
  async catchUp(): Promise<void> {
    const [state] = await this.store.query<{ n: number }>('SELECT count() AS n FROM (SELECT 1 FROM execution_state LIMIT 1)');
    const [raw] = await this.store.query<{ n: number }>("SELECT count() AS n FROM (SELECT 1 FROM events WHERE execution_id != '' LIMIT 1)");
    if (state!.n === 0 && raw!.n > 0) {
      this.log('execution_state is empty: rebuilding the derived tables from the raw events');
      await this.rebuildFromEvents(null);
    }
    const workflows = await this.store.query<{ account_id: string; workflow_id: string }>(
      'SELECT DISTINCT account_id, workflow_id FROM workflows_seen',
    );
    for (const w of workflows) {
      const upTo = await factsReceivedUpTo(this.store, w.account_id, w.workflow_id);
      const since = upTo ? new Date(upTo.getTime() - 5 * 60_000) : null;
      this.enqueue(key(w.account_id, w.workflow_id), { account: w.account_id, workflow: w.workflow_id, since });
    }
    this.kick();
  }

  /**
   * Recomputes execution_state, the rollups and the facts of one workflow (or of everything when
   * `workflow` is null) from the raw events. Must run while no batch is being written
   * (IngestBuffer.exclusive).
   */
  async rebuild(scope: { account: string; workflow: string } | null): Promise<void> {
    await this.rebuildFromEvents(scope);
    if (scope) {
      await this.store.command(
        'ALTER TABLE execution_facts DELETE WHERE account_id = {account:String} AND workflow_id = {workflow:String}',
        scope,
      );
      await writeFacts(this.store, scope.account, scope.workflow, null);
    } else {
      await this.store.command('TRUNCATE TABLE execution_facts');
      const workflows = await this.store.query<{ account_id: string; workflow_id: string }>(
        'SELECT DISTINCT account_id, workflow_id FROM workflows_seen',
      );
      for (const w of workflows) await writeFacts(this.store, w.account_id, w.workflow_id, null);
    }
  }

  private async rebuildFromEvents(scope: { account: string; workflow: string } | null): Promise<void> {
    const where = scope ? 'account_id = {account:String} AND workflow_id = {workflow:String}' : '1';
    const params = scope ?? {};
    for (const table of [...FED_BY_EVENTS.map((f) => f.table), ...CASCADED]) {
      if (scope) await this.store.command(`ALTER TABLE ${table} DELETE WHERE ${where}`, params);
      else await this.store.command(`TRUNCATE TABLE ${table}`);
    }
    for (const { table, view } of FED_BY_EVENTS) {
      const [def] = await this.store.query<{ as_select: string }>(
        'SELECT as_select FROM system.tables WHERE database = currentDatabase() AND name = {view:String}',
        { view },
      );
      if (!def?.as_select) throw new Error(`materialized view ${view} not found`);
      // The view's own SELECT (read from the engine, not built from input), restricted to the scope.
      await this.store.command(`INSERT INTO ${table} SELECT * FROM (${def.as_select}) WHERE ${where}`, params);
    }
  }

  private enqueue(k: string, p: Pending): void {
    let next = p;
    for (const prev of [this.pending.get(k), this.retry.get(k)]) if (prev) next = { ...next, since: earlier(prev.since, next.since) };
    this.retry.delete(k);
    this.pending.set(k, next);
    this.kick();
  }

  private kick(): void {
    if (this.running || this.pending.size === 0) return;
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      this.runningKeys.clear();
      if (this.pending.size > 0) this.kick();
    });
  }

  private async runOnce(): Promise<void> {
    const batch = [...this.pending.entries()];
    this.pending.clear();
    for (const [k] of batch) this.runningKeys.add(k);
    for (const [k, p] of batch) {
      try {
        await writeFacts(this.store, p.account, p.workflow, p.since);
        this.failures.delete(k);
      } catch (err) {
        this.log(`could not write execution facts for ${p.workflow}`, err);
        this.failures.set(k, err);
        this.retry.set(k, p);
      }
    }
  }
}
