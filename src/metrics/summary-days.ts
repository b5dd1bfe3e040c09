/**
 * The summary and trends of a period (but minute trends) from per-UTC-day states that any window, timezone and
 * granularity reuses (issue 31's two-year trends panel at 10M enrollments; issue 30's panels at 1M):
 * - the cohort part of day d — executions enrolled in it: their count per outcome (summary.ts's breakdowns), the
 *   sums of their durations, times to conversion and goal values, and either
 *   - (`exact`, periods inside the raw window) their durations and times to conversion themselves, in ms, ascending:
 *     a period's exact percentiles are the elements quantilesExact picks, selected across its days' values
 *     (src/stats/sorted-runs.ts) — equal to the one-pass statement's; or
 *   - (history: periods reaching back before the raw window) those counted per logarithmic bucket
 *     (src/stats/log-buckets.ts: percentiles within 0.5 %; the answer's history note says so);
 * - the trend part of day d — enrolments, completions and conversions per quarter hour of d, each by its own
 *   time: every offset in use, and every instant clocks change at, is a whole number of quarter hours, so a
 *   quarter hour lies in one trend bucket (hour, day, week, month) of every timezone.
 * The states of closed UTC days of the daily window are kept across data generations while no stored batch touched
 * the day (MetricsQueryService, as the monthly cohort matrix's day states); the rest of a period — its edges off UTC
 * midnight, today, days not kept yet — is counted in the same statements, every time. Counts, sums and trends equal
 * the one-pass statement's (SUMMARY_SQL), and so do exact percentiles; `test/summary-days.test.ts` checks that across
 * timezones and granularities.
 */
import type { SummaryAndTrends } from '../contract/index.js';
import { FACTS, NEAR } from '../store/execution-facts.js';
import type { Store } from '../store/store.js';
import { BUCKET_KEY_SQL, BucketCounts, type PackedBuckets } from '../stats/log-buckets.js';
import { mergeRuns, quantilesOfRuns } from '../stats/sorted-runs.js';
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
  /**
   * Counted exact (periods inside the raw window): every duration and time to conversion (ms), ascending, each with
   * the quarter hour of the day its execution enrolled in — the buckets are then empty, and a period's exact
   * percentiles are selected across its days' values (src/stats/sorted-runs.ts), the element the one-pass
   * statement's quantilesExact gives.
   */
  values?: { dur: Sample; conv: Sample };
  /**
   * Counted exact: the cohort part per quarter hour of enrolment — so that a window's edge off UTC midnight takes
   * the quarter hours of a kept day it covers (partOfDay) instead of being counted again.
   */
  quarters?: QuarterRow[];
}

/** Values, ascending, and the quarter hour (0–95) of the day each one's execution enrolled in. */
export interface Sample {
  values: Float64Array;
  quarters: Uint8Array;
}

const NO_SAMPLE = (): Sample => ({ values: new Float64Array(0), quarters: new Uint8Array(0) });

/** The cohort part of one quarter hour (0–95 of its UTC day) and outcome. */
export interface QuarterRow {
  q: number;
  outcome: string;
  n: number;
  durSum: number;
  convSum: number;
  goalValue: number;
}

/**
 * While a day is counted, a value (ms, an integer) is packed with the quarter hour (0–95) its execution enrolled in,
 * v × 128 + q, so that the day's runs (one per quarter hour and outcome) merge as plain numbers: packed values sort as
 * their values do, and stay exact below 2^45 ms (a thousand years). The state then holds them apart (Sample).
 */
const PACK = 128;
const packValue = (ms: number, quarter: number) => ms * PACK + quarter;

/** Packed values, ascending, as a Sample. */
function unpacked(packed: Float64Array): Sample {
  const values = new Float64Array(packed.length);
  const quarters = new Uint8Array(packed.length);
  for (let i = 0; i < packed.length; i++) {
    const p = packed[i]!;
    const q = ((p % PACK) + PACK) % PACK;
    values[i] = (p - q) / PACK;
    quarters[i] = q;
  }
  return { values, quarters };
}

/** The values of a sample whose quarter hours lie in [qa, qb): a subsequence, so ascending too. */
function sampleIn(s: Sample, qa: number, qb: number): Sample {
  let n = 0;
  for (let i = 0; i < s.quarters.length; i++) if (s.quarters[i]! >= qa && s.quarters[i]! < qb) n++;
  const out = { values: new Float64Array(n), quarters: new Uint8Array(n) };
  for (let i = 0, k = 0; i < s.quarters.length; i++) {
    if (s.quarters[i]! >= qa && s.quarters[i]! < qb) {
      out.values[k] = s.values[i]!;
      out.quarters[k++] = s.quarters[i]!;
    }
  }
  return out;
}

