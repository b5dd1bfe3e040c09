/**
 * The tables ClickHouse keeps from the raw events with materialized views (execution_state, the hourly →
 * daily → monthly rollups, workflows_seen, failure_events, cost_events), recomputed for one workflow (or all)
 * by running each view's own SELECT again over the stored events: what a refresh and a crash repair do.
 *
 * With a raw retention window, the raw events are complete only from `from` on (the first whole UTC day of
 * the window, retentionHorizons): the history before it lives in the daily and monthly rollups alone (and in
 * the execution state of backfilled executions), so only what lies from `from` on is cleared and recomputed,
 * and the month `from` falls in is made again of its days before `from` (kept) and after (recomputed).
 */
import type { Store } from '../store/store.js';

/** Tables fed by materialized views from `events`, with the view that feeds each and the time column a rebuild from a day on restricts to. */
const FED_BY_EVENTS = [
  { table: 'execution_state', view: 'execution_state_mv', time: null },
  { table: 'workflow_events_hourly', view: 'workflow_events_hourly_mv', time: 'bucket' },
  { table: 'workflows_seen', view: 'workflows_seen_mv', time: null },
  { table: 'failure_events', view: 'failure_events_mv', time: 'ts' },
  { table: 'cost_events', view: 'cost_events_mv', time: 'ts' },
] as const;
/** Fed in turn from workflow_events_hourly (cleared together with it). */
const CASCADED = ['workflow_events_daily', 'workflow_events_monthly'];

/** What workflow_events_monthly_mv (migration 005) writes, for the daily rows of [{month}, {from}). */
const MONTH_BEFORE_FROM = (scope: string) => `
INSERT INTO workflow_events_monthly
SELECT account_id, workflow_id, toDateTime(toStartOfMonth(bucket), 'UTC') AS bucket, type, workflow_version, step_id, step_type, action_type, detail,
    sum(events) AS events, sum(duration_sum) AS duration_sum, sum(duration_n) AS duration_n,
    quantilesTDigestMergeState(0.5, 0.95)(duration_q) AS duration_q,
    sum(credits) AS credits, sum(amount_usd) AS amount_usd, sum(value_sum) AS value_sum, max(retain) AS retain
FROM workflow_events_daily
WHERE ${scope} AND bucket >= {month:DateTime64(3, 'UTC')} AND bucket < {from:DateTime64(3, 'UTC')}
GROUP BY account_id, workflow_id, bucket, type, workflow_version, step_id, step_type, action_type, detail`;

/** Executions of the scope with a raw event from {from} on: their state is recomputed from all their stored events. */
const ACTIVE_SINCE = (scope: string) => `execution_id IN (SELECT execution_id FROM events WHERE ${scope} AND ts >= {from:DateTime64(3, 'UTC')})`;

/**
 * Clears the scope's rows of every table fed by events and fills them again through the views' own SELECTs;
 * `from` (a whole UTC day): only from then on, the history before it is kept as it is.
 */
export async function rebuildFromEvents(store: Store, scope: { account: string; workflow: string } | null, from: Date | null = null): Promise<void> {
  const inScope = scope ? 'account_id = {account:String} AND workflow_id = {workflow:String}' : '1';
  const month = from ? new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)) : null;
  const params = { ...(scope ?? {}), ...(from ? { from, month } : {}) };
  const since = (time: string | null, table: string) => {
    if (!from) return inScope;
    if (table === 'workflow_events_monthly') return `${inScope} AND bucket >= {month:DateTime64(3, 'UTC')}`;
    if (table === 'execution_state') return `${inScope} AND ${ACTIVE_SINCE(inScope)}`;
    return time ? `${inScope} AND ${time} >= {from:DateTime64(3, 'UTC')}` : inScope;
  };
  const clearing = [...FED_BY_EVENTS, ...CASCADED.map((table) => ({ table, time: 'bucket' }))];
  for (const { table, time } of clearing) {
    if (!scope && !from) await store.command(`TRUNCATE TABLE ${table}`);
    else await store.command(`ALTER TABLE ${table} DELETE WHERE ${since(time, table)}`, params);
  }
  // the month `from` falls in: its days before `from` (kept in the daily rollups); the days after come with the refill
  if (from) await store.command(MONTH_BEFORE_FROM(inScope), params);
  for (const { table, view, time } of FED_BY_EVENTS) {
    const [def] = await store.query<{ as_select: string }>(
      'SELECT as_select FROM system.tables WHERE database = currentDatabase() AND name = {view:String}',
      { view },
    );
    if (!def?.as_select) throw new Error(`materialized view ${view} not found`);
    // The view's own SELECT (read from the engine, not built from input), restricted to the scope.
    await store.command(`INSERT INTO ${table} SELECT * FROM (${def.as_select}) WHERE ${since(time, table)}`, params);
  }
}
