/**
 * Monthly cohort matrices from per-day states that any timezone and any window reuses (issue 31's 12×12 matrix at
 * 10M enrollments). A monthly matrix needs, per execution, only the local month of its enrolment and of its event
 * (cohorts.ts, EVENT_AT). Both are kept exactly by a coarse key of the instant, the same for every timezone:
 * - on a UTC day that is neither the first nor the last of its month, the day's start: every offset in use
 *   (−12 h to +14 h) puts the instants of UTC day d on local day d − 1, d or d + 1, all of d's month, and puts the
 *   day's start on d − 1 or d — the same month;
 * - on the first or last day of a month, the instant's quarter hour: every offset in use, and every instant the
 *   clocks change at, is a whole number of quarter hours, so an instant and its quarter hour's start fall on the
 *   same side of every local midnight.
 * A day's state is its enrolments' counts by (enrolment key, event key): a few dozen rows instead of ≈14,000
 * executions at 10M. The states of closed UTC days are kept across data generations while no stored batch touched
 * the day (MetricsQueryService, like the answers about closed periods); the parts of a period that are not whole
 * kept days — its edges off UTC midnight, today, days before the daily window — are counted the same way, in the
 * same statement, every time. `localMonth` then places each key in the request's timezone; the matrix is what the
 * one-pass statement (COHORTS_SQL) gives, which `test/cohort-month-keys.test.ts` checks across timezones.
 */
import { FACTS } from '../store/execution-facts.js';
import type { Store } from '../store/store.js';
import { DAY_MS, startOfLocalDay } from '../time/calendar.js';
import { EVENT_AT, type CohortMetric, type CohortRow } from './cohorts.js';
import { factsFilter, filterParams, type Scope } from './scope.js';

const QUARTER_HOUR_MS = 900_000;

/** One count of a day's state: executions enrolled at key `ek` whose event is at key `vk` (−1: none yet). */
export type KeyedCount = readonly [ek: number, vk: number, n: number];

const MS = (t: string) => `toUnixTimestamp64Milli(${t})`;
/**
 * The key of an instant column (see the top of this file), epoch ms. The UTC day is tested through its day number
 * (toDate of an integer is a table lookup): a third cheaper than taking the day of month of the instant and of the
 * instant a day later (10M enrolments, a year: ≈500 against ≈650 ms).
 */
export const KEY_SQL = (t: string) => {
  const day = `intDiv(${MS(t)}, ${DAY_MS})`;
  return `if(toDayOfMonth(toDate(${day})) > 1 AND toDayOfMonth(toDate(${day} + 1)) > 1, ${day} * ${DAY_MS}, intDiv(${MS(t)}, ${QUARTER_HOUR_MS}) * ${QUARTER_HOUR_MS})`;
};

/** The same key in JS (for tests). */
export function keyOf(ms: number): number {
  const d = new Date(ms);
  const next = new Date(ms + DAY_MS);
  const edge = d.getUTCDate() === 1 || next.getUTCDate() === 1;
  const unit = edge ? QUARTER_HOUR_MS : DAY_MS;
  return Math.floor(ms / unit) * unit;
}

/**
 * The keyed counts of the executions enrolled in the ranges [{r<i>_from}, {r<i>_to}) of FACTS (filtered), per UTC
 * enrolment day (epoch day number).
 */
export const MONTH_KEYS_SQL = (metric: CohortMetric, filter: string, ranges: number) => {
  const within = IN_RANGES('enrolled_at', ranges);
  return `
SELECT day, ek, vk, count() AS n
FROM (
    SELECT intDiv(${MS('enrolled_at')}, ${DAY_MS}) AS day, ${KEY_SQL('enrolled_at')} AS ek, ${EVENT_AT[metric]} AS at,
           if(at IS NULL, -1, ${KEY_SQL('assumeNotNull(at)')}) AS vk
    FROM ${FACTS}
    WHERE (${within}) AND ${filter})
GROUP BY day, ek, vk`;
};

