/**
 * Trends (CONTRACT §6): per bucket of the period, new enrollments (by enrolled_at), completions (by
 * completed_at) and conversions (by goal_achieved_at), each counted by its own time; empty buckets are zeros.
 * Computed in the summary's pass over the facts (summary.ts): these are its three bucket counts.
 */
import { bucketIndexSql, type Bucket, type Period } from './period.js';
import { DONE, GOAL, round2 } from './scope.js';

export interface TrendRow {
  date: string;
  new_enrollments: number;
  completions: number;
  conversions: number;
  /** New enrollments per hour of the bucket (a DST day has 23 or 25 hours). */
  enrollment_rate: number;
}

export const IN_PERIOD = (c: string) => `(${c} >= {from:DateTime64(3, 'UTC')} AND ${c} < {to:DateTime64(3, 'UTC')})`;

/** Executions of FACTS whose enrollment, completion or conversion falls in the period. */
export const ANY_MOMENT_IN_PERIOD = `(${IN_PERIOD('enrolled_at')} OR ${IN_PERIOD('completed_at')} OR ${IN_PERIOD('goal_achieved_at')})`;

// Each execution gives the bucket index of its enrollment, completion and conversion (−1 when outside the
// period or not reached), and -Resample counts each index into its bucket: no ARRAY JOIN, no hash table.
const COUNT_BY_BUCKET = (index: string) => `countResample(0, {buckets:UInt32}, 1)(${index})`;

/** The three trend series as aggregates e, c, v (arrays of counts, one per bucket) over rows of FACTS. */
export const TREND_COUNTS_SQL = (p: Period) => `
        ${COUNT_BY_BUCKET(`if(${IN_PERIOD('enrolled_at')}, ${bucketIndexSql('enrolled_at', p.granularity)}, -1)`)} AS e,
        ${COUNT_BY_BUCKET(`if(${DONE} AND ${IN_PERIOD('completed_at')}, ${bucketIndexSql('assumeNotNull(completed_at)', p.granularity)}, -1)`)} AS c,
        ${COUNT_BY_BUCKET(`if(${GOAL} AND ${IN_PERIOD('goal_achieved_at')}, ${bucketIndexSql('assumeNotNull(goal_achieved_at)', p.granularity)}, -1)`)} AS v`;

/** The trend rows from the three series' counts per bucket (`all`: the period's `buckets`, TREND_COUNTS_SQL's {buckets} = their number). */
export function trendRows(all: Bucket[], e: number[], c: number[], v: number[]): TrendRow[] {
  return all.map((b, i) => {
    const enrolled = Number(e[i] ?? 0);
    return { date: b.date, new_enrollments: enrolled, completions: Number(c[i] ?? 0), conversions: Number(v[i] ?? 0), enrollment_rate: round2(enrolled / b.hours) };
  });
}
