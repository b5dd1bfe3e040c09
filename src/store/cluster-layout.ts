/**
 * Where each table lives on a ClickHouse cluster (docs/cluster.md): sharded behind a Distributed table, or
 * replicated whole on every node. Read by the schema renderer (schema-target.ts); pure data.
 *
 * Sharded tables hold the events and everything derived from them. Their local tables are named
 * `<table>_local`; the Distributed table in front keeps the name every query uses. The sharding key decides
 * where a row written through the Distributed table goes: every table with an execution id is keyed by
 * `cityHash64(workflow_id, execution_id)`, so all events of one execution, its state, facts, failures, costs and
 * step durations sit on one shard (per-execution figures are computed shard-locally, exactly), and the
 * materialized views, which read the local `events_local` of their shard, write there too.
 *
 * Replicated tables are the small ones read by key with FINAL (accounts, keys, the catalog, settings, jobs,
 * alerts, reports, dashboards, the ledgers): one replication path for the whole cluster, so every node holds
 * every row and FINAL collapses all versions of a key, as on one node.
 */

/** The one sharding key of the execution-keyed tables. */
export const EXECUTION_KEY = 'cityHash64(workflow_id, execution_id)';

export type Placement =
  | { kind: 'sharded'; key: string; why: string }
  | { kind: 'replicated'; why: string };

const BY_EXECUTION = (why: string): Placement => ({ kind: 'sharded', key: EXECUTION_KEY, why });
const MERGED_BY_READERS = (key: string, why: string): Placement => ({ kind: 'sharded', key, why });
const EVERY_NODE: Placement = { kind: 'replicated', why: 'small, read by key with FINAL on every request; every node holds all of it' };

/** Every table the migrations (and migrate/retention ledgers) create; a new table must be placed here. */
export const CLUSTER_LAYOUT: Readonly<Record<string, Placement>> = {
  events: BY_EXECUTION('raw events: one execution on one shard'),
  execution_state: BY_EXECUTION('fed per shard from events_local by execution_state_mv; grouped by execution'),
  execution_facts: BY_EXECUTION('written from execution_state of the same shard; ReplacingMergeTree FINAL collapses per execution'),
  step_fallback_durations: BY_EXECUTION('replaced by step_durations_from_timestamps (011); kept for the migration'),
  step_durations_from_timestamps: BY_EXECUTION('written with the facts; ReplacingMergeTree FINAL collapses per execution step'),
  failure_events: BY_EXECUTION('fed per shard from events_local'),
  cost_events: BY_EXECUTION('fed per shard from events_local; the costs panel joins it to events of the same execution'),
  event_ids: MERGED_BY_READERS('cityHash64(id_hash)', 'dedup lookups read every shard (IN over the Distributed table); a row only needs to exist somewhere'),
  workflow_events_hourly: MERGED_BY_READERS('cityHash64(workflow_id)', 'rollup fed per shard; readers sum over shards with GROUP BY'),
  workflow_events_daily: MERGED_BY_READERS('cityHash64(workflow_id)', 'fed per shard from workflow_events_hourly_local'),
  workflow_events_monthly: MERGED_BY_READERS('cityHash64(workflow_id)', 'fed per shard from workflow_events_daily_local'),
  workflows_seen: MERGED_BY_READERS('cityHash64(workflow_id)', 'min/max/sum per workflow fed per shard; readers merge with GROUP BY'),
  facts_time_spans: MERGED_BY_READERS('cityHash64(workflow_id)', 'a maximum fed per shard; the bound is the max over shards'),
  audit_log: MERGED_BY_READERS('cityHash64(account_id, entry_id)', 'grows with every request; read newest first with ORDER BY … LIMIT, exact over shards'),
  accounts: EVERY_NODE,
  api_keys: EVERY_NODE,
  workflows: EVERY_NODE,
  jobs: EVERY_NODE,
  workflow_access: EVERY_NODE,
  server_secrets: EVERY_NODE,
  exports: EVERY_NODE,
  reports: EVERY_NODE,
  report_runs: EVERY_NODE,
  cost_budgets: EVERY_NODE,
  cost_budget_alerts: EVERY_NODE,
  sessions: EVERY_NODE,
  experiments: EVERY_NODE,
  experiment_assignments: EVERY_NODE,
  experiment_decisions: EVERY_NODE,
  alert_rules: EVERY_NODE,
  alerts: EVERY_NODE,
  alert_history: EVERY_NODE,
  alert_notifications: EVERY_NODE,
  alert_deliveries: EVERY_NODE,
  alert_silences: EVERY_NODE,
  dashboards: EVERY_NODE,
  dashboard_links: EVERY_NODE,
  integrations: EVERY_NODE,
  integration_runs: EVERY_NODE,
  external_records: EVERY_NODE,
  schema_migrations: EVERY_NODE,
  retention_applied: EVERY_NODE,
};

/** A table not listed (a test's scratch table): replicated on every node, the placement that never splits rows. */
export function placementOf(table: string): Placement {
  return CLUSTER_LAYOUT[table] ?? EVERY_NODE;
}

export const LOCAL_SUFFIX = '_local';

/** The names of the sharded tables, whose local tables carry LOCAL_SUFFIX. */
export const SHARDED_TABLES: readonly string[] = Object.entries(CLUSTER_LAYOUT)
  .filter(([, p]) => p.kind === 'sharded')
  .map(([t]) => t);
