/**
 * Every readable workflow at a glance (the dashboard's list): the cohort figures of the period
 * (CONTRACT §6 definitions: enrolled, active, completed, goals, their rates) and the new enrollments
 * per bucket for a sparkline. Two queries over execution_facts for all the workflows at once.
 */
import type { WorkflowFigures } from '../contract/index.js';
import type { Store } from '../store/store.js';
import { bucketSql, buckets, type Period } from './period.js';
import { countSql } from './definitions.js';
import { cohortFacts, filterParams, percent, type Target } from './scope.js';

const TOTALS_SQL = (t: Target) => `
SELECT workflow_id, ${countSql('enrolled')} AS total, ${countSql('active')} AS active, ${countSql('completed')} AS completed,
       ${countSql('converted')} AS goals
FROM ${cohortFacts(t)}
GROUP BY workflow_id`;

const SPARK_SQL = (t: Target, p: Period) => `
SELECT workflow_id, ${bucketSql('enrolled_at', p.granularity)} AS bucket, count() AS n
FROM ${cohortFacts(t)}
GROUP BY workflow_id, bucket`;

/** The figures of each workflow of the target (its filters apply to all), in the target's order. */
export async function workflowsOverview(store: Store, target: Target, period: Period): Promise<WorkflowFigures[]> {
  const { workflows } = target;
  const params = { account: target.account, workflows, from: period.from, to: period.to, tz: period.timezone, ...filterParams(target) };
  const [totals, spark] = await Promise.all([
    store.query<{ workflow_id: string; total: number; active: number; completed: number; goals: number }>(TOTALS_SQL(target), params),
    store.query<{ workflow_id: string; bucket: string; n: number }>(SPARK_SQL(target, period), params),
  ]);
  const keys = buckets(period).map((b) => b.key);
  const series = new Map<string, Map<string, number>>();
  for (const r of spark) {
    let m = series.get(r.workflow_id);
    if (!m) series.set(r.workflow_id, (m = new Map()));
    m.set(r.bucket, Number(r.n));
  }
  const byWorkflow = new Map(totals.map((t) => [t.workflow_id, t]));
  return workflows.map((workflow_id) => {
    const t = byWorkflow.get(workflow_id);
    const total = Number(t?.total ?? 0);
    const completed = Number(t?.completed ?? 0);
    const goals = Number(t?.goals ?? 0);
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
    };
  });
}