/** A state that counts nothing (a day with no executions); `exact`: with its (no) values and quarter hours. */
export const emptyDayState = (exact = false): DayState => ({
  outcomes: new Map(), durSum: 0, convSum: 0, goalValue: 0, dur: NO_BUCKETS, conv: NO_BUCKETS, moments: new Float64Array(0),
  ...(exact ? { values: { dur: NO_SAMPLE(), conv: NO_SAMPLE() }, quarters: [] } : {}),
});
const NO_BUCKETS: PackedBuckets = { keys: new Int32Array(0), counts: new Float64Array(0) };

/** A state being counted: its buckets in maps and its values in runs until `packed`. */
interface Counting extends DayState {
  durCounts: Map<number, number>;
  convCounts: Map<number, number>;
  momentList: number[];
  durRuns: Float64Array[];
  convRuns: Float64Array[];
  quarterRows: QuarterRow[];
}

function counting(): Counting {
  return { ...emptyDayState(false), durCounts: new Map(), convCounts: new Map(), momentList: [], durRuns: [], convRuns: [], quarterRows: [] };
}

function add(into: Map<number, number>, keys: readonly number[], counts: readonly (number | string)[]): void {
  keys.forEach((k, i) => into.set(Number(k), (into.get(Number(k)) ?? 0) + Number(counts[i])));
}

function pack(m: Map<number, number>): PackedBuckets {
  const keys = Int32Array.from(m.keys()).sort();
  return { keys, counts: Float64Array.from(keys, (k) => m.get(k)!) };
}

function packed({ durCounts, convCounts, momentList, durRuns, convRuns, quarterRows, ...state }: Counting, exact: boolean): DayState {
  return {
    ...state, dur: pack(durCounts), conv: pack(convCounts), moments: Float64Array.from(momentList),
    ...(exact ? { values: { dur: unpacked(mergeRuns(durRuns)), conv: unpacked(mergeRuns(convRuns)) }, quarters: quarterRows } : {}),
  };
}

/** About what a state holds in memory, in bytes (the service bounds its exact states by it). */
export function dayStateBytes(s: DayState): number {
  const sample = (x: Sample | undefined) => (x ? x.values.byteLength + x.quarters.byteLength : 0);
  return 200 + s.outcomes.size * 64 + s.dur.keys.byteLength + s.dur.counts.byteLength + s.conv.keys.byteLength + s.conv.counts.byteLength +
    s.moments.byteLength + sample(s.values?.dur) + sample(s.values?.conv) + (s.quarters?.length ?? 0) * 96;
}

/** The durations (ms, ascending) of exact states' completed executions, one run per state. */
export function durationRuns(states: readonly DayState[]): Float64Array[] {
  return states.map((s) => {
    if (!s.values) throw new Error('durationRuns: a state counted by buckets holds no durations');
    return s.values.dur.values;
  });
}

/**
 * The part of day `day`'s exact state (with its quarter hours) about the instants [from, to), which must fall on
 * quarter hours: its cohort part of the executions enrolled in them, its values of those, its trend part of the
 * moments in them. The whole state when [from, to) holds the day.
 */
export function partOfDay(state: DayState, day: number, from: number, to: number): DayState {
  const start = day * DAY_MS;
  if (from <= start && to >= start + DAY_MS) return state;
  if (!state.values || !state.quarters) throw new Error('partOfDay: a state counted by buckets has no quarter hours');
  const [qa, qb] = [Math.max(0, (from - start) / QUARTER_HOUR_MS), Math.min(96, (to - start) / QUARTER_HOUR_MS)];
  if (!Number.isInteger(qa) || !Number.isInteger(qb)) throw new Error('partOfDay: the range does not fall on quarter hours');
  const part = emptyDayState(true);
  for (const r of state.quarters) {
    if (r.q < qa || r.q >= qb) continue;
    part.outcomes.set(r.outcome, (part.outcomes.get(r.outcome) ?? 0) + r.n);
    part.durSum += r.durSum;
    part.convSum += r.convSum;
    part.goalValue += r.goalValue;
  }
  part.values = { dur: sampleIn(state.values.dur, qa, qb), conv: sampleIn(state.values.conv, qa, qb) };
  const moments: number[] = [];
  for (let j = 0; j < state.moments.length; j += 3) {
    if (state.moments[j + 1]! >= from && state.moments[j + 1]! < to) moments.push(state.moments[j]!, state.moments[j + 1]!, state.moments[j + 2]!);
  }
  part.moments = Float64Array.from(moments);
  return part;
}

const MS = (t: string) => `toUnixTimestamp64Milli(${t})`;
const DUR = HOURS('enrolled_at', 'completed_at');
const CONV = HOURS('enrolled_at', 'goal_achieved_at');
/** Milliseconds from column a to column b (not null where used): HOURS before its division, so it selects the same element. */
const SPAN_MS = (a: string, b: string) => `(${MS(`assumeNotNull(${b})`)} - ${MS(a)})`;
const NO_BUCKETS_SQL = "CAST(([], []), 'Tuple(Array(Int32), Array(UInt64))')";
const NO_VALUES_SQL = "CAST([], 'Array(Int64)')";

