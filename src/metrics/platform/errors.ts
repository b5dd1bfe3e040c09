/**
 * Errors of the period: every `execution.failed` and `step.failed` event whose own timestamp falls in
 * it, grouped by error type and message (messages are compared on their first 500 characters), with
 * occurrences, distinct executions, first and last time seen within the period and the workflows
 * (and steps) affected; a per-type summary; and occurrences per bucket. Read from failure_events (those
 * two event types in time order, kept by a materialized view), not from the wide events table.
 */
import type { Store } from '../../store/store.js';
import { isoUtc } from '../../store/params.js';
import { bucketSql, buckets, type Period } from '../period.js';
import { percent } from '../scope.js';
import { EVENTS_OF, spanOf, targetParams, type Target } from './target.js';

const SOURCE = "if(type = 'execution.failed', 'execution', 'step')";

const GROUPS_SQL = (t: Target) => `
SELECT toString(error_type) AS error_type, substring(error_message, 1, 500) AS error_message, ${SOURCE} AS source,
       count() AS occurrences, uniqExact(workflow_id, execution_id) AS executions,
       toString(min(ts)) AS first_seen, toString(max(ts)) AS last_seen,
       arraySort(groupUniqArray(100)(workflow_id)) AS workflows,
       arraySort(arrayFilter(s -> s != '', groupUniqArray(100)(toString(step_id)))) AS steps
FROM failure_events
WHERE ${EVENTS_OF(t)}
GROUP BY error_type, error_message, source
ORDER BY occurrences DESC, error_type, error_message, source
LIMIT {limit:UInt32}`;

const TYPES_SQL = (t: Target) => `
SELECT toString(error_type) AS error_type, count() AS occurrences, countIf(type = 'execution.failed') AS execution_failures,
       countIf(type = 'step.failed') AS step_failures, uniqExact(workflow_id, execution_id) AS executions,
       uniqExact(substring(error_message, 1, 500)) AS messages, uniqExact(workflow_id) AS workflows,
       toString(min(ts)) AS first_seen, toString(max(ts)) AS last_seen
FROM failure_events
WHERE ${EVENTS_OF(t)}
GROUP BY error_type
ORDER BY occurrences DESC, error_type`;

const TREND_SQL = (t: Target, p: Period) => `
SELECT ${bucketSql('ts', p.granularity)} AS bucket, count() AS n
FROM failure_events WHERE ${EVENTS_OF(t)}
GROUP BY bucket`;

interface TypeRow {
  error_type: string;
  occurrences: number;
  execution_failures: number;
  step_failures: number;
  executions: number;
  messages: number;
  workflows: number;
  first_seen: string;
  last_seen: string;
}

export async function errorsReport(store: Store, t: Target, p: Period, limit: number) {
  const params = { ...targetParams(t, spanOf(p)), limit };
  const [groups, types, trend] = await Promise.all([
    store.query<TypeRow & { error_message: string; source: string; workflows: string[]; steps: string[] }>(GROUPS_SQL(t), params),
    store.query<TypeRow>(TYPES_SQL(t), params),
    store.query<{ bucket: string; n: number }>(TREND_SQL(t, p), params),
  ]);
  const total = types.reduce((s, r) => s + Number(r.occurrences), 0);
  const byBucket = new Map(trend.map((r) => [r.bucket, Number(r.n)]));
  return {
    total_errors: total,
    error_types: types.map((r) => ({
      error_type: r.error_type,
      occurrences: Number(r.occurrences),
      share_percent: percent(Number(r.occurrences), total),
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
      executions: Number(r.executions),
      first_seen: isoUtc(r.first_seen),
      last_seen: isoUtc(r.last_seen),
      workflows: r.workflows,
      steps: r.steps,
    })),
    buckets: buckets(p).map((b) => ({ date: b.date, errors: byBucket.get(b.key) ?? 0 })),
  };
}
