/**
 * Costs. Credits are what step events (`credits_used`) and `cost.recorded` (`credits`) report; USD is
 * what `cost.recorded` reports (`amount_usd`). Two views, both exact:
 * - by event time (what was spent in the period): totals per bucket and the breakdowns. The series
 *   reads the hourly/daily/monthly rollups when every bucket boundary falls on that table's UTC
 *   buckets (identical sums), the raw events otherwise (minute buckets, Kolkata's half hours, a variant);
 * - per execution (cohort): executions enrolled in the period and everything they cost, whenever
 *   recorded (execution_facts) — what "cost per execution" means throughout the API.
 * Raw reads go to cost_events: the events with a cost, in time order (same sums as all events).
 */
import type { Store } from '../../store/store.js';
import { startOfLocalDay } from '../../time/calendar.js';
import { bucketSql, buckets, type Period } from '../period.js';
import { cohortFacts, filterSql, percent, rollupsKnow } from '../scope.js';
import { EVENTS_OF, IN_SPAN, r2, spanOf, targetParams, type Span, type Target } from './target.js';

export const COST_TYPES = "type IN ('step.completed', 'step.failed', 'step.skipped', 'cost.recorded')";

const ROLLUPS = [
  { table: 'workflow_events_monthly', aligned: (t: number) => t % 86_400_000 === 0 && new Date(t).getUTCDate() === 1 },
  { table: 'workflow_events_daily', aligned: (t: number) => t % 86_400_000 === 0 },
  { table: 'workflow_events_hourly', aligned: (t: number) => t % 3_600_000 === 0 },
];

/** Every instant where a bucket of the period starts or the period ends. */
function boundaries(p: Period): number[] {
  const out = [p.from.getTime(), p.to.getTime()];
  for (const b of buckets(p)) {
    const t = p.granularity === 'minute' || p.granularity === 'hourly' ? Number(b.key) * 1000 : startOfLocalDay(b.key, p.timezone).getTime();
    if (t > p.from.getTime()) out.push(t);
  }
  return out;
}

/** The coarsest rollup whose buckets never straddle a boundary of the request, or null (raw events). */
export function rollupFor(t: Target, p: Period): string | null {
  if (!rollupsKnow(t)) return null;
  const edges = boundaries(p);
  return ROLLUPS.find((r) => edges.every(r.aligned))?.table ?? null;
}


const SERIES_SQL = (t: Target, p: Period, table: string | null) =>
  table
    ? `SELECT ${bucketSql('bucket', p.granularity)} AS b, sum(credits) AS credits, sum(amount_usd) AS usd
       FROM ${table}
       WHERE account_id = {account:String} AND workflow_id IN {workflows:Array(String)} AND ${IN_SPAN('bucket')} AND ${filterSql(t, 'rollup')} AND ${COST_TYPES}
       GROUP BY b`
    : `SELECT ${bucketSql('ts', p.granularity)} AS b, sum(credits) AS credits, sum(amount_usd) AS usd
       FROM cost_events WHERE ${EVENTS_OF(t)}
       GROUP BY b`;

export interface CostBucket {
  date: string;
  credits: number;
  usd: number;
}

/** Credits and USD recorded per bucket of the period (empty buckets are zeros). */
export async function costSeries(store: Store, t: Target, p: Period): Promise<{ buckets: CostBucket[]; source: string }> {
  const table = rollupFor(t, p);
  const rows = await store.query<{ b: string; credits: number; usd: number }>(SERIES_SQL(t, p, table), targetParams(t, spanOf(p)));
  const byKey = new Map(rows.map((r) => [r.b, r]));
  return {
    source: table ? table.replace('workflow_events_', 'rollup_') : 'raw',
    buckets: buckets(p).map((b) => ({ date: b.date, credits: r4(byKey.get(b.key)?.credits ?? 0), usd: r4(byKey.get(b.key)?.usd ?? 0) })),
  };
}

/** Credits and USD recorded in [from, to) (raw events: any instants). */
export async function costTotal(store: Store, t: Target, s: Span): Promise<{ credits: number; usd: number }> {
  const [r] = await store.query<{ credits: number; usd: number }>(
    `SELECT sum(credits) AS credits, sum(amount_usd) AS usd FROM cost_events WHERE ${EVENTS_OF(t)}`,
    targetParams(t, s),
  );
  return { credits: r4(r?.credits ?? 0), usd: r4(r?.usd ?? 0) };
}