/**
 * The cohort part of the executions enrolled in the ranges, per UTC enrolment day and outcome; with `exact`, also per
 * quarter hour of enrolment, with the durations and times to conversion themselves (ms, ascending) instead of their
 * buckets.
 */
export const COHORT_DAYS_SQL = (filter: string, ranges: number, exact = false) => `
SELECT intDiv(${MS('enrolled_at')}, ${DAY_MS}) AS day, ${exact ? `intDiv(${MS('enrolled_at')} % ${DAY_MS}, ${QUARTER_HOUR_MS})` : '0'} AS q,
       toString(outcome) AS outcome, count() AS n,
       sumIf(${DUR}, ${STATUS.succeeded}) AS dur_sum,
       ${exact ? NO_BUCKETS_SQL : `sumMapIf([${BUCKET_KEY_SQL(DUR)}], [toUInt64(1)], ${STATUS.succeeded})`} AS dur_b,
       ${exact ? `arraySort(groupArrayIf(${SPAN_MS('enrolled_at', 'completed_at')}, ${STATUS.succeeded}))` : NO_VALUES_SQL} AS dur_v,
       sumIf(${CONV}, ${STATUS.converted}) AS conv_sum,
       ${exact ? NO_BUCKETS_SQL : `sumMapIf([${BUCKET_KEY_SQL(CONV)}], [toUInt64(1)], ${STATUS.converted})`} AS conv_b,
       ${exact ? `arraySort(groupArrayIf(${SPAN_MS('enrolled_at', 'goal_achieved_at')}, ${STATUS.converted}))` : NO_VALUES_SQL} AS conv_v,
       sum(goal_value) AS value
FROM ${FACTS}
WHERE ${IN_RANGES('enrolled_at', ranges)} AND ${filter}
GROUP BY day, q, outcome`;

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
 * period's rest), from two statements over the execution facts of the ranges (epoch ms); with `exact`, holding
 * their values instead of buckets (DayState.values).
 */
export async function countDays(store: Store, scope: Scope, ranges: readonly (readonly [number, number])[], wanted: readonly number[], kept: readonly number[], exact = false): Promise<{ byDay: Map<number, DayState>; rest: DayState }> {
  if (ranges.length === 0) return { byDay: new Map(), rest: emptyDayState(exact) };
  const rest = counting();
  const { stateOf, byDay: days } = dayRouter(wanted, kept, counting, rest);
  const values = { account: scope.account, workflow: scope.workflow, ...filterParams(scope), ...rangeParams(ranges) };
  const filter = factsFilter(scope);
  const [cohort, moments] = await Promise.all([
    store.query<{ day: number; q: number; outcome: string; n: number; dur_sum: number; dur_b: [number[], number[]]; dur_v: number[]; conv_sum: number; conv_b: [number[], number[]]; conv_v: number[]; value: number }>(COHORT_DAYS_SQL(filter, ranges.length, exact), values),
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
    if (!exact) continue;
    const q = Number(r.q);
    if (r.dur_v.length > 0) s.durRuns.push(Float64Array.from(r.dur_v, (v) => packValue(Number(v), q)));
    if (r.conv_v.length > 0) s.convRuns.push(Float64Array.from(r.conv_v, (v) => packValue(Number(v), q)));
    s.quarterRows.push({ q, outcome: r.outcome, n: Number(r.n), durSum: Number(r.dur_sum), convSum: Number(r.conv_sum), goalValue: Number(r.value) });
  }
  for (const r of moments) {
    const q = Number(r.q);
    stateOf(Math.floor(q / DAY_MS))?.momentList.push(Number(r.kind), q, Number(r.n));
  }
  return { byDay: new Map([...days].map(([d, s]) => [d, packed(s, exact)])), rest: packed(rest, exact) };
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
  // exact: the elements quantilesExact picks, selected across the days' values (ms, then hours as HOURS divides)
  const exact = states.every((s) => s.values !== undefined);
  if (!exact && states.some((s) => s.values !== undefined)) throw new Error('summaryFromDays: states counted exact and by buckets mixed');
  const exactOf = (runs: Float64Array[]) => quantilesOfRuns(runs, LEVELS).map((q) => (q === null ? 0 : q / 3_600_000));
  const row: SummaryRow = {
    total,
    outcomes: [...outcomes.entries()],
    dur_sum: durSum,
    dur_q: exact ? exactOf(states.map((s) => s.values!.dur.values)) : dur.quantiles(LEVELS),
    conv_sum: convSum,
    conv_q: exact ? exactOf(states.map((s) => s.values!.conv.values)) : conv.quantiles(LEVELS),
    goal_value: goalValue,
    e: series[0]!,
    c: series[1]!,
    v: series[2]!,
  };
  return { summary: summaryFromRow(row), trends: trendRows(all, row.e, row.c, row.v) };
}