/** Whether an instant column lies in any of `ranges` ranges [{r<i>_from}, {r<i>_to}) (parameters: rangeParams). */
export const IN_RANGES = (column: string, ranges: number) =>
  `(${Array.from({ length: ranges }, (_, i) => `(${column} >= {r${i}_from:DateTime64(3, 'UTC')} AND ${column} < {r${i}_to:DateTime64(3, 'UTC')})`).join(' OR ')})`;

/** The ranges' parameters of IN_RANGES. */
export function rangeParams(ranges: readonly (readonly [number, number])[]): Record<string, Date> {
  return Object.fromEntries(ranges.flatMap(([a, b], i) => [[`r${i}_from`, new Date(a)], [`r${i}_to`, new Date(b)]]));
}

/**
 * Where a counted row of day `day` goes (dayStatesOf's `count`): into the state of a day `wanted` (to keep, made on
 * first use), into the period's `rest` when the day is not `kept`, or nowhere (a kept day read again only as part of
 * a range). `byDay` holds the wanted days' states.
 */
export function dayRouter<S>(wanted: readonly number[], kept: readonly number[], make: () => S, rest: S): { stateOf: (day: number) => S | undefined; byDay: Map<number, S> } {
  const byDay = new Map<number, S>();
  const toKeep = new Set(wanted);
  const keptDays = new Set(kept);
  const stateOf = (day: number): S | undefined => {
    if (toKeep.has(day)) {
      let s = byDay.get(day);
      if (s === undefined) byDay.set(day, (s = make()));
      return s;
    }
    return keptDays.has(day) ? undefined : rest;
  };
  return { stateOf, byDay };
}

/**
 * The keyed counts of the executions enrolled in `ranges` (epoch ms) of a scope: those of the days `wanted` (to keep)
 * by day, and those of days that are not `kept` (the period's rest); days kept already and read again only as part
 * of a range are left out.
 */
export async function countMonthKeys(store: Store, scope: Scope, metric: CohortMetric, ranges: readonly (readonly [number, number])[], wanted: readonly number[], kept: readonly number[]): Promise<{ byDay: Map<number, KeyedCount[]>; rest: KeyedCount[] }> {
  const rest: KeyedCount[] = [];
  const { stateOf, byDay } = dayRouter<KeyedCount[]>(wanted, kept, () => [], rest);
  if (ranges.length === 0) return { byDay, rest };
  const rows = await store.query<{ day: number; ek: number; vk: number; n: number }>(MONTH_KEYS_SQL(metric, factsFilter(scope), ranges.length), {
    account: scope.account, workflow: scope.workflow, ...filterParams(scope), ...rangeParams(ranges),
  });
  for (const x of rows) stateOf(Number(x.day))?.push([Number(x.ek), Number(x.vk), Number(x.n)]);
  return { byDay, rest };
}

/**
 * How a period [from, to) splits: whole UTC days whose state may be kept (closed by `now`, inside the daily window
 * from `keepFrom` on), and the rest — at most two ranges, before and after them — counted afresh.
 */
export function splitPeriod(from: number, to: number, now: number, keepFrom: number | null): { days: number[]; rest: [number, number][] } {
  const first = Math.max(Math.ceil(from / DAY_MS), keepFrom === null ? -Infinity : Math.ceil(keepFrom / DAY_MS));
  const last = Math.min(Math.floor(to / DAY_MS), Math.floor(now / DAY_MS)); // days [first, last)
  if (last <= first) return { days: [], rest: from < to ? [[from, to]] : [] };
  const days = Array.from({ length: last - first }, (_, i) => first + i);
  const rest: [number, number][] = [];
  if (from < first * DAY_MS) rest.push([from, first * DAY_MS]);
  if (last * DAY_MS < to) rest.push([last * DAY_MS, to]);
  return { days, rest };
}

