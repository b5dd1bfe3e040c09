/**
 * Action performance (CONTRACT §6): every `action` step, over its step.completed / step.failed events
 * whose own timestamp is in the period. Counts and the durations that events carried come from the
 * hourly/daily/monthly rollups when the period's edges fall on that table's UTC buckets (the sums are
 * then identical); when they do not (Kolkata's +05:30 days), from the daily rollup for the whole UTC days
 * inside the period, the hourly one for the other whole hours and the raw events for the part-hours at its
 * edges (`rollups+raw`); from the raw events alone for a
 * variant, enrollment source or exit reason filter (the rollups know only versions) or a period shorter than its part-hours. Events
 * without duration_ms add the duration their timestamps give, kept per event in
 * step_durations_from_timestamps (written with the execution facts), so no join of raw events is needed:
 * the mean and the t-digest percentiles cover the same durations (sent, or derived from timestamps), the
 * population of the platform's steps figures (metrics/platform/steps.ts, which computes them exactly).
 */
import type { ActionRow, Actions } from '../contract/index.js';
import type { Store } from '../store/store.js';
import { getWorkflowVersion, type WorkflowVersion } from '../catalog/catalog.js';
import type { Period } from './period.js';
import { countsOf, filterSql, IN_PERIOD, params, percent, rollupsKnow, round2, type Scope } from './scope.js';
import { DAY_MS } from '../time/calendar.js';

/** The actions' types are the API contract's (src/contract/analytics.ts); `source` says where the figures were read. */
export type { ActionRow, Actions };

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

const WORKFLOW = 'account_id = {account:String} AND workflow_id = {workflow:String}';
const STEP_EVENTS = "type IN ('step.completed', 'step.failed') AND step_type = 'action'";

// The figures per step as partial aggregates (exact counts and sums, t-digest states), from a rollup table
// over a range of its buckets or from the raw events over a condition on their time; MERGED adds up any
// number of parts. Aligned periods read one rollup part, others the raw part; periods whose edges are not
// whole UTC hours (Kolkata's days) the daily rollup for the whole UTC days inside [day_from, day_to), the
// hourly one for the other whole hours [hour_from, hour_to) and the raw events for the part-hours at the edges.
const ROLLUP_PART = (table: string, range: string, s: Scope) => `
    SELECT step_id, any(action_type) AS action_type,
           sumIf(events, type = 'step.completed') AS successes, sumIf(events, type = 'step.failed') AS failures,
           sum(duration_sum) AS dur_sum, sum(duration_n) AS dur_n, quantilesTDigestMergeState(0.5, 0.95)(duration_q) AS q,
           sumMapIf([toString(detail)], [events], type = 'step.failed') AS errors
    FROM ${table}
    WHERE ${WORKFLOW} AND ${STEP_EVENTS} AND ${range} AND ${filterSql(s, 'rollup')}
    GROUP BY step_id`;
const RAW_PART = (time: string, s: Scope) => `
    SELECT step_id, any(action_type) AS action_type,
           countIf(type = 'step.completed') AS successes, countIf(type = 'step.failed') AS failures,
           sum(ifNull(duration_ms, 0)) AS dur_sum, count(duration_ms) AS dur_n,
           quantilesTDigestStateIf(0.5, 0.95)(ifNull(duration_ms, 0), duration_ms IS NOT NULL) AS q,
           sumMapIf([toString(error_type)], [toUInt64(1)], type = 'step.failed') AS errors
    FROM events
    WHERE ${WORKFLOW} AND ${STEP_EVENTS} AND ${IN_PERIOD('ts')} AND ${time} AND ${filterSql(s, 'events')}
    GROUP BY step_id`;
// Durations derived from timestamps, for the step events that carried none (null when no start preceded
// them): one more part of every answer, so that the mean and the percentiles cover the same durations.
const DERIVED_PART = (s: Scope) => `
    SELECT step_id, '' AS action_type, toUInt64(0) AS successes, toUInt64(0) AS failures,
           sum(ifNull(duration_ms, 0)) AS dur_sum, count(duration_ms) AS dur_n,
           quantilesTDigestStateIf(0.5, 0.95)(ifNull(duration_ms, 0), duration_ms IS NOT NULL) AS q,
           CAST(([], []), 'Tuple(Array(String), Array(UInt64))') AS errors
    FROM step_durations_from_timestamps FINAL
    WHERE ${WORKFLOW} AND step_type = 'action' AND ${IN_PERIOD('ts')} AND ${filterSql(s, 'events')}
    GROUP BY step_id`;
