/**
 * Loads the marks of the tables the dashboard panels read into the engine's mark cache, once at start.
 * Otherwise the first read of each column of each part after a start loads them itself: at 1M
 * enrollments the first request of each panel took 25–35 ms longer (summary 139 against ≈80 ms). It costs
 * ≈45 ms at 1M (the marks are kilobytes per part). Embedded store only: a ClickHouse server keeps its
 * caches across our restarts, and may not grant SYSTEM rights.
 */
import type { Store } from './store.js';

/** What the analytics panels read (cohort facts, rollups, durations from timestamps). */
export const PANEL_TABLES = [
  'execution_facts',
  'facts_time_spans',
  'step_durations_from_timestamps',
  'workflow_events_hourly',
  'workflow_events_daily',
  'workflow_events_monthly',
] as const;

/** Prewarms each table's marks; a failure is logged and skipped (it only costs the first reads time). */
export async function prewarmMarks(store: Store, log: (msg: string, err?: unknown) => void): Promise<void> {
  const started = performance.now();
  for (const table of PANEL_TABLES) {
    try {
      // table names are the constants above, never input
      await store.command(`SYSTEM PREWARM MARK CACHE ${table}`);
    } catch (err) {
      log(`could not prewarm the mark cache of ${table}`, err);
    }
  }
  log(`mark cache of the panels' tables prewarmed in ${Math.round(performance.now() - started)} ms`);
}

/**
 * A read of more rows or bytes than these goes around the block cache (the engine's defaults of
 * merge_tree_max_rows_to_use_cache and merge_tree_max_bytes_to_use_cache), so prewarming such a partition
 * would be wasted.
 */
const CACHEABLE_ROWS = 1_048_576;
const CACHEABLE_BYTES = 192 * 1024 * 1024;

/**
 * Fills the block cache with the panels' data, newest partitions first, up to half its size: otherwise the first
 * request of each panel after a start decompresses and caches every block it reads itself (at 1M enrollments the
 * first 30-day funnel took 260 ms against ≈65 for the next). One statement per partition, each queued as a read (on the read-first store a request waits for at most one).
 */
export async function prewarmBlockCache(
  store: Store,
  cacheMb: number,
  log: (msg: string, err?: unknown) => void,
  /** Checked before each partition: the process is closing. */
  stopped: () => boolean = () => false,
): Promise<void> {
  if (cacheMb <= 0) return;
  const started = performance.now();
  const budget = (cacheMb * 1024 * 1024) / 2;
  let filled = 0;
  try {
    // table names are the constants of PANEL_TABLES, never input; partition ids sort by time within a table
    const partitions = await store.query<{ table: string; partition_id: string; rows: number; bytes: number }>(
      `SELECT table, partition_id, sum(rows) AS rows, sum(data_uncompressed_bytes) AS bytes
       FROM system.parts
       WHERE database = currentDatabase() AND active AND table IN {tables:Array(String)}
       GROUP BY table, partition_id
       ORDER BY indexOf({tables:Array(String)}, table), partition_id DESC`,
      { tables: PANEL_TABLES },
    );
    // every stored column, the materialized ones (execution_facts.outcome) too; names as the engine lists them
    const columns = new Map(
      (
        await store.query<{ table: string; names: string[] }>(
          `SELECT table, groupArray(name) AS names FROM system.columns
           WHERE database = currentDatabase() AND table IN {tables:Array(String)} AND default_kind != 'ALIAS' GROUP BY table`,
          { tables: PANEL_TABLES },
        )
      ).map((t) => [t.table, t.names.filter((n) => /^[a-z_0-9]+$/.test(n)).join(', ')]),
    );
    for (const p of partitions) {
      if (stopped()) break;
      if (Number(p.rows) > CACHEABLE_ROWS || Number(p.bytes) > CACHEABLE_BYTES) continue;
      if (filled + Number(p.bytes) > budget) break;
      await store.query(`SELECT count() AS n FROM ${p.table} WHERE _partition_id = {partition:String} AND NOT ignore(${columns.get(p.table)})`, { partition: p.partition_id });
      filled += Number(p.bytes);
    }
  } catch (err) {
    log('could not prewarm the block cache', err);
  }
  log(`block cache prewarmed with ${Math.round(filled / 1024 / 1024)} MB of the panels' data in ${Math.round(performance.now() - started)} ms`);
}
