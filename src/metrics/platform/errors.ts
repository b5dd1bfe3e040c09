/**
 * Errors of the period: every `execution.failed` and `step.failed` event whose own timestamp falls in
 * it, grouped by error type and message (messages are compared on their first 500 characters), with
 * occurrences, distinct executions, first and last time seen within the period and the workflows
 * (and steps) affected, named as the catalog names them; a per-type summary; and occurrences per bucket.
 * Read from failure_events (those two event types in time order, kept by a materialized view), not from
 * the wide events table.
 *
 * Each failure counted once (`failures`, beside the events' `occurrences`): an engine that fails an execution
 * because a step failed sends both events, the step's with the specific error (auth_expired, rate_limited)
 * and the execution's often with a generic one (step_failed). An execution.failed that follows a step.failed
 * of the same execution (at or before it, even before the period) is that step's failure, already counted
 * under the step's error type; it is not counted again. An execution.failed with no failed step before it,
 * and every step.failed, is a failure of its own type.
 */
import type { Store } from '../../store/store.js';
import { catalogNames } from '../../catalog/names.js';
import { isoUtc } from '../../store/params.js';
import { bucketSql, buckets, type Period } from '../period.js';
import { percent } from '../scope.js';
import { EVENTS_OF, spanOf, targetParams, type Target } from './target.js';

const SOURCE = "if(type = 'execution.failed', 'execution', 'step')";

/**
 * The failure events of the period, each with `after_step`: an execution.failed preceded by a step.failed of
 * its execution (the step's failures looked up only for the executions that failed in the period).
 */
const FAILURES = (t: Target) => `(
  SELECT f.ts AS ts, f.workflow_id AS workflow_id, f.execution_id AS execution_id, f.type AS type, f.step_id AS step_id,
         f.error_type AS error_type, f.error_message AS error_message,
         f.type = 'execution.failed' AND ifNull(s.n, 0) > 0 AND ifNull(s.first_at <= f.ts, 0) AS after_step
  FROM (SELECT ts, workflow_id, execution_id, type, step_id, error_type, error_message FROM failure_events WHERE ${EVENTS_OF(t)}) AS f
  LEFT JOIN (
      SELECT workflow_id, execution_id, min(ts) AS first_at, count() AS n
      FROM failure_events
      WHERE account_id = {account:String} AND workflow_id IN {workflows:Array(String)} AND type = 'step.failed' AND ts < {to:DateTime64(3, 'UTC')}
        AND (workflow_id, execution_id) IN (SELECT workflow_id, execution_id FROM failure_events WHERE ${EVENTS_OF(t)} AND type = 'execution.failed')
      GROUP BY workflow_id, execution_id
  ) AS s ON f.workflow_id = s.workflow_id AND f.execution_id = s.execution_id
)`;

/**
 * Everything the report shows in one pass over the failures (one join): per type, per type + message + source, per
 * place (workflow and step) of each of those, and per bucket — grouping sets, told apart by grouping() (0: the
 * column is one of the row's keys; the standard reading, pinned).
 */
const REPORT_SQL = (t: Target, p: Period) => `
SELECT grouping(error_type) AS g_type, grouping(error_message) AS g_message, grouping(workflow_id) AS g_place, grouping(bucket) AS g_bucket,
       error_type, error_message, source, workflow_id, step_id, bucket,
       count() AS occurrences, countIf(NOT after_step) AS failures, countIf(after_step) AS folded,
       countIf(type = 'execution.failed') AS execution_failures, countIf(type = 'step.failed') AS step_failures,
       uniqExact(workflow_id, execution_id) AS executions, uniqExact(error_message) AS messages, uniqExact(workflow_id) AS workflow_count,
       toString(min(ts)) AS first_seen, toString(max(ts)) AS last_seen,
       arraySort(groupUniqArray(100)(workflow_id)) AS workflows,
       arraySort(arrayFilter(s -> s != '', groupUniqArray(100)(step_id))) AS steps
FROM (
    SELECT toString(error_type) AS error_type, substring(error_message, 1, 500) AS error_message, ${SOURCE} AS source,
           workflow_id, toString(step_id) AS step_id, ${bucketSql('ts', p.granularity)} AS bucket, ts, execution_id, type, after_step
    FROM ${FAILURES(t)}
)
GROUP BY GROUPING SETS ((error_type), (error_type, error_message, source), (error_type, error_message, source, workflow_id, step_id), (bucket))
SETTINGS force_grouping_standard_compatibility = 1`;

