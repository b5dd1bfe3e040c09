/**
 * What a start counts ahead of requests (issue 30): the per-day funnel and summary states (funnel-days.ts,
 * summary-days.ts) of the workflows with the most enrolments in the last PREPARED_DAYS days, on the store's background
 * lane (MetricsQueryService.prepare), so that a workflow's first funnel or summary after a start costs what every
 * later window costs.
 */
import { inBackground, type Store } from '../store/store.js';
import { DAY_MS } from '../time/calendar.js';
import type { MetricsQueryService } from './query-service.js';

/** The days before today prepared: the dashboard's longest period button (90 days). */
export const PREPARED_DAYS = 90;
/** Days counted per statement: at 1M enrollments ≈40–60 ms, the longest a request waits for the preparation. */
const CHUNK_DAYS = 10;

/** The `limit` workflows (of every account) with the most enrolments since `since`, the most first. */
export async function busiestWorkflows(store: Store, since: Date, limit: number): Promise<{ account: string; workflow: string }[]> {
  const rows = await inBackground(store).query<{ account: string; workflow: string }>(
    `SELECT account_id AS account, workflow_id AS workflow FROM execution_facts WHERE enrolled_at >= {since:DateTime64(3, 'UTC')}
     GROUP BY account_id, workflow_id ORDER BY count() DESC, account_id, workflow_id LIMIT {limit:UInt32}`,
    { since, limit },
  );
  return rows.map((r) => ({ account: String(r.account), workflow: String(r.workflow) }));
}

/** Prepares the funnel and summary day states of the busiest `limit` workflows; gives how many were prepared. Stops early once `stopped`. */
export async function prepareDayStates(queries: MetricsQueryService, store: Store, limit: number, stopped: () => boolean, now = new Date()): Promise<number> {
  if (limit < 1) return 0;
  const workflows = await busiestWorkflows(store, new Date(now.getTime() - PREPARED_DAYS * DAY_MS), limit);
  let prepared = 0;
  for (const { account, workflow } of workflows) {
    if (stopped()) break;
    await queries.prepare(account, workflow, PREPARED_DAYS, CHUNK_DAYS, stopped, now);
    prepared += 1;
  }
  return prepared;
}
