/**
 * Trends (CONTRACT §6): per bucket of the period, new enrollments (by enrolled_at), completions (by
 * completed_at) and conversions (by goal_achieved_at), each counted by its own time; empty buckets are zeros.
 */
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { bucketSql, buckets, type Period } from './period.js';
import { factsFilter, params, round2, type Scope } from './scope.js';

export interface TrendRow {
  date: string;
  new_enrollments: number;
  completions: number;
  conversions: number;
  /** New enrollments per hour of the bucket (a DST day has 23 or 25 hours). */
  enrollment_rate: number;
}

const IN_PERIOD = (c: string) => `${c} >= {from:DateTime64(3, 'UTC')} AND ${c} < {to:DateTime64(3, 'UTC')}`;

export const TRENDS_SQL = (p: Period, filter: string) => `
SELECT bucket, sum(e) AS e, sum(c) AS c, sum(v) AS v FROM (
    SELECT ${bucketSql('enrolled_at', p.granularity)} AS bucket, count() AS e, 0 AS c, 0 AS v
    FROM ${FACTS} WHERE ${IN_PERIOD('enrolled_at')} AND ${filter} GROUP BY bucket
    UNION ALL
    SELECT ${bucketSql('assumeNotNull(completed_at)', p.granularity)} AS bucket, 0, count(), 0
    FROM ${FACTS} WHERE status IN ('completed', 'goal_achieved') AND ${IN_PERIOD('completed_at')} AND ${filter} GROUP BY bucket
    UNION ALL
    SELECT ${bucketSql('assumeNotNull(goal_achieved_at)', p.granularity)} AS bucket, 0, 0, count()
    FROM ${FACTS} WHERE status = 'goal_achieved' AND ${IN_PERIOD('goal_achieved_at')} AND ${filter} GROUP BY bucket
) GROUP BY bucket`;

export async function trends(store: Store, scope: Scope, period: Period): Promise<TrendRow[]> {
  const rows = await store.query<{ bucket: string; e: number; c: number; v: number }>(TRENDS_SQL(period, factsFilter(scope)), params(scope, period));
  const byKey = new Map(rows.map((r) => [r.bucket, r]));
  return buckets(period).map((b) => {
    const r = byKey.get(b.key);
    const e = Number(r?.e ?? 0);
    return { date: b.date, new_enrollments: e, completions: Number(r?.c ?? 0), conversions: Number(r?.v ?? 0), enrollment_rate: round2(e / b.hours) };
  });
}
