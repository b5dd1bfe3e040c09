/**
 * The summary and trends of a period reaching back before the raw window (issue 31's two-year trends panel at 10M
 * enrollments) from per-UTC-day states that any window, timezone and granularity reuses:
 * - the cohort part of day d — executions enrolled in it: their count per outcome (summary.ts's breakdowns), the
 *   sums of their durations, times to conversion and goal values, and their durations and times to conversion
 *   counted per logarithmic bucket (src/stats/log-buckets.ts: percentiles within 0.5 %, where the one-pass
 *   statement's are exact; the answer's history note says so);
 * - the trend part of day d — enrolments, completions and conversions per quarter hour of d, each by its own
 *   time: every offset in use, and every instant clocks change at, is a whole number of quarter hours, so a
 *   quarter hour lies in one trend bucket (hour, day, week, month) of every timezone.
 * The states of closed UTC days of the daily window are kept across data generations while no stored batch touched
 * the day (MetricsQueryService, as the monthly cohort matrix's day states); the rest of a period — its edges off UTC
 * midnight, today, days not kept yet — is counted in the same statements, every time. Counts, sums and trends equal
 * the one-pass statement's (SUMMARY_SQL); `test/summary-days.test.ts` checks that across timezones and granularities.
 */
import type { SummaryAndTrends } from '../contract/index.js';
import { FACTS, NEAR } from '../store/execution-facts.js';
import type { Store } from '../store/store.js';
import { BUCKET_KEY_SQL, BucketCounts, type PackedBuckets } from '../stats/log-buckets.js';
import { DAY_MS, startOfLocalDay } from '../time/calendar.js';
import { dayRouter, IN_RANGES, rangeParams } from './cohort-month-keys.js';
import { HOURS, STATUS } from './definitions.js';
import { buckets, type Period } from './period.js';
import { factsFilter, filterParams, type Scope } from './scope.js';
import { summaryFromRow, type SummaryRow } from './summary.js';
import { trendRows } from './trends.js';

const QUARTER_HOUR_MS = 900_000;
const LEVELS = [0.5, 0.9, 0.95];

/** A UTC day's state (or the state of the rest of a period): see the top of this file. */
export interface DayState {
  outcomes: Map<string, number>;
  durSum: number;
  convSum: number;
  goalValue: number;
  /** Durations and times to conversion, in hours, counted per bucket (src/stats/log-buckets.ts). */
  dur: PackedBuckets;
  conv: PackedBuckets;
  /** Triples (kind: 0 enrolled, 1 completed, 2 converted; quarter hour's start in epoch ms; count), packed. */
  moments: Float64Array;
}

/** A state that counts nothing (a day with no executions). */
export const emptyDayState = (): DayState => ({ outcomes: new Map(), durSum: 0, convSum: 0, goalValue: 0, dur: NO_BUCKETS, conv: NO_BUCKETS, moments: new Float64Array(0) });
const NO_BUCKETS: PackedBuckets = { keys: new Int32Array(0), counts: new Float64Array(0) };

/** A state being counted: its buckets in maps until `packed`. */
interface Counting extends DayState {
  durCounts: Map<number, number>;
  convCounts: Map<number, number>;
  momentList: number[];
}

function counting(): Counting {
  return { ...emptyDayState(), durCounts: new Map(), convCounts: new Map(), momentList: [] };
}

function add(into: Map<number, number>, keys: readonly number[], counts: readonly (number | string)[]): void {
  keys.forEach((k, i) => into.set(Number(k), (into.get(Number(k)) ?? 0) + Number(counts[i])));
}

function pack(m: Map<number, number>): PackedBuckets {
  const keys = Int32Array.from(m.keys()).sort();
  return { keys, counts: Float64Array.from(keys, (k) => m.get(k)!) };
}

function packed({ durCounts, convCounts, momentList, ...state }: Counting): DayState {
  return { ...state, dur: pack(durCounts), conv: pack(convCounts), moments: Float64Array.from(momentList) };
}

const MS = (t: string) => `toUnixTimestamp64Milli(${t})`;
const DUR = HOURS('enrolled_at', 'completed_at');
const CONV = HOURS('enrolled_at', 'goal_achieved_at');

/** The cohort part of the executions enrolled in the ranges, per UTC enrolment day and outcome. */
export const COHORT_DAYS_SQL = (filter: string, ranges: number) => `
SELECT intDiv(${MS('enrolled_at')}, ${DAY_MS}) AS day, toString(outcome) AS outcome, count() AS n,
       sumIf(${DUR}, ${STATUS.succeeded}) AS dur_sum,
       sumMapIf([${BUCKET_KEY_SQL(DUR)}], [toUInt64(1)], ${STATUS.succeeded}) AS dur_b,
       sumIf(${CONV}, ${STATUS.converted}) AS conv_sum,
       sumMapIf([${BUCKET_KEY_SQL(CONV)}], [toUInt64(1)], ${STATUS.converted}) AS conv_b,
       sum(goal_value) AS value
FROM ${FACTS}
WHERE ${IN_RANGES('enrolled_at', ranges)} AND ${filter}
GROUP BY day, outcome`;

/**
 * The trend part: enrolments, completions and conversions in the ranges, per kind and quarter hour. The executions
 * read are those enrolled within the workflow's longest span of a range (NEAR, as the summary does), range by
 * range: a period's edges are far apart, and their hull would be the whole period.
 */
