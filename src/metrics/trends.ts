/**
 * Trends (CONTRACT §6): per bucket of the period, new enrollments (by enrolled_at), completions (by
 * completed_at) and conversions (by goal_achieved_at), each counted by its own time; empty buckets are zeros.
 * Computed in the summary's pass over the facts (summary.ts): these are its three bucket counts.
 */
import type { TrendRow } from '../contract/index.js';
import { bucketIndexSql, type Bucket, type Period } from './period.js';
import { STATUS } from './definitions.js';
import { IN_PERIOD, round2 } from './scope.js';

/** A trend row is the API contract's (src/contract/analytics.ts): enrollment_rate is new enrollments per hour of the bucket. */
export type { TrendRow };

/** Executions of FACTS whose enrollment, completion or conversion falls in [{from}, {to}) (or between the parameters named). */
export const ANY_MOMENT_IN = (from = 'from', to = 'to') =>
  `(${IN_PERIOD('enrolled_at', from, to)} OR ${IN_PERIOD('completed_at', from, to)} OR ${IN_PERIOD('goal_achieved_at', from, to)})`;

// Each execution gives the bucket index of its enrollment, completion and conversion (−1 when outside the
// period or not reached), and -Resample counts each index into its bucket: no ARRAY JOIN, no hash table.
const COUNT_BY_BUCKET = (index: string, buckets: string) => `countResample(0, {${buckets}:UInt32}, 1)(${index})`;

/** Suffix of the i-th of several periods' parameters and columns: none for the first (from, to, e…), i for the others (from1, to1, e1…). */
export const periodSuffix = (i: number) => (i === 0 ? '' : String(i));

/**
 * The three trend series as aggregates e, c, v (arrays of counts, one per bucket) over rows of FACTS. For
 * the i-th of several periods the parameters and aggregates carry its periodSuffix (from1, to1, buckets1;
 * e1, c1, v1).
 */
export const TREND_COUNTS_SQL = (p: Period, i = 0) => {
  const suffix = periodSuffix(i);
  const [from, to, n] = [`from${suffix}`, `to${suffix}`, `buckets${suffix}`];
  const at = (c: string) => IN_PERIOD(c, from, to);
  const index = (c: string) => bucketIndexSql(c, p.granularity, from);
  return `
        ${COUNT_BY_BUCKET(`if(${at('enrolled_at')}, ${index('enrolled_at')}, -1)`, n)} AS e${suffix},
        ${COUNT_BY_BUCKET(`if(${STATUS.succeeded} AND ${at('completed_at')}, ${index('assumeNotNull(completed_at)')}, -1)`, n)} AS c${suffix},
        ${COUNT_BY_BUCKET(`if(${STATUS.converted} AND ${at('goal_achieved_at')}, ${index('assumeNotNull(goal_achieved_at)')}, -1)`, n)} AS v${suffix}`;
};

/** The trend rows from the three series' counts per bucket (`all`: the period's `buckets`, TREND_COUNTS_SQL's {buckets} = their number). */
export function trendRows(all: Bucket[], e: number[], c: number[], v: number[]): TrendRow[] {
  return all.map((b, i) => {
    const enrolled = Number(e[i] ?? 0);
    return { date: b.date, new_enrollments: enrolled, completions: Number(c[i] ?? 0), conversions: Number(v[i] ?? 0), enrollment_rate: round2(enrolled / b.hours) };
  });
}
