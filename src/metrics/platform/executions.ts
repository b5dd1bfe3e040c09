/**
 * Execution statistics over the cohort of a period (executions whose `execution.started` falls in it,
 * CONTRACT §6), across the target's workflows: counts per bucket, optionally split by workflow,
 * trigger type, status or version; and a summary with success/failure rates and durations.
 * Status is the execution's current status (§5): succeeded = completed or goal_achieved, failed = error.
 */
import type { ExecutionsResponse } from '../../contract/index.js';
import type { Store } from '../../store/store.js';
import { bucketSql, buckets, type Period } from '../period.js';
import { cohortFacts, percent } from '../scope.js';
import { countSql, DURATION_S, STATUS } from '../definitions.js';
import { r2, spanOf, targetParams, type Target } from './target.js';

export const GROUP_BYS = ['workflow', 'trigger_type', 'status', 'version'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const KEY: Record<GroupBy | 'none', string> = {
  none: "''",
  workflow: 'workflow_id',
  trigger_type: 'toString(trigger_type)',
  status: 'toString(status)',
  version: "concat(workflow_id, ' v', toString(workflow_version))",
};

export interface Counts {
  executions: number;
  succeeded: number;
  failed: number;
  exited: number;
  active: number;
}

const COUNTS = `${countSql('enrolled')} AS executions, ${countSql('completed')} AS succeeded, ${countSql('failed')} AS failed,
    ${countSql('exited')} AS exited, ${countSql('active')} AS active`;

const SERIES_SQL = (t: Target, p: Period, g: GroupBy | 'none') => `
SELECT ${bucketSql('enrolled_at', p.granularity)} AS bucket, ${KEY[g]} AS key,
       any(workflow_id) AS wf, any(workflow_version) AS v, ${COUNTS}
FROM ${cohortFacts(t)}
GROUP BY bucket, key`;

const zero = (): Counts => ({ executions: 0, succeeded: 0, failed: 0, exited: 0, active: 0 });
const add = (a: Counts, r: Counts) => {
  for (const k of ['executions', 'succeeded', 'failed', 'exited', 'active'] as const) a[k] += Number(r[k]);
};

export interface SeriesOut {
  key: string;
  workflow_id?: string;
  version?: number;
  totals: Counts;
  buckets: Array<{ date: string } & Counts>;
}

/** Counts per bucket (empty buckets are zeros); with `groupBy`, one series per group, largest first. */
export async function executionSeries(store: Store, t: Target, p: Period, groupBy: GroupBy | undefined): Promise<Omit<ExecutionsResponse, 'period' | 'workflows'>> {
  const rows = await store.query<Counts & { bucket: string; key: string; wf: string; v: number }>(SERIES_SQL(t, p, groupBy ?? 'none'), targetParams(t, spanOf(p)));
  const all = buckets(p);
  const fill = (of: typeof rows) => {
    const byBucket = new Map<string, Counts>();
    for (const r of of) add(byBucket.get(r.bucket) ?? byBucket.set(r.bucket, zero()).get(r.bucket)!, r);
    return all.map((b) => ({ date: b.date, ...(byBucket.get(b.key) ?? zero()) }));
  };
  const totals = zero();
  for (const r of rows) add(totals, r);
  const body: Omit<ExecutionsResponse, 'period' | 'workflows'> = { group_by: groupBy ?? null, totals, buckets: fill(rows) };
  if (groupBy) {
    const groups = new Map<string, typeof rows>();
    for (const r of rows) (groups.get(r.key) ?? groups.set(r.key, []).get(r.key)!).push(r);
    const series: SeriesOut[] = [...groups.entries()].map(([key, of]) => {
      const s = zero();
      for (const r of of) add(s, r);
      return {
        key,
        ...(groupBy === 'workflow' || groupBy === 'version' ? { workflow_id: of[0]!.wf } : {}),
        ...(groupBy === 'version' ? { version: Number(of[0]!.v) } : {}),
        totals: s,
        buckets: fill(of),
      };
    });
    series.sort((a, b) => b.totals.executions - a.totals.executions || a.key.localeCompare(b.key));
    body.series = series;
  }
  return body;
}

export interface ExecutionSummary extends Counts {
  success_rate: number;
  failure_rate: number;
  /** Enrolment to completion, over the executions that completed. */
  duration_seconds: { mean: number | null; p50: number | null; p95: number | null };
  trigger_types: Record<string, number>;
}

const SUMMARY_SQL = (t: Target) => `
SELECT ${COUNTS},
       avgIf(${DURATION_S}, ${STATUS.succeeded}) AS mean, quantilesExactIf(0.5, 0.95)(${DURATION_S}, ${STATUS.succeeded}) AS q,
       sumMap([toString(trigger_type)], [toUInt64(1)]) AS triggers
FROM ${cohortFacts(t)}`;

export async function executionSummary(store: Store, t: Target, p: Period): Promise<ExecutionSummary> {
  const [r] = await store.query<Counts & { mean: number; q: number[]; triggers: [string[], number[]] }>(SUMMARY_SQL(t), targetParams(t, spanOf(p)));
  const c = zero();
  add(c, r!);
  const timed = c.succeeded > 0;
  const triggers = r!.triggers[0].map((k, i) => [k === '' ? '(none)' : k, Number(r!.triggers[1][i])] as const).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    ...c,
    success_rate: percent(c.succeeded, c.executions),
    failure_rate: percent(c.failed, c.executions),
    duration_seconds: { mean: timed ? r2(r!.mean) : null, p50: timed ? r2(r!.q[0]) : null, p95: timed ? r2(r!.q[1]) : null },
    trigger_types: Object.fromEntries(triggers),
  };
}