interface ReportRow {
  g_type: number;
  g_message: number;
  g_place: number;
  g_bucket: number;
  error_type: string;
  error_message: string;
  source: string;
  workflow_id: string;
  step_id: string;
  bucket: string;
  occurrences: number;
  failures: number;
  folded: number;
  execution_failures: number;
  step_failures: number;
  executions: number;
  messages: number;
  workflow_count: number;
  first_seen: string;
  last_seen: string;
  workflows: string[];
  steps: string[];
}

/** Most failures first, then most events, then by name. */
const byFailures = (a: ReportRow, b: ReportRow) =>
  Number(b.failures) - Number(a.failures) || Number(b.occurrences) - Number(a.occurrences) || a.error_type.localeCompare(b.error_type) ||
  a.error_message.localeCompare(b.error_message) || a.source.localeCompare(b.source) || a.workflow_id.localeCompare(b.workflow_id) || a.step_id.localeCompare(b.step_id);

const groupKey = (r: { error_type: string; error_message: string; source: string }) => JSON.stringify([r.error_type, r.error_message, r.source]);

export async function errorsReport(store: Store, t: Target, p: Period, limit: number) {
  const rows = await store.query<ReportRow>(REPORT_SQL(t, p), targetParams(t, spanOf(p)));
  const types = rows.filter((r) => Number(r.g_type) === 0 && Number(r.g_message) === 1).sort(byFailures);
  const groups = rows.filter((r) => Number(r.g_message) === 0 && Number(r.g_place) === 1).sort(byFailures).slice(0, limit);
  const places = rows.filter((r) => Number(r.g_place) === 0).sort(byFailures);
  const trend = rows.filter((r) => Number(r.g_bucket) === 0);
  const names = await catalogNames(store, t.account, [...new Set(places.map((r) => r.workflow_id))]);
  const placesOf = new Map<string, ReportRow[]>();
  for (const r of places) placesOf.set(groupKey(r), [...(placesOf.get(groupKey(r)) ?? []), r]);
  const total = types.reduce((s, r) => s + Number(r.occurrences), 0);
  const totalFailures = types.reduce((s, r) => s + Number(r.failures), 0);
  const byBucket = new Map(trend.map((r) => [r.bucket, r]));
  return {
    total_errors: total,
    total_failures: totalFailures,
    error_types: types.map((r) => ({
      error_type: r.error_type,
      occurrences: Number(r.occurrences),
      share_percent: percent(Number(r.occurrences), total),
      failures: Number(r.failures),
      failure_share_percent: percent(Number(r.failures), totalFailures),
      after_step_failure: Number(r.folded),
      execution_failures: Number(r.execution_failures),
      step_failures: Number(r.step_failures),
      executions: Number(r.executions),
      distinct_messages: Number(r.messages),
      workflows: Number(r.workflow_count),
      first_seen: isoUtc(r.first_seen),
      last_seen: isoUtc(r.last_seen),
    })),
    errors: groups.map((r) => ({
      error_type: r.error_type,
      error_message: r.error_message,
      source: r.source,
      occurrences: Number(r.occurrences),
      failures: Number(r.failures),
      executions: Number(r.executions),
      first_seen: isoUtc(r.first_seen),
      last_seen: isoUtc(r.last_seen),
      workflows: r.workflows,
      steps: r.steps,
      places: (placesOf.get(groupKey(r)) ?? []).map((x) => ({
        workflow_id: x.workflow_id,
        workflow_name: names.workflow(x.workflow_id),
        step_id: x.step_id === '' ? null : x.step_id,
        step_name: x.step_id === '' ? null : names.step(x.workflow_id, x.step_id),
        occurrences: Number(x.occurrences),
        failures: Number(x.failures),
      })),
    })),
    buckets: buckets(p).map((b) => ({ date: b.date, errors: Number(byBucket.get(b.key)?.occurrences ?? 0), failures: Number(byBucket.get(b.key)?.failures ?? 0) })),
  };
}
