/**
 * The tables ClickHouse keeps from the raw events with materialized views (execution_state, the hourly →
 * daily → monthly rollups, workflows_seen, failure_events, cost_events), recomputed for one workflow (or all)
 * by running each view's own SELECT again over the stored events: what a refresh and a crash repair do.
 */
import type { Store } from '../store/store.js';

/** Tables fed by materialized views from `events`, with the view that feeds each. */
const FED_BY_EVENTS = [
  { table: 'execution_state', view: 'execution_state_mv' },
  { table: 'workflow_events_hourly', view: 'workflow_events_hourly_mv' },
  { table: 'workflows_seen', view: 'workflows_seen_mv' },
  { table: 'failure_events', view: 'failure_events_mv' },
  { table: 'cost_events', view: 'cost_events_mv' },
];
/** Fed in turn from workflow_events_hourly (cleared together with it). */
const CASCADED = ['workflow_events_daily', 'workflow_events_monthly'];

/** Clears the scope's rows of every table fed by events and fills them again through the views' own SELECTs. */
export async function rebuildFromEvents(store: Store, scope: { account: string; workflow: string } | null): Promise<void> {
  const where = scope ? 'account_id = {account:String} AND workflow_id = {workflow:String}' : '1';
  const params = scope ?? {};
  for (const table of [...FED_BY_EVENTS.map((f) => f.table), ...CASCADED]) {
    if (scope) await store.command(`ALTER TABLE ${table} DELETE WHERE ${where}`, params);
    else await store.command(`TRUNCATE TABLE ${table}`);
  }
  for (const { table, view } of FED_BY_EVENTS) {
    const [def] = await store.query<{ as_select: string }>(
      'SELECT as_select FROM system.tables WHERE database = currentDatabase() AND name = {view:String}',
      { view },
    );
    if (!def?.as_select) throw new Error(`materialized view ${view} not found`);
    // The view's own SELECT (read from the engine, not built from input), restricted to the scope.
    await store.command(`INSERT INTO ${table} SELECT * FROM (${def.as_select}) WHERE ${where}`, params);
  }
}
