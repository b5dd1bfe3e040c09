/**
 * Trends (CONTRACT §6): per bucket of the period, new enrollments (by enrolled_at), completions (by
 * completed_at) and conversions (by goal_achieved_at), each counted by its own time; empty buckets are zeros.
 */
import type { Store } from '../store/store.js';
import { FACTS, NEAR_PERIOD } from '../store/execution-facts.js';
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

export const IN_PERIOD = (c: string) => `(${c} >= {from:DateTime64(3, 'UTC')} AND ${c} < {to:DateTime64(3, 'UTC')})`;

// One pass over the workflow's facts: each execution contributes its enrollment, completion and
// conversion times, each kept when it falls in the period.
export const TRENDS_SQL = (p: Period, filter: string) => `
SELECT ${bucketSql('moment.2', p.granularity)} AS bucket,
       countIf(moment.1 = 0) AS e, countIf(moment.1 = 1) AS c, countIf(moment.1 = 2) AS v
FROM ${FACTS}
ARRAY JOIN arrayFilter(m -> m.1 < 3 AND ${IN_PERIOD('m.2')}, [
    (toUInt8(0), enrolled_at),
    (if(status IN ('completed', 'goal_achieved'), 1, 9), ifNull(completed_at, enrolled_at)),
    (if(status = 'goal_achieved', 2, 9), ifNull(goal_achieved_at, enrolled_at))
  ]) AS moment
WHERE (${IN_PERIOD('enrolled_at')} OR ${IN_PERIOD('completed_at')} OR ${IN_PERIOD('goal_achieved_at')}) AND ${NEAR_PERIOD} AND ${filter}
GROUP BY bucket`;

export async function trends(store: Store, scope: Scope, period: Period): Promise<TrendRow[]> {
  const rows = await store.query<{ bucket: string; e: number; c: number; v: number }>(TRENDS_SQL(period, factsFilter(scope)), params(scope, period));
  const byKey = new Map(rows.map((r) => [r.bucket, r]));
  return buckets(period).map((b) => {
    const r = byKey.get(b.key);
    const e = Number(r?.e ?? 0);
    return { date: b.date, new_enrollments: e, completions: Number(r?.c ?? 0), conversions: Number(r?.v ?? 0), enrollment_rate: round2(e / b.hours) };
  });
}
