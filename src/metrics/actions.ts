/**
 * Action performance (CONTRACT §6): every `action` step, over its step.completed / step.failed events
 * whose own timestamp is in the period. Served from the hourly/daily/monthly rollups when the period's
 * boundaries fall on that table's UTC buckets and every event carried duration_ms (then the sums are
 * identical); from the raw events otherwise (Kolkata's +05:30 days, variant filter, missing durations).
 */
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { getWorkflowVersion } from '../ingest/catalog.js';
import type { Period } from './period.js';
import { countsOf, params, percent, round2, type Scope } from './scope.js';

export interface ActionRow {
  action_id: string;
  action_type: string;
  action_name: string;
  executions: number;
  successes: number;
  failures: number;
  success_rate: number;
  error_rate: number;
  average_duration_ms: number | null;
  p50_duration_ms: number | null;
  p95_duration_ms: number | null;
  error_types: Record<string, number>;
}

export interface Actions {
  actions: ActionRow[];
  /** Where the figures were read: `rollup_hourly` | `rollup_daily` | `rollup_monthly` | `raw`. */
  source: string;
}

interface Agg {
  step_id: string;
  action_type: string;
  successes: number;
  failures: number;
  dur_sum: number;
  dur_n: number;
  q: number[];
  errors: [string[], number[]];
}

const ROLLUPS = [
  { table: 'workflow_events_monthly', source: 'rollup_monthly', aligned: (d: Date) => d.getUTCDate() === 1 && d.getTime() % 86_400_000 === 0 },
  { table: 'workflow_events_daily', source: 'rollup_daily', aligned: (d: Date) => d.getTime() % 86_400_000 === 0 },
  { table: 'workflow_events_hourly', source: 'rollup_hourly', aligned: (d: Date) => d.getTime() % 3_600_000 === 0 },
];

const VERSION = (s: Scope) => (s.version !== undefined ? 'workflow_version = {version:UInt32}' : '1');

const ROLLUP_SQL = (table: string, s: Scope) => `
SELECT
    step_id,
    any(action_type) AS action_type,
    sumIf(events, type = 'step.completed') AS successes,
    sumIf(events, type = 'step.failed') AS failures,
    sum(duration_sum) AS dur_sum,
    sum(duration_n) AS dur_n,
    quantilesTDigestMerge(0.5, 0.95)(duration_q) AS q,
    sumMapIf([toString(detail)], [events], type = 'step.failed') AS errors
FROM ${table}
WHERE account_id = {account:String} AND workflow_id = {workflow:String}
  AND type IN ('step.completed', 'step.failed') AND step_type = 'action'
  AND bucket >= {from:DateTime64(3, 'UTC')} AND bucket < {to:DateTime64(3, 'UTC')} AND ${VERSION(s)}
GROUP BY step_id`;

const RAW_WHERE = (s: Scope) => `account_id = {account:String} AND workflow_id = {workflow:String}
  AND type IN ('step.completed', 'step.failed') AND step_type = 'action'
  AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')} AND ${VERSION(s)}
  ${s.variant !== undefined ? `AND execution_id IN (SELECT execution_id FROM ${FACTS} WHERE variant = {variant:String})` : ''}`;

// Events without duration_ms take the time since the execution's first step.started of the same step.
const RAW_SQL = (s: Scope) => `
WITH step_events AS (SELECT * FROM events WHERE ${RAW_WHERE(s)}),
started AS (
    SELECT execution_id, step_id, min(ts) AS started_at FROM events
    WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND type = 'step.started'
      AND execution_id IN (SELECT execution_id FROM step_events WHERE duration_ms IS NULL)
    GROUP BY execution_id, step_id)
SELECT
    e.step_id AS step_id,
    any(e.action_type) AS action_type,
    countIf(e.type = 'step.completed') AS successes,
    countIf(e.type = 'step.failed') AS failures,
    sum(ifNull(e.duration_ms, toFloat64(greatest(toUnixTimestamp64Milli(e.ts) - toUnixTimestamp64Milli(st.started_at), 0)))) AS dur_sum,
    countIf(e.duration_ms IS NOT NULL OR st.started_at IS NOT NULL) AS dur_n,
    quantilesTDigestIf(0.5, 0.95)(ifNull(e.duration_ms, 0), e.duration_ms IS NOT NULL) AS q,
    sumMapIf([toString(e.error_type)], [toUInt64(1)], e.type = 'step.failed') AS errors
FROM step_events AS e
LEFT JOIN started AS st ON st.execution_id = e.execution_id AND st.step_id = e.step_id
GROUP BY step_id`;

const MISSING_SQL = (table: string, s: Scope) => `
SELECT sum(events) - sum(duration_n) AS missing FROM ${table}
WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND type IN ('step.completed', 'step.failed') AND step_type = 'action'
  AND bucket >= {from:DateTime64(3, 'UTC')} AND bucket < {to:DateTime64(3, 'UTC')} AND ${VERSION(s)}`;

/** The rollup table that gives exactly the raw answer for this request, if any. */
async function usableRollup(store: Store, scope: Scope, period: Period): Promise<(typeof ROLLUPS)[number] | null> {
  if (scope.variant !== undefined) return null;
  const table = ROLLUPS.find((r) => r.aligned(period.from) && r.aligned(period.to));
  if (!table) return null;
  const [row] = await store.query<{ missing: number }>(MISSING_SQL(table.table, scope), params(scope, period));
  return Number(row?.missing ?? 0) === 0 ? table : null;
}

export async function actions(store: Store, scope: Scope, period: Period, options: { source?: 'raw' } = {}): Promise<Actions> {
  const rollup = options.source === 'raw' ? null : await usableRollup(store, scope, period);
  const [rows, catalog] = await Promise.all([
    store.query<Agg>(rollup ? ROLLUP_SQL(rollup.table, scope) : RAW_SQL(scope), params(scope, period)),
    getWorkflowVersion(store, scope.account, scope.workflow, scope.version),
  ]);
  const steps = catalog?.steps ?? [];
  const position = new Map(steps.map((s, i) => [s.step_id, i]));
  rows.sort((a, b) => (position.get(a.step_id) ?? 1e9) - (position.get(b.step_id) ?? 1e9) || a.step_id.localeCompare(b.step_id));
  return {
    source: rollup?.source ?? 'raw',
    actions: rows.map((r) => {
      const executions = Number(r.successes) + Number(r.failures);
      const step = steps.find((s) => s.step_id === r.step_id);
      const timed = Number(r.dur_n) > 0 && r.q.length === 2 && Number.isFinite(r.q[0]);
      return {
        action_id: r.step_id,
        action_type: r.action_type || step?.action_type || '',
        action_name: step?.name ?? r.step_id,
        executions,
        successes: Number(r.successes),
        failures: Number(r.failures),
        success_rate: percent(Number(r.successes), executions),
        error_rate: percent(Number(r.failures), executions),
        average_duration_ms: Number(r.dur_n) > 0 ? round2(r.dur_sum / Number(r.dur_n)) : null,
        p50_duration_ms: timed ? round2(r.q[0]!) : null,
        p95_duration_ms: timed ? round2(r.q[1]!) : null,
        error_types: countsOf(r.errors),
      };
    }),
  };
}
