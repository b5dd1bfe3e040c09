/**
 * execution_facts: one row per enrolled execution, ordered by enrolled_at, written from execution_state
 * (and step_durations_from_timestamps, written alongside). `writeFacts` brings a workflow's facts up to date for
 * listed executions, those received since a time, or all of them; cohort queries read `FACTS` as a range scan.
 */
import type { Store } from './store.js';
import { executionsSql } from './execution-state.js';
import { stringList, stringListValue } from './params.js';

/** The cohort source: one current row per enrolled execution of {account}/{workflow} (with its MATERIALIZED outcome). */
export const FACTS = `(SELECT *, outcome FROM execution_facts FINAL WHERE account_id = {account:String} AND workflow_id = {workflow:String})`;

const SPAN_MS = '(SELECT toInt64(max(max_span_ms)) FROM facts_time_spans WHERE account_id = {account:String} AND workflow_id = {workflow:String})';
/**
 * Executions whose completion or conversion can fall in [from, to): enrolled within the workflow's longest
 * enrolment-to-outcome span of it (facts_time_spans, an upper bound kept on every facts write). Lets
 * by-event-time reads of FACTS scan a range of enrolled_at instead of the whole workflow.
 */
export const NEAR = (from = 'from', to = 'to') => `enrolled_at >= subtractMilliseconds({${from}:DateTime64(3, 'UTC')}, ${SPAN_MS})
    AND enrolled_at < addMilliseconds({${to}:DateTime64(3, 'UTC')}, ${SPAN_MS})`;
export const NEAR_PERIOD = NEAR();

const STEPS = `arrayMap(s -> (
    s,
    step_started_ms.2[indexOf(step_started_ms.1, s)],
    toUInt8(has(steps_started, s) AND has(steps_completed, s)),
    (step_duration.2[indexOf(step_duration.1, s)] / 1000)
      + if(gap_ms(s) >= 0, missing(s) * gap_ms(s) / 1000, 0),
    toUInt32(step_duration.3[indexOf(step_duration.1, s)] + if(gap_ms(s) >= 0, missing(s), 0))
  ), arrayDistinct(arrayConcat(steps_started, steps_completed)))`
  // step.completed events that carried no duration_ms: their time is completed − started
  .replaceAll(
    'missing(s)',
    '(step_completions.2[indexOf(step_completions.1, s)] - step_duration.3[indexOf(step_duration.1, s)])',
  )
  .replaceAll(
    'gap_ms(s)',
    'if(indexOf(step_started_ms.1, s) > 0 AND indexOf(step_completed_ms.1, s) > 0, ' +
      'greatest(step_completed_ms.2[indexOf(step_completed_ms.1, s)] - step_started_ms.2[indexOf(step_started_ms.1, s)], 0), -1)',
  );

function factsInsertSql(where: string): string {
  return `
INSERT INTO execution_facts
SELECT
    {account:String} AS account_id,
    {workflow:String} AS workflow_id,
    filed.1 AS enrolled_at,
    execution_id,
    toUInt64(toUnixTimestamp64Micro(now64(6))) AS version,
    filed.2 AS is_deleted,
    workflow_version, variant, contact_id, enrollment_source, trigger_type, status,
    completed_at, goal_achieved_at, exit_reason, error_type, ifNull(current_step_id, '') AS current_step_id,
    arrayFilter(t -> t != '', goal_types.1) AS goal_types, goal_value,
    ${STEPS} AS steps,
    credits, cost_usd, last_received_at, retain
FROM (SELECT *, enrolled_at AS first_start FROM (${executionsSql(where)}) WHERE first_start IS NOT NULL)
-- the current row, and a retraction for every other execution.started time it may have been filed under
ARRAY JOIN arrayConcat([(assumeNotNull(first_start), toUInt8(0))],
                       arrayMap(t -> (t, toUInt8(1)), arrayFilter(t -> t != first_start, start_times))) AS filed`;
}

