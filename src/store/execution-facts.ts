/**
 * execution_facts: one row per enrolled execution, ordered by enrolled_at, written from execution_state
 * (and step_durations_from_timestamps, written alongside). `writeListedFacts` brings the facts of listed
 * executions of any workflows up to date, `writeFacts` those of one workflow received since a time, or all of
 * them; cohort queries read `FACTS` as a range scan.
 */
import type { Store } from './store.js';
import { executionsSql, IN_WORKFLOW } from './execution-state.js';
import { stringTuples, stringTuplesValue } from './params.js';

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

/**
 * Per step of an execution: (step id, first step.started in epoch ms or 0, completed after starting, seconds in
 * step summed over its step.completed events, how many of them). A step.completed that carried no duration_ms
 * counts the time between the step's first start and first completion. Every per-step map of the state is
 * aligned to one sorted list of the execution's step ids (mapAdd with a map of zeros: the union of keys, sorted,
 * 0 where a map has no entry), so the steps are computed element by element; looking each step up in every map
 * made the engine plan an expression of some 60 lookups for every write, ≈15 ms of each statement.
 */
const aligned = (map: string, type: string) => `mapAdd(${map}, (step_keys, arrayWithConstant(length(step_keys), to${type}(0)))).2`;
const flags = (ids: string) => `(${ids}, arrayWithConstant(length(${ids}), toUInt8(1)))`;
const STEPS = `arrayMap((s, started, is_started, is_completed, first_completed, d_sum, d_n, completions) -> (
    s, started, toUInt8(is_started AND is_completed),
    d_sum / 1000 + if(is_started AND is_completed, (completions - d_n) * greatest(first_completed - started, 0) / 1000, 0),
    toUInt32(d_n + if(is_started AND is_completed, completions - d_n, 0))
  ),
  step_keys,
  ${aligned('step_started_ms', 'Int64')},
  ${aligned(flags('steps_started'), 'UInt8')},
  ${aligned(flags('steps_completed'), 'UInt8')},
  ${aligned('step_completed_ms', 'Int64')},
  ${aligned('(step_duration.1, step_duration.2)', 'Float64')},
  ${aligned('(step_duration.1, step_duration.3)', 'UInt64')},
  ${aligned('step_completions', 'UInt64')})`;
/** The sorted step ids STEPS is aligned to. */
const STEP_KEYS = 'arraySort(arrayDistinct(arrayConcat(steps_started, steps_completed))) AS step_keys';

function factsInsertSql(where: string): string {
  return `
INSERT INTO execution_facts
SELECT
    account_id,
    workflow_id,
    filed.1 AS enrolled_at,
    execution_id,
    toUInt64(toUnixTimestamp64Micro(now64(6))) AS version,
    filed.2 AS is_deleted,
    workflow_version, variant, contact_id, enrollment_source, trigger_type, status,
    completed_at, goal_achieved_at, exit_reason, error_type, ifNull(current_step_id, '') AS current_step_id,
    arrayFilter(t -> t != '', goal_types.1) AS goal_types, goal_value,
    ${STEPS} AS steps,
    credits, cost_usd, last_received_at, retain, ended_at
FROM (SELECT *, enrolled_at AS first_start, ${STEP_KEYS} FROM (${executionsSql(where)}) WHERE first_start IS NOT NULL)
-- the current row, and a retraction for every other execution.started time it may have been filed under
ARRAY JOIN arrayConcat([(assumeNotNull(first_start), toUInt8(0))],
                       arrayMap(t -> (t, toUInt8(1)), arrayFilter(t -> t != first_start, start_times))) AS filed`;
}