/**
 * How a period [from, to) splits when a day's state can give any range of its quarter hours (the exact summary's,
 * summary-days.ts partOfDay): every UTC day it overlaps from the daily window on — the days of its edges off UTC
 * midnight, today and later days too (the service keeps a state of a day not closed only for its data generation:
 * any window asked before the next write reuses it) — and the rest, before the daily window, counted afresh. A
 * period whose ends are not on quarter hours splits as splitPeriod's.
 */
export function splitOverlappedDays(from: number, to: number, now: number, keepFrom: number | null): { days: number[]; rest: [number, number][] } {
  if (from % QUARTER_HOUR_MS !== 0 || to % QUARTER_HOUR_MS !== 0) return splitPeriod(from, to, now, keepFrom);
  const first = Math.max(Math.floor(from / DAY_MS), keepFrom === null ? -Infinity : Math.ceil(keepFrom / DAY_MS));
  const last = Math.ceil(to / DAY_MS); // days [first, last)
  if (last <= first) return { days: [], rest: from < to ? [[from, to]] : [] };
  return { days: Array.from({ length: last - first }, (_, i) => first + i), rest: from < first * DAY_MS ? [[from, first * DAY_MS]] : [] };
}

/**
 * Day numbers (sorted) as ranges of epoch ms: one per run of consecutive days, at most `max` (the closest runs
 * joined, days between them read again), so a late event on an old day does not have every day since read again.
 */
export function dayRanges(days: readonly number[], max = 8): [number, number][] {
  const runs: [number, number][] = [];
  for (const d of days) {
    const last = runs[runs.length - 1];
    if (last && last[1] === d) last[1] = d + 1;
    else runs.push([d, d + 1]);
  }
  while (runs.length > max) {
    let best = 1;
    for (let i = 2; i < runs.length; i++) if (runs[i]![0] - runs[i - 1]![1] < runs[best]![0] - runs[best - 1]![1]) best = i;
    runs[best - 1]![1] = runs[best]![1];
    runs.splice(best, 1);
  }
  return runs.map(([a, b]) => [a * DAY_MS, b * DAY_MS]);
}

/** Months since year 0 (year × 12 + month − 1) of a local date's month. */
const monthNumber = (y: number, m0: number) => y * 12 + m0;
const monthStart = (n: number) => `${String(Math.floor(n / 12)).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}-01`;

/**
 * The local month (monthNumber) of an instant in a timezone whose offset is under a day: its UTC month, unless
 * it lies on the first or last UTC day of a month, where the local month's first instant decides.
 */
export function localMonth(ms: number, timezone: string, starts: Map<number, number> = new Map()): number {
  const d = new Date(ms);
  const n = monthNumber(d.getUTCFullYear(), d.getUTCMonth());
  const localStart = (m: number) => {
    let s = starts.get(m);
    if (s === undefined) starts.set(m, (s = startOfLocalDay(monthStart(m), timezone).getTime()));
    return s;
  };
  if (d.getUTCDate() === 1) return ms >= localStart(n) ? n : n - 1;
  if (new Date(ms + DAY_MS).getUTCDate() === 1) return ms >= localStart(n + 1) ? n + 1 : n;
  return n;
}

/**
 * The rows COHORTS_SQL gives for a monthly matrix (cohort's first day, size, events per month since enrolment for
 * k in [0, columns)), from keyed counts.
 */
export function monthRows(counts: Iterable<KeyedCount>, timezone: string, columns: number): CohortRow[] {
  const starts = new Map<number, number>();
  const months = new Map<number, number>();
  const month = (ms: number) => {
    let m = months.get(ms);
    if (m === undefined) months.set(ms, (m = localMonth(ms, timezone, starts)));
    return m;
  };
  const rows = new Map<number, { size: number; counts: number[] }>();
  for (const [ek, vk, n] of counts) {
    const c = month(ek);
    let row = rows.get(c);
    if (!row) rows.set(c, (row = { size: 0, counts: new Array<number>(columns).fill(0) }));
    row.size += n;
    if (vk < 0) continue;
    const k = month(vk) - c;
    if (k >= 0 && k < columns) row.counts[k]! += n;
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([c, row]) => ({ cohort: monthStart(c), ...row }));
}