// One row per step event without duration_ms; `occurrence` tells apart identical (step, time) pairs.
function fallbackInsertSql(where: string): string {
  return `
INSERT INTO step_durations_from_timestamps
SELECT
    {account:String} AS account_id,
    {workflow:String} AS workflow_id,
    u.1.3 AS ts,
    u.1.1 AS step_id,
    u.1.2 AS step_type,
    u.1.4 AS workflow_version,
    execution_id,
    u.2 AS occurrence,
    toUInt64(toUnixTimestamp64Micro(now64(6))) AS version,
    if(indexOf(step_started_ms.1, u.1.1) > 0 AND step_started_ms.2[indexOf(step_started_ms.1, u.1.1)] <= toUnixTimestamp64Milli(u.1.3),
       toFloat64(toUnixTimestamp64Milli(u.1.3) - step_started_ms.2[indexOf(step_started_ms.1, u.1.1)]), NULL) AS duration_ms,
    retain
FROM (${executionsSql(where)})
ARRAY JOIN arrayZip(arraySort(step_untimed), arrayEnumerateUniq(arraySort(step_untimed))) AS u
WHERE notEmpty(step_untimed)`;
}

const TOUCHED_SINCE = `execution_id IN (
    SELECT execution_id FROM execution_state
    WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND last_received_at >= {since:DateTime64(3, 'UTC')})`;

const LISTED = `execution_id IN ${stringList('ids')}`;
const SLICE = 'cityHash64(execution_id) % {slices:UInt32} = {slice:UInt32}';
const ROWS_PER_SLICE = 1_000_000;

/** Which executions to rewrite: all, those received since a time, or those listed. */
export type FactsSelection = { all: true } | { since: Date } | { ids: readonly string[] };

/**
 * Rewrites the facts of a workflow's executions. Idempotent: running it twice writes the same figures.
 * Listing the ids lets the engine read only their granules of execution_state (its primary key).
 */
export async function writeFacts(
  store: Store,
  accountId: string,
  workflowId: string,
  which: FactsSelection,
  onProgress?: (fraction: number) => void,
  /** `fallback: false` skips step_durations_from_timestamps when the events written cannot change them. */
  options: { fallback?: boolean } = {},
): Promise<void> {
  const base = { account: accountId, workflow: workflowId };
  if ('all' in which) {
    // A whole workflow is written in slices of about a million executions, so memory stays bounded.
    const [row] = await store.query<{ n: number }>('SELECT count() AS n FROM execution_state WHERE account_id = {account:String} AND workflow_id = {workflow:String}', base);
    const slices = Math.max(1, Math.ceil((row?.n ?? 0) / ROWS_PER_SLICE));
    for (let i = 0; i < slices; i++) {
      const params = { ...base, slices, slice: i };
      await store.command(factsInsertSql(SLICE), params);
      await store.command(fallbackInsertSql(SLICE), params);
      onProgress?.((i + 1) / slices);
    }
    return;
  }
  let where = '1';
  let params: Record<string, unknown> = base;
  if ('ids' in which) {
    if (which.ids.length === 0) return;
    [where, params] = [LISTED, { ...base, ids: stringListValue(which.ids) }];
  } else [where, params] = [TOUCHED_SINCE, { ...base, since: which.since }];
  await store.command(factsInsertSql(where), params);
  if (options.fallback !== false) await store.command(fallbackInsertSql(where), params);
}

/** Every workflow seen in events that has no execution facts at all (never written, or cleared by a migration). */
export async function workflowsWithoutFacts(store: Store): Promise<{ account_id: string; workflow_id: string }[]> {
  return store.query<{ account_id: string; workflow_id: string }>(
    `SELECT DISTINCT account_id, workflow_id FROM workflows_seen
     WHERE (account_id, workflow_id) NOT IN (SELECT DISTINCT account_id, workflow_id FROM execution_facts)`,
  );
}