export interface PerExecution {
  executions: number;
  credits: number;
  usd: number;
  credits_per_execution: number | null;
  usd_per_execution: number | null;
}

export function perExecution(executions: number, credits: number, usd: number): PerExecution {
  return {
    executions,
    credits: r4(credits),
    usd: r4(usd),
    credits_per_execution: executions > 0 ? r4(credits / executions) : null,
    usd_per_execution: executions > 0 ? r4(usd / executions) : null,
  };
}

/** Executions enrolled in the period and all they cost; per workflow when `byWorkflow`. */
export async function cohortCost(store: Store, t: Target, p: Period, byWorkflow = false) {
  const rows = await store.query<{ workflow_id: string; n: number; credits: number; usd: number }>(
    `SELECT ${byWorkflow ? 'workflow_id' : "''"} AS workflow_id, count() AS n, sum(credits) AS credits, sum(cost_usd) AS usd
     FROM ${cohortFacts(t)} GROUP BY workflow_id`,
    targetParams(t, spanOf(p)),
  );
  return new Map(rows.map((r) => [r.workflow_id, perExecution(Number(r.n), r.credits, r.usd)]));
}

export const BREAKDOWNS = ['workflow', 'action_type', 'step', 'user'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

const BREAKDOWN_KEY: Record<Exclude<Breakdown, 'user'>, string> = {
  workflow: 'workflow_id',
  action_type: 'toString(action_type)',
  step: "if(step_id = '', '', concat(workflow_id, '/', toString(step_id)))",
};

// Costs are charged to the user named on the execution's execution.started (user_id), whenever it started.
// Executions are counted exactly by execution_key (their workflow and id hashed to 128 bits when stored).
const BREAKDOWN_SQL = (t: Target, by: Breakdown) =>
  by === 'user'
    ? `SELECT u.uid AS key, sum(credits) AS credits, sum(amount_usd) AS usd, uniqExact(c.execution_key) AS executions
       FROM cost_events AS c
       LEFT JOIN (SELECT reinterpretAsUInt128(sipHash128(workflow_id, execution_id)) AS execution_key, any(user_id) AS uid FROM events
                  WHERE account_id = {account:String} AND workflow_id IN {workflows:Array(String)}
                    AND type = 'execution.started' AND user_id != '' GROUP BY execution_key) AS u
         ON c.execution_key = u.execution_key
       WHERE ${EVENTS_OF(t)}
       GROUP BY key`
    : `SELECT ${BREAKDOWN_KEY[by]} AS key, any(workflow_id) AS wf, any(toString(step_id)) AS sid,
              sum(credits) AS credits, sum(amount_usd) AS usd, uniqExact(execution_key) AS executions
       FROM cost_events WHERE ${EVENTS_OF(t)}
       GROUP BY key`;

/** Credits and USD recorded in the period, split by workflow, action type, step or user, largest first. */
export async function costBreakdown(store: Store, t: Target, p: Period, by: Breakdown) {
  const rows = await store.query<{ key: string; wf?: string; sid?: string; credits: number; usd: number; executions: number }>(
    BREAKDOWN_SQL(t, by),
    targetParams(t, spanOf(p)),
  );
  const total = { credits: rows.reduce((s, r) => s + r.credits, 0), usd: rows.reduce((s, r) => s + r.usd, 0) };
  const items = rows
    .filter((r) => r.credits !== 0 || r.usd !== 0)
    .map((r) => ({
      key: r.key === '' ? null : r.key,
      ...(by === 'step' ? { workflow_id: r.wf ?? null, step_id: r.sid || null } : {}),
      credits: r4(r.credits),
      usd: r4(r.usd),
      usd_share_percent: percent(r.usd, total.usd),
      credits_share_percent: percent(r.credits, total.credits),
      executions: Number(r.executions),
      usd_per_execution: Number(r.executions) > 0 ? r4(r.usd / Number(r.executions)) : null,
      credits_per_execution: Number(r.executions) > 0 ? r4(r.credits / Number(r.executions)) : null,
    }))
    .sort((a, b) => b.usd - a.usd || b.credits - a.credits || String(a.key).localeCompare(String(b.key)));
  return { by, total: { credits: r4(total.credits), usd: r4(total.usd) }, items };
}

/** Money and credits with 4 decimals (cents are not enough for per-execution figures). */
export function r4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

export { r2 };