const MERGED = (s: Scope, ...parts: string[]) => `
SELECT step_id, anyIf(action_type, action_type != '') AS action_type, sum(successes) AS successes, sum(failures) AS failures,
       sum(dur_sum) AS dur_sum, sum(dur_n) AS dur_n, quantilesTDigestMerge(0.5, 0.95)(q) AS q, sumMap(errors) AS errors
FROM (${[...parts, DERIVED_PART(s)].join('\n    UNION ALL')})
GROUP BY step_id
HAVING successes + failures > 0`;

const AT = (name: string) => `{${name}:DateTime64(3, 'UTC')}`;
const ROLLUP_SQL = (table: string, s: Scope) => MERGED(s, ROLLUP_PART(table, IN_PERIOD('bucket'), s));
const RAW_SQL = (s: Scope) => MERGED(s, RAW_PART('1', s));
const SPLIT_SQL = (s: Scope) =>
  MERGED(
    s,
    ROLLUP_PART('workflow_events_daily', `bucket >= ${AT('day_from')} AND bucket < ${AT('day_to')}`, s),
    ROLLUP_PART('workflow_events_hourly', `bucket >= ${AT('hour_from')} AND bucket < ${AT('hour_to')} AND NOT (bucket >= ${AT('day_from')} AND bucket < ${AT('day_to')})`, s),
    RAW_PART(`(ts < ${AT('hour_from')} OR ts >= ${AT('hour_to')})`, s),
  );

const HOUR = 3_600_000;

/** The whole UTC hours and days inside the period, when it has whole hours and its edges are not all whole hours. */
function innerSpans(period: Period): Record<'hour_from' | 'day_from' | 'day_to' | 'hour_to', Date> | null {
  const hourFrom = Math.ceil(period.from.getTime() / HOUR) * HOUR;
  const hourTo = Math.floor(period.to.getTime() / HOUR) * HOUR;
  if (hourFrom >= hourTo) return null;
  let dayFrom = Math.ceil(hourFrom / DAY_MS) * DAY_MS;
  let dayTo = Math.floor(hourTo / DAY_MS) * DAY_MS;
  if (dayFrom >= dayTo) dayFrom = dayTo = hourFrom;
  return { hour_from: new Date(hourFrom), day_from: new Date(dayFrom), day_to: new Date(dayTo), hour_to: new Date(hourTo) };
}

/** The rollup table that gives exactly the raw answer for this request, if any. */
function usableRollup(scope: Scope, period: Period): (typeof ROLLUPS)[number] | null {
  if (!rollupsKnow(scope)) return null;
  return ROLLUPS.find((r) => r.aligned(period.from) && r.aligned(period.to)) ?? null;
}

/**
 * `options.catalog`: the scope's workflow version as the caller already has it (e.g. cached); read from the
 * store when omitted. `options.source` 'raw' forces the raw events (the rollup property tests compare with it).
 */
export async function actions(store: Store, scope: Scope, period: Period, options: { source?: 'raw'; catalog?: Promise<WorkflowVersion | null> } = {}): Promise<Actions> {
  const rollup = options.source === 'raw' ? null : usableRollup(scope, period);
  const inner = options.source === 'raw' || rollup || !rollupsKnow(scope) ? null : innerSpans(period);
  const p = { ...params(scope, period), ...inner };
  const [rows, catalog] = await Promise.all([
    store.query<Agg>(rollup ? ROLLUP_SQL(rollup.table, scope) : inner ? SPLIT_SQL(scope) : RAW_SQL(scope), p),
    options.catalog ?? getWorkflowVersion(store, scope.account, scope.workflow, scope.version),
  ]);
  const steps = catalog?.steps ?? [];
  const position = new Map(steps.map((s, i) => [s.step_id, i]));
  rows.sort((a, b) => (position.get(a.step_id) ?? 1e9) - (position.get(b.step_id) ?? 1e9) || a.step_id.localeCompare(b.step_id));
  return {
    source: rollup?.source ?? (inner ? 'rollups+raw' : 'raw'),
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
