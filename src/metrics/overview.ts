/**
 * Every readable workflow at a glance (the dashboard's list): the cohort figures of the period
 * (CONTRACT §6 definitions: enrolled, active, completed, goals, failed, their rates), the same for the
 * period before (the change against it), the cost recorded in the period (cost events by their own time),
 * the last run (the newest execution.started, whenever it came) and the new enrollments per bucket for a
 * sparkline. Five queries for all the workflows at once.
 */
import type { WorkflowFigures } from '../contract/index.js';
import { changePercent } from '../contract/index.js';
import type { Store } from '../store/store.js';
import { isoUtc } from '../store/params.js';
import { bucketSql, buckets, previousPeriod, type Period } from './period.js';
import { countSql } from './definitions.js';
import { cohortFacts, filterParams, filterSql, IN_PERIOD, percent, type Target } from './scope.js';

const TOTALS_SQL = (t: Target) => `
SELECT workflow_id, ${countSql('enrolled')} AS total, ${countSql('active')} AS active, ${countSql('completed')} AS completed,
       ${countSql('converted')} AS goals, ${countSql('failed')} AS failed
FROM ${cohortFacts(t)}
GROUP BY workflow_id`;

const SPARK_SQL = (t: Target, p: Period) => `
SELECT workflow_id, ${bucketSql('enrolled_at', p.granularity)} AS bucket, count() AS n
FROM ${cohortFacts(t)}
GROUP BY workflow_id, bucket`;

const COST_SQL = (t: Target) => `
SELECT workflow_id, sum(amount_usd) AS usd
FROM cost_events
WHERE account_id = {account:String} AND workflow_id IN {workflows:Array(String)} AND ${IN_PERIOD('ts')} AND ${filterSql(t, 'events')}
GROUP BY workflow_id`;

const LAST_RUN_SQL = (t: Target) => `
SELECT workflow_id, toString(max(ts)) AS last_run
FROM events
WHERE account_id = {account:String} AND workflow_id IN {workflows:Array(String)} AND type = 'execution.started' AND ${filterSql(t, 'events')}
GROUP BY workflow_id`;

interface Totals {
  workflow_id: string;
  total: number;
  active: number;
  completed: number;
  goals: number;
  failed: number;
}

/** The figures of each workflow of the target (its filters apply to all), in the target's order. */
export async function workflowsOverview(store: Store, target: Target, period: Period): Promise<WorkflowFigures[]> {
  const { workflows } = target;
  const before = previousPeriod(period);
  const params = { account: target.account, workflows, from: period.from, to: period.to, tz: period.timezone, ...filterParams(target) };
  const [totals, previous, spark, cost, lastRun] = await Promise.all([
    store.query<Totals>(TOTALS_SQL(target), params),
    store.query<Totals>(TOTALS_SQL(target), { ...params, from: before.from, to: before.to }),
    store.query<{ workflow_id: string; bucket: string; n: number }>(SPARK_SQL(target, period), params),
    store.query<{ workflow_id: string; usd: number }>(COST_SQL(target), params),
    store.query<{ workflow_id: string; last_run: string }>(LAST_RUN_SQL(target), params),
  ]);
  const keys = buckets(period).map((b) => b.key);
  const series = new Map<string, Map<string, number>>();
  for (const r of spark) {
    let m = series.get(r.workflow_id);
    if (!m) series.set(r.workflow_id, (m = new Map()));
    m.set(r.bucket, Number(r.n));
  }
  const byWorkflow = new Map(totals.map((t) => [t.workflow_id, t]));
  const previousOf = new Map(previous.map((t) => [t.workflow_id, t]));
  const costOf = new Map(cost.map((c) => [c.workflow_id, Number(c.usd)]));
  const lastRunOf = new Map(lastRun.map((r) => [r.workflow_id, isoUtc(r.last_run)]));
  return workflows.map((workflow_id) => {
    const t = byWorkflow.get(workflow_id);
    const total = Number(t?.total ?? 0);
    const completed = Number(t?.completed ?? 0);
    const goals = Number(t?.goals ?? 0);
    const failed = Number(t?.failed ?? 0);
    const b = previousOf.get(workflow_id);
    const bTotal = Number(b?.total ?? 0);
    const m = series.get(workflow_id);
    return {
      workflow_id,
      total_enrolled: total,
      currently_active: Number(t?.active ?? 0),
      completed,
      completion_rate: percent(completed, total),
      goals_achieved: goals,
      conversion_rate: percent(goals, total),
      enrollments: keys.map((k) => m?.get(k) ?? 0),
      failed,
      failure_rate: percent(failed, total),
      cost_usd: Math.round((costOf.get(workflow_id) ?? 0) * 10_000) / 10_000,
      last_run_at: lastRunOf.get(workflow_id) ?? null,
      previous: {
        total_enrolled: bTotal,
        completion_rate: percent(Number(b?.completed ?? 0), bTotal),
        failure_rate: percent(Number(b?.failed ?? 0), bTotal),
      },
      enrolled_change_percent: changePercent(total, bTotal),
    };
  });
}
