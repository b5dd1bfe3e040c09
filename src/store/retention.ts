/**
 * Retention (REQ-WFL-009-10) as ClickHouse TTLs: raw detail (events, hourly rollups, the per-event
 * tables) for `rawDays`, daily rollups for `dailyDays`, monthly rollups forever. Kept as long as the daily
 * rollups: the event-id index (a re-send of an event whose aggregates still exist is a duplicate) and the
 * execution facts (one row per execution: the cohort figures the summary, trends, funnel and cohorts read).
 * execution_state expires `rawDays` after its execution last *received* an event, so that a backfilled
 * execution keeps its state while the rest of its events arrive.
 * Rows with retain = 1 (imported history, `flowlens import --retain`) are kept whatever the window;
 * a window of 0 keeps everything. Applied at start when the configured windows changed.
 */
import type { RetentionConfig } from '../config/config.js';
import type { Store } from './store.js';

/** Each table, the time column its rows expire by, and which window applies. */
const TABLES = [
  { table: 'events', time: 'ts', window: 'rawDays' },
  { table: 'event_ids', time: 'ts', window: 'dailyDays' },
  { table: 'execution_state', time: 'last_received_at', window: 'rawDays' },
  { table: 'execution_facts', time: 'enrolled_at', window: 'dailyDays' },
  { table: 'step_durations_from_timestamps', time: 'ts', window: 'dailyDays' },
  { table: 'failure_events', time: 'ts', window: 'rawDays' },
  { table: 'cost_events', time: 'ts', window: 'rawDays' },
  { table: 'workflow_events_hourly', time: 'bucket', window: 'rawDays' },
  { table: 'workflow_events_daily', time: 'bucket', window: 'dailyDays' },
] as const;

const DAY_MS = 86_400_000;

/**
 * Where the windows begin at `now` (null: kept forever).
 * - `raw`: the first whole UTC day of the raw window. The raw events are complete from there on, so a rebuild
 *   recomputes the derived tables from there and keeps the history before it; an event older than it is
 *   backfill, counted in the daily and monthly aggregates only (its detail expires as it lands).
 * - `daily`: an event older than this can no longer be counted anywhere (its day's aggregates are gone) and
 *   is rejected.
 */
export interface RetentionHorizons {
  raw: Date | null;
  daily: Date | null;
}

export function retentionHorizons(retention: RetentionConfig, now = Date.now()): RetentionHorizons {
  return {
    raw: retention.rawDays > 0 ? new Date(Math.ceil((now - retention.rawDays * DAY_MS) / DAY_MS) * DAY_MS) : null,
    daily: retention.dailyDays > 0 ? new Date(now - retention.dailyDays * DAY_MS) : null,
  };
}

/** The TTL clause for a table under a retention config (null = keep forever). */
export function ttlClause(time: string, days: number): string | null {
  if (!Number.isInteger(days) || days < 0) throw new Error(`retention days must be a whole number ≥ 0, got ${days}`);
  return days === 0 ? null : `toDateTime(${time}) + toIntervalDay(${days}) WHERE retain = 0`;
}

export async function applyRetention(store: Store, retention: RetentionConfig): Promise<string[]> {
  await store.command(
    `CREATE TABLE IF NOT EXISTS retention_applied (table_name String, ttl String, applied_at DateTime64(3, 'UTC'))
     ENGINE = ReplacingMergeTree(applied_at) ORDER BY table_name`,
  );
  const current = new Map(
    (await store.query<{ table_name: string; ttl: string }>('SELECT table_name, ttl FROM retention_applied FINAL')).map((r) => [r.table_name, r.ttl]),
  );
  const changed: string[] = [];
  for (const t of TABLES) {
    const clause = ttlClause(t.time, retention[t.window]);
    const wanted = clause ?? '';
    if ((current.get(t.table) ?? '') === wanted) continue;
    // The clause is built from validated integers only, never from request input.
    await store.command(clause ? `ALTER TABLE ${t.table} MODIFY TTL ${clause}` : `ALTER TABLE ${t.table} REMOVE TTL`);
    await store.insert('retention_applied', [{ table_name: t.table, ttl: wanted, applied_at: new Date().toISOString() }]);
    changed.push(t.table);
  }
  return changed;
}
