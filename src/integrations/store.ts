/**
 * Integrations, their runs and the outside records in the store (migration 022). Rows are parsed here, once:
 * DateTime64 values come back as RFC 3339 UTC, maps as plain objects, the run's report as JSON.
 */
import { isoUtc, replacingStamp, stringList, stringListValue } from '../store/params.js';
import type { Store } from '../store/store.js';
import { MapValue } from '../store/tsv.js';
import type { ExternalObject, IntegrationKind } from './connector.js';

export interface Integration {
  account_id: string;
  id: string;
  kind: IntegrationKind;
  name: string;
  config: Record<string, string>;
  credentials_enc: string;
  /** Minutes between scheduled syncs; 0: on demand only. */
  schedule_minutes: number;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type RunTrigger = 'schedule' | 'manual';
/** Per-object counts of one run (object name → count). */
export type Counts = Record<string, number>;

/** What a run found, in words and numbers, kept with it (integration_runs.report). */
export interface RunReport {
  objects: Array<{ object: string; since: string | null; pages: number; fetched: number; inserted: number; updated: number; unchanged: number; conflicts_resolved: number; duplicates: number; missing_ids: number; clock_skew: number }>;
  /** Up to 20 examples of what the checks found (a duplicate's id, a skewed time, a conflict's field). */
  findings: string[];
  rate_limited_retries: number;
  push: { since: string | null; sent: number; accepted: number; rejected: Array<{ execution_id: string; reason: string }> } | null;
  token_refreshed: boolean;
}

export interface Run {
  account_id: string;
  run_id: string;
  integration_id: string;
  trigger: RunTrigger;
  status: RunStatus;
  progress: number;
  started_at: string;
  finished_at: string | null;
  cursor_before: Record<string, string>;
  cursor_after: Record<string, string>;
  fetched: Counts;
  inserted: Counts;
  updated: Counts;
  unchanged: Counts;
  conflicts_resolved: Counts;
  duplicates: Counts;
  missing_ids: Counts;
  clock_skew: Counts;
  rate_limited_retries: number;
  pushed: number;
  push_rejected: number;
  error: string;
  report: RunReport | null;
}

/** One outside record as stored: external_records' columns, times RFC 3339 UTC. */
export interface StoredRecord {
  object: ExternalObject;
  external_id: string;
  contact_key: string;
  modified_at: string;
  fields: Record<string, string>;
  field_modified_at: Record<string, string>;
  amount: number | null;
  currency: string;
  closed_won_at: string | null;
}

const iso = (x: string) => isoUtc(x) ?? x;
const isoMap = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, iso(v)]));

const RUN_COLUMNS = `account_id, run_id, integration_id, trigger, status, progress, toString(started_at) AS started_at, toString(finished_at) AS finished_at,
  cursor_before, cursor_after, fetched, inserted, updated, unchanged, conflicts_resolved, duplicates, missing_ids, clock_skew,
  rate_limited_retries, pushed, push_rejected, error, report`;

const MAP_COLUMNS = ['cursor_before', 'cursor_after', 'fetched', 'inserted', 'updated', 'unchanged', 'conflicts_resolved', 'duplicates', 'missing_ids', 'clock_skew'] as const;

type RunRow = Omit<Run, 'report'> & { report: string };
const parseRun = (r: RunRow): Run => ({ ...r, started_at: iso(r.started_at), finished_at: r.finished_at ? iso(r.finished_at) : null, report: r.report ? (JSON.parse(r.report) as RunReport) : null });

export class IntegrationStore {
  constructor(readonly store: Store) {}

  async save(i: Integration, deleted = false): Promise<Integration> {
    const saved = { ...i, updated_at: replacingStamp() };
    await this.store.insert('integrations', [{ ...saved, config: new MapValue(i.config), enabled: i.enabled ? 1 : 0, is_deleted: deleted ? 1 : 0 }]);
    return saved;
  }

  /** An account's integrations (every account's with account null), oldest first; or the one named by `id`. */
  async list(account: string | null, id = ''): Promise<Integration[]> {
    const rows = await this.store.query<Omit<Integration, 'enabled'> & { enabled: number }>(
      `SELECT account_id, id, kind, name, config, credentials_enc, schedule_minutes, enabled, toString(created_at) AS created_at, toString(updated_at) AS updated_at
       FROM integrations FINAL
       WHERE is_deleted = 0 AND ({all:UInt8} = 1 OR account_id = {a:String}) AND ({id:String} = '' OR id = {id:String})
       ORDER BY created_at, id`,
      { all: account === null ? 1 : 0, a: account ?? '', id },
    );
    return rows.map((r) => ({ ...r, enabled: r.enabled === 1, created_at: iso(r.created_at), updated_at: iso(r.updated_at) }));
  }

