/**
 * Retention (REQ-WFL-009-10) as ClickHouse TTLs: raw detail (events, their ids, execution state and
 * facts, hourly rollups) for `rawDays`, daily rollups for `dailyDays`, monthly rollups forever.
 * Rows with retain = 1 (imported history, `flowlens import --retain`) are kept whatever the window;
 * a window of 0 keeps everything. Applied at start when the configured windows changed.
 */
import type { RetentionConfig } from '../config/config.js';
import type { Store } from './store.js';

/** Each table, the time column its rows expire by, and which window applies. */
const TABLES = [
  { table: 'events', time: 'ts', window: 'rawDays' },
  { table: 'event_ids', time: 'ts', window: 'rawDays' },
  { table: 'execution_state', time: 'last_event_at', window: 'rawDays' },
  { table: 'execution_facts', time: 'enrolled_at', window: 'rawDays' },
  { table: 'step_durations_from_timestamps', time: 'ts', window: 'rawDays' },
  { table: 'failure_events', time: 'ts', window: 'rawDays' },
  { table: 'cost_events', time: 'ts', window: 'rawDays' },
  { table: 'workflow_events_hourly', time: 'bucket', window: 'rawDays' },
  { table: 'workflow_events_daily', time: 'bucket', window: 'dailyDays' },
] as const;

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