export const MOMENT_DAYS_SQL = (filter: string, ranges: number) => `
SELECT kind, intDiv(at, ${QUARTER_HOUR_MS}) * ${QUARTER_HOUR_MS} AS q, count() AS n
FROM (
    SELECT [${MS('enrolled_at')},
            if(${STATUS.succeeded} AND completed_at IS NOT NULL, ${MS('assumeNotNull(completed_at)')}, -1),
            if(${STATUS.converted} AND goal_achieved_at IS NOT NULL, ${MS('assumeNotNull(goal_achieved_at)')}, -1)] AS moments
    FROM ${FACTS}
    WHERE (${IN_RANGES('enrolled_at', ranges)} OR ${IN_RANGES('completed_at', ranges)} OR ${IN_RANGES('goal_achieved_at', ranges)})
      AND (${Array.from({ length: ranges }, (_, i) => NEAR(`r${i}_from`, `r${i}_to`)).join(' OR ')}) AND ${filter})
ARRAY JOIN moments AS at, [0, 1, 2] AS kind
WHERE at >= 0 AND ${IN_RANGES('fromUnixTimestamp64Milli(at)', ranges)}
GROUP BY kind, q`;

/**
 * The states of the days `wanted` (to keep), and the state of what the ranges hold outside the days `kept` (the
 * period's rest), from two statements over the execution facts of the ranges (epoch ms).
 */
export async function countDays(store: Store, scope: Scope, ranges: readonly (readonly [number, number])[], wanted: readonly number[], kept: readonly number[]): Promise<{ byDay: Map<number, DayState>; rest: DayState }> {
  if (ranges.length === 0) return { byDay: new Map(), rest: emptyDayState() };
  const rest = counting();
  const { stateOf, byDay: days } = dayRouter(wanted, kept, counting, rest);
  const values = { account: scope.account, workflow: scope.workflow, ...filterParams(scope), ...rangeParams(ranges) };
  const filter = factsFilter(scope);
  const [cohort, moments] = await Promise.all([
    store.query<{ day: number; outcome: string; n: number; dur_sum: number; dur_b: [number[], number[]]; conv_sum: number; conv_b: [number[], number[]]; value: number }>(COHORT_DAYS_SQL(filter, ranges.length), values),
    store.query<{ kind: number; q: number; n: number }>(MOMENT_DAYS_SQL(filter, ranges.length), values),
  ]);
  for (const r of cohort) {
    const s = stateOf(Number(r.day));
    if (!s) continue;
    s.outcomes.set(r.outcome, (s.outcomes.get(r.outcome) ?? 0) + Number(r.n));
    s.durSum += Number(r.dur_sum);
    s.convSum += Number(r.conv_sum);
    s.goalValue += Number(r.value);
    add(s.durCounts, r.dur_b[0], r.dur_b[1]);
    add(s.convCounts, r.conv_b[0], r.conv_b[1]);
  }
  for (const r of moments) {
    const q = Number(r.q);
    stateOf(Math.floor(q / DAY_MS))?.momentList.push(Number(r.kind), q, Number(r.n));
  }
  return { byDay: new Map([...days].map(([d, s]) => [d, packed(s)])), rest: packed(rest) };
}

/** Where each trend bucket of a period starts (epoch ms), in order. */
function bucketStarts(period: Period): number[] {
  return buckets(period).map((b) => (period.granularity === 'minute' || period.granularity === 'hourly' ? Number(b.key) * 1000 : startOfLocalDay(b.key, period.timezone).getTime()));
}

/** The summary and trends of a period from the states of its days and of its rest (which together cover it once). */
export function summaryFromDays(states: readonly DayState[], period: Period): SummaryAndTrends {
  const all = buckets(period);
  const starts = bucketStarts(period);
  const series = [0, 1, 2].map(() => new Array<number>(all.length).fill(0));
  const outcomes = new Map<string, number>();
  const dur = new BucketCounts();
  const conv = new BucketCounts();
  let durSum = 0;
  let convSum = 0;
  let goalValue = 0;
  for (const s of states) {
    for (const [o, n] of s.outcomes) outcomes.set(o, (outcomes.get(o) ?? 0) + n);
    dur.addPacked(s.dur);
    conv.addPacked(s.conv);
    durSum += s.durSum;
    convSum += s.convSum;
    goalValue += s.goalValue;
    for (let j = 0; j < s.moments.length; j += 3) {
      const [kind, at, n] = [s.moments[j]!, s.moments[j + 1]!, s.moments[j + 2]!];
      // the last bucket starting at or before the quarter hour
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      series[kind]![lo]! += n;
    }
  }
  let total = 0;
  for (const n of outcomes.values()) total += n;
  const row: SummaryRow = {
    total,
    outcomes: [...outcomes.entries()],
    dur_sum: durSum,
    dur_q: dur.quantiles(LEVELS),
    conv_sum: convSum,
    conv_q: conv.quantiles(LEVELS),
    goal_value: goalValue,
    e: series[0]!,
    c: series[1]!,
    v: series[2]!,
  };
  return { summary: summaryFromRow(row), trends: trendRows(all, row.e, row.c, row.v) };
}