  async get(account: string, id: string): Promise<Integration | undefined> {
    return id === '' ? undefined : (await this.list(account, id))[0];
  }

  async saveRun(run: Run): Promise<void> {
    const maps = Object.fromEntries(MAP_COLUMNS.map((c) => [c, new MapValue(run[c])]));
    await this.store.insert('integration_runs', [{ ...run, ...maps, report: run.report ? JSON.stringify(run.report) : '', updated_at: replacingStamp() }]);
  }

  /** An integration's runs, newest first. */
  async runs(account: string, integrationId: string, limit = 50, runId = ''): Promise<Run[]> {
    const rows = await this.store.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM integration_runs FINAL
       WHERE account_id = {a:String} AND integration_id = {i:String} AND ({r:String} = '' OR run_id = {r:String})
       ORDER BY started_at DESC, run_id DESC LIMIT {n:UInt32}`,
      { a: account, i: integrationId, r: runId, n: limit },
    );
    return rows.map(parseRun);
  }

  /** Runs of any integration in these states (queued or running ones a stopped process left behind). */
  async runsIn(statuses: RunStatus[]): Promise<Run[]> {
    const rows = await this.store.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM integration_runs FINAL WHERE status IN {s:Array(String)} ORDER BY started_at`, { s: statuses });
    return rows.map(parseRun);
  }

  /** Where the next run starts: the cursors the latest finished run left (empty before the first). */
  async cursor(account: string, integrationId: string): Promise<Record<string, string>> {
    const rows = await this.store.query<{ cursor_after: Record<string, string> }>(
      `SELECT cursor_after FROM integration_runs FINAL
       WHERE account_id = {a:String} AND integration_id = {i:String} AND status IN ('succeeded', 'failed')
       ORDER BY finished_at DESC, run_id DESC LIMIT 1`,
      { a: account, i: integrationId },
    );
    return rows[0]?.cursor_after ?? {};
  }

  /** Of the last `n` finished runs: how many succeeded, out of how many (the success rate's parts). */
  async successRate(account: string, integrationId: string, n: number): Promise<{ runs: number; succeeded: number; rate: number | null }> {
    const rows = await this.store.query<{ runs: number; succeeded: number }>(
      `SELECT count() AS runs, countIf(status = 'succeeded') AS succeeded FROM (
         SELECT status FROM integration_runs FINAL
         WHERE account_id = {a:String} AND integration_id = {i:String} AND status IN ('succeeded', 'failed')
         ORDER BY finished_at DESC, run_id DESC LIMIT {n:UInt32})`,
      { a: account, i: integrationId, n },
    );
    const { runs, succeeded } = rows[0] ?? { runs: 0, succeeded: 0 };
    return { runs, succeeded, rate: runs === 0 ? null : succeeded / runs };
  }

  /** When each integration's latest run started (any account), to tell which scheduled syncs are due. */
  async lastStarts(): Promise<Map<string, string>> {
    const rows = await this.store.query<{ k: string; at: string }>(
      `SELECT concat(account_id, '/', integration_id) AS k, toString(max(started_at)) AS at FROM integration_runs FINAL GROUP BY account_id, integration_id`,
    );
    return new Map(rows.map((r) => [r.k, iso(r.at)]));
  }

  /** The stored records of these ids (the current row of each). */
  async records(account: string, integrationId: string, object: ExternalObject, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.store.query<StoredRecord>(
      `SELECT object, external_id, contact_key, toString(modified_at) AS modified_at, fields, field_modified_at, amount, currency, toString(closed_won_at) AS closed_won_at
       FROM external_records FINAL
       WHERE account_id = {a:String} AND integration_id = {i:String} AND object = {o:String} AND external_id IN ${stringList('ids')}`,
      { a: account, i: integrationId, o: object, ids: stringListValue(ids) },
    );
    return new Map(rows.map((r) => [r.external_id, { ...r, modified_at: iso(r.modified_at), field_modified_at: isoMap(r.field_modified_at), closed_won_at: r.closed_won_at ? iso(r.closed_won_at) : null }]));
  }

  async writeRecords(account: string, integrationId: string, kind: IntegrationKind, records: readonly StoredRecord[]): Promise<void> {
    if (records.length === 0) return;
    const synced_at = replacingStamp();
    await this.store.insert('external_records', records.map((r) => ({ ...r, fields: new MapValue(r.fields), field_modified_at: new MapValue(r.field_modified_at), account_id: account, integration_id: integrationId, kind, synced_at })));
  }

  /** Deletes an integration's records and runs with it (its row is marked deleted by save). */
  async purge(account: string, integrationId: string): Promise<void> {
    for (const table of ['external_records', 'integration_runs']) {
      await this.store.command(`DELETE FROM ${table} WHERE account_id = {a:String} AND integration_id = {i:String}`, { a: account, i: integrationId });
    }
  }
}