// One row per step event without duration_ms; `occurrence` tells apart identical (step, time) pairs.
function fallbackInsertSql(where: string): string {
  return `
INSERT INTO step_durations_from_timestamps
SELECT
    account_id,
    workflow_id,
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

const TOUCHED_SINCE = `${IN_WORKFLOW} AND execution_id IN (
    SELECT execution_id FROM execution_state
    WHERE ${IN_WORKFLOW} AND last_received_at >= {since:DateTime64(3, 'UTC')})`;

const SLICE = `${IN_WORKFLOW} AND cityHash64(execution_id) % {slices:UInt32} = {slice:UInt32}`;
const ROWS_PER_SLICE = 1_000_000;

/** Executions named by (account, workflow, execution id) in the parameter {name:String}: their granules of execution_state only. */
const named = (name: string) => `(account_id, workflow_id, execution_id) IN ${stringTuples(name, 3)}`;
/** At most this many listed executions are written by one pair of statements (the rest by the next), so memory stays bounded. */
const LISTED_PER_STATEMENT = 50_000;

/** Which executions of a workflow to rewrite: all, or those received since a time. */
export type FactsSelection = { all: true } | { since: Date };

/** Executions of one workflow to rewrite, listed. */
export interface ListedExecutions {
  account: string;
  workflow: string;
  ids: readonly string[];
  /** false skips step_durations_from_timestamps when the events written cannot change them. */
  fallback: boolean;
}

/**
 * Rewrites the facts of a workflow's executions. Idempotent: running it twice writes the same figures.
 */
export async function writeFacts(
  store: Store,
  accountId: string,
  workflowId: string,
  which: FactsSelection,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  const base = { account: accountId, workflow: workflowId };
  if ('since' in which) {
    const params = { ...base, since: which.since };
    await store.command(factsInsertSql(TOUCHED_SINCE), params);
    await store.command(fallbackInsertSql(TOUCHED_SINCE), params);
    return;
  }
  // A whole workflow is written in slices of about a million executions, so memory stays bounded.
  const [row] = await store.query<{ n: number }>(`SELECT count() AS n FROM execution_state WHERE ${IN_WORKFLOW}`, base);
  const slices = Math.max(1, Math.ceil((row?.n ?? 0) / ROWS_PER_SLICE));
  for (let i = 0; i < slices; i++) {
    const params = { ...base, slices, slice: i };
    await store.command(factsInsertSql(SLICE), params);
    await store.command(fallbackInsertSql(SLICE), params);
    onProgress?.((i + 1) / slices);
  }
}

/**
 * Rewrites the facts of listed executions, of any number of workflows, in one pair of statements (per
 * LISTED_PER_STATEMENT executions). Planning a facts statement costs the engine ≈30 ms whatever it writes, more
 * than writing a few thousand executions; a batch of events touches many workflows, so one statement for all
 * of them instead of one per workflow. The primary key of execution_state (account, workflow, execution) lets the
 * engine read only the listed executions' granules.
 */
export async function writeListedFacts(store: Store, lists: readonly ListedExecutions[]): Promise<void> {
  const listed = lists.flatMap((l) => l.ids.map((id) => ({ key: [l.account, l.workflow, id], fallback: l.fallback })));
  for (let i = 0; i < listed.length; i += LISTED_PER_STATEMENT) {
    const chunk = listed.slice(i, i + LISTED_PER_STATEMENT);
    await store.command(factsInsertSql(named('keys')), { keys: stringTuplesValue(chunk.map((l) => l.key)) });
    const fallback = chunk.filter((l) => l.fallback).map((l) => l.key);
    if (fallback.length > 0) await store.command(fallbackInsertSql(named('keys')), { keys: stringTuplesValue(fallback) });
  }
}

/** Every workflow seen in events that has no execution facts at all (never written, or cleared by a migration). */
export async function workflowsWithoutFacts(store: Store): Promise<{ account_id: string; workflow_id: string }[]> {
  return store.query<{ account_id: string; workflow_id: string }>(
    `SELECT DISTINCT account_id, workflow_id FROM workflows_seen
     WHERE (account_id, workflow_id) NOT IN (SELECT DISTINCT account_id, workflow_id FROM execution_facts)`,
  );
}
