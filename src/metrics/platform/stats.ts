/**
 * Per-group figures of the cohort (executions enrolled in the period): volume, outcomes, rates,
 * duration mean/p50/p95 (enrolment to completion, over completed executions: exact quantiles), and
 * what those executions cost. Grouped by any of workflow, version and bucket, in one ClickHouse pass.
 */
import type { Store } from '../../store/store.js';
import { bucketSql, type Period } from '../period.js';
import { countSql, DURATION_S, STATUS } from '../definitions.js';
import { cohortFacts, percent } from '../scope.js';
import { perExecution, type PerExecution } from './costs.js';
import { r2, spanOf, targetParams, type Target } from './target.js';

export interface Stats {
  executions: number;
  succeeded: number;
  failed: number;
  exited: number;
  active: number;
  conversions: number;
  success_rate: number;
  failure_rate: number;
  conversion_rate: number;
  duration_seconds: { mean: number | null; p50: number | null; p95: number | null };
  cost: PerExecution;
  goal_value_usd: number;
}

export interface StatsRow {
  workflow_id: string;
  version: number;
  bucket: string;
  stats: Stats;
}

type Dimension = 'workflow' | 'version' | 'bucket';

const STATS_SQL = (t: Target, p: Period, by: readonly Dimension[]) => `
SELECT ${by.includes('workflow') || by.includes('version') ? 'workflow_id' : "''"} AS wf,
       ${by.includes('version') ? 'workflow_version' : '0'} AS v,
       ${by.includes('bucket') ? bucketSql('enrolled_at', p.granularity) : "''"} AS b,
       ${countSql('enrolled')} AS n, ${countSql('completed')} AS ok, ${countSql('failed')} AS err, ${countSql('exited')} AS exited,
       ${countSql('active')} AS active, ${countSql('converted')} AS conv,
       avgIf(${DURATION_S}, ${STATUS.succeeded}) AS mean, quantilesExactIf(0.5, 0.95)(${DURATION_S}, ${STATUS.succeeded}) AS q,
       sum(credits) AS credits, sum(cost_usd) AS usd, sum(goal_value) AS value
FROM ${cohortFacts(t)}
GROUP BY wf, v, b`;

interface Raw {
  wf: string;
  v: number;
  b: string;
  n: number;
  ok: number;
  err: number;
  exited: number;
  active: number;
  conv: number;
  mean: number;
  q: number[];
  credits: number;
  usd: number;
  value: number;
}

export function statsOf(r: Raw | undefined): Stats {
  const n = Number(r?.n ?? 0);
  const ok = Number(r?.ok ?? 0);
  const err = Number(r?.err ?? 0);
  const conv = Number(r?.conv ?? 0);
  return {
    executions: n,
    succeeded: ok,
    failed: err,
    exited: Number(r?.exited ?? 0),
    active: Number(r?.active ?? 0),
    conversions: conv,
    success_rate: percent(ok, n),
    failure_rate: percent(err, n),
    conversion_rate: percent(conv, n),
    duration_seconds: ok > 0 && r ? { mean: r2(r.mean), p50: r2(r.q[0]), p95: r2(r.q[1]) } : { mean: null, p50: null, p95: null },
    cost: perExecution(n, r?.credits ?? 0, r?.usd ?? 0),
    goal_value_usd: r2(r?.value ?? 0) ?? 0,
  };
}

/** The cohort's figures per group (only groups with executions). */
export async function cohortStats(store: Store, t: Target, p: Period, by: readonly Dimension[]): Promise<StatsRow[]> {
  const rows = await store.query<Raw>(STATS_SQL(t, p, by), targetParams(t, spanOf(p)));
  return rows.map((r) => ({ workflow_id: r.wf, version: Number(r.v), bucket: r.b, stats: statsOf(r) }));
}

export const emptyStats = (): Stats => statsOf(undefined);
