/**
 * Moving a Flowlens store (an embedded data directory to a ClickHouse server or cluster, or to another machine):
 * the tables that are not derived — the raw events and the small tables (accounts, keys, catalog, settings,
 * reports, alerts, dashboards, …) — written as one ClickHouse Native file per table, and read back into a migrated
 * store. The derived tables are never moved: on the target, the materialized views fill them as the events arrive,
 * and Flowlens writes the execution facts at its next start (DerivedTables.catchUp). docs/cluster.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from './store.js';

/** Rebuilt from the raw events on the target; never dumped. */
export const DERIVED_TABLES: ReadonlySet<string> = new Set([
  'event_ids', 'execution_state', 'execution_facts', 'step_durations_from_timestamps', 'failure_events', 'cost_events',
  'workflow_events_hourly', 'workflow_events_daily', 'workflow_events_monthly', 'workflows_seen', 'facts_time_spans',
]);

/** The target keeps its own: it is migrated before loading, and applies its own retention. */
const LEDGERS: ReadonlySet<string> = new Set(['schema_migrations', 'retention_applied']);

export interface DumpManifest {
  tables: Array<{ table: string; rows: number; file: string }>;
}

export const MANIFEST = 'manifest.json';

function quotedPath(file: string): string {
  if (/['\\\n]/.test(file)) throw new Error(`a dump directory may not contain quotes, backslashes or newlines: ${file}`);
  return `'${file}'`;
}

/** The tables a dump holds: every MergeTree table of the store's database but the derived ones and the ledgers. */
export async function tablesToMove(store: Store): Promise<string[]> {
  const rows = await store.query<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' ORDER BY name",
  );
  return rows.map((r) => r.name).filter((t) => !DERIVED_TABLES.has(t) && !LEDGERS.has(t));
}

/** Writes `<table>.native` for each table to move, and manifest.json; embedded stores (the engine writes the files). */
export async function dumpTables(store: Store, dir: string, onTable?: (table: string, rows: number) => void): Promise<DumpManifest> {
  if (store.kind !== 'embedded') throw new Error('dump reads an embedded data directory (a server is copied with its own tools)');
  fs.mkdirSync(dir, { recursive: true });
  const manifest: DumpManifest = { tables: [] };
  for (const table of await tablesToMove(store)) {
    const file = `${table}.native`;
    const [count] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${table}`);
    await store.command(`SELECT * FROM ${table} INTO OUTFILE ${quotedPath(path.resolve(dir, file))} TRUNCATE FORMAT Native`);
    manifest.tables.push({ table, rows: count!.n, file });
    onTable?.(table, count!.n);
  }
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/**
 * Reads a dump into a migrated embedded store whose tables to move are empty; the views fill the derived tables
 * from the events as they arrive. A server or cluster reads the same files with clickhouse-client (docs/cluster.md).
 */
export async function loadTables(store: Store, dir: string, onTable?: (table: string, rows: number) => void): Promise<DumpManifest> {
  if (store.kind !== 'embedded') throw new Error('load writes an embedded data directory; load a server with clickhouse-client (docs/cluster.md)');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as DumpManifest;
  const known = new Set(await tablesToMove(store));
  for (const { table, rows, file } of manifest.tables) {
    if (!known.has(table)) throw new Error(`the dump holds ${table}, which this store does not have: migrate it first`);
    const [count] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${table}`);
    if (count!.n > 0) throw new Error(`${table} is not empty: load into a new store`);
    await store.command(`INSERT INTO ${table} FROM INFILE ${quotedPath(path.resolve(dir, file))} FORMAT Native`);
    onTable?.(table, rows);
  }
  return manifest;
}
