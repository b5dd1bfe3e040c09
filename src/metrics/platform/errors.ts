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

const GROUPS_SQL = (t: Target) => `
SELECT toString(error_type) AS error_type, substring(error_message, 1, 500) AS error_message, ${SOURCE} AS source,
       count() AS occurrences, countIf(NOT after_step) AS failures, uniqExact(workflow_id, execution_id) AS executions,
       toString(min(ts)) AS first_seen, toString(max(ts)) AS last_seen,
       arraySort(groupUniqArray(100)(workflow_id)) AS workflows,
       arraySort(arrayFilter(s -> s != '', groupUniqArray(100)(toString(step_id)))) AS steps
FROM ${FAILURES(t)}
GROUP BY error_type, error_message, source
ORDER BY failures DESC, occurrences DESC, error_type, error_message, source
LIMIT {limit:UInt32}`;

/** Where each group happened: per workflow and step (none for an execution's own failure). */
const PLACES_SQL = (t: Target) => `
SELECT toString(error_type) AS error_type, substring(error_message, 1, 500) AS error_message, ${SOURCE} AS source,
       workflow_id, toString(step_id) AS step_id, count() AS occurrences, countIf(NOT after_step) AS failures
FROM ${FAILURES(t)}
GROUP BY error_type, error_message, source, workflow_id, step_id
ORDER BY failures DESC, occurrences DESC, workflow_id, step_id
LIMIT 10000`;

const TYPES_SQL = (t: Target) => `
SELECT toString(error_type) AS error_type, count() AS occurrences, countIf(NOT after_step) AS failures, countIf(after_step) AS folded,
       countIf(type = 'execution.failed') AS execution_failures,
       countIf(type = 'step.failed') AS step_failures, uniqExact(workflow_id, execution_id) AS executions,
       uniqExact(substring(error_message, 1, 500)) AS messages, uniqExact(workflow_id) AS workflows,
       toString(min(ts)) AS first_seen, toString(max(ts)) AS last_seen
FROM ${FAILURES(t)}
GROUP BY error_type
ORDER BY failures DESC, occurrences DESC, error_type`;

const TREND_SQL = (t: Target, p: Period) => `
SELECT ${bucketSql('ts', p.granularity)} AS bucket, count() AS n, countIf(NOT after_step) AS failures
FROM ${FAILURES(t)}
GROUP BY bucket`;

interface TypeRow {
  error_type: string;
  occurrences: number;
  failures: number;
  folded: number;
  execution_failures: number;
  step_failures: number;
  executions: number;
  messages: number;
  workflows: number;
  first_seen: string;
  last_seen: string;
}

interface GroupRow {
  error_type: string;
  error_message: string;
  source: string;
  occurrences: number;
  failures: number;
  executions: number;
  first_seen: string;
  last_seen: string;
  workflows: string[];
  steps: string[];
}

interface PlaceRow {
  error_type: string;
  error_message: string;
  source: string;
  workflow_id: string;
  step_id: string;
  occurrences: number;
  failures: number;
}

const groupKey = (r: { error_type: string; error_message: string; source: string }) => JSON.stringify([r.error_type, r.error_message, r.source]);

export async function errorsReport(store: Store, t: Target, p: Period, limit: number) {
  const params = { ...targetParams(t, spanOf(p)), limit };
  const [groups, places, types, trend] = await Promise.all([
    store.query<GroupRow>(GROUPS_SQL(t), params),
    store.query<PlaceRow>(PLACES_SQL(t), params),
    store.query<TypeRow>(TYPES_SQL(t), params),
    store.query<{ bucket: string; n: number; failures: number }>(TREND_SQL(t, p), params),
  ]);
  const names = await catalogNames(store, t.account, [...new Set(places.map((r) => r.workflow_id))]);
  const placesOf = new Map<string, PlaceRow[]>();
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
      workflows: Number(r.workflows),
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
    buckets: buckets(p).map((b) => ({ date: b.date, errors: Number(byBucket.get(b.key)?.n ?? 0), failures: Number(byBucket.get(b.key)?.failures ?? 0) })),
  };
}
