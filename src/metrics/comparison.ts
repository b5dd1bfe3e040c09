/**
 * The counts a comparison between groups of one workflow's cohort tests (versions of the workflow, variants of
 * an experiment): per group and per local day of enrolment, the executions enrolled, the numerator of every
 * compared rate, and for every compared mean the count, sum and sum of squares of its per-execution values —
 * one statement, grouped in the engine. Day by day, so that an experiment's sequential test sees each day's
 * cumulative figures (its "looks"); the totals are the days summed.
 *
 * Medians need more than moments: `rankFigures` counts, per distinct per-execution value, the executions of each
 * group, and from those (in the engine, with window sums) each group's median and the two order statistics of
 * its distribution-free interval, and for every group against the first the rank sum of the first in the pooled
 * sample and the tie term Σ(t³ − t) — what Mann–Whitney's U needs, without a row leaving the engine. (The median
 * duration inside the raw window comes instead from the groups' exact summary day states: the query service's
 * durationRanks, equal to this statement's figures.)
 *
 * Which metrics, how their rows are counted and what one execution's value is all come from the catalog
 * (definitions.ts); the group values and the period travel as parameters.
 */
import type { Store } from '../store/store.js';
import { metric, type ComparableMetric, type MetricDefinition } from './definitions.js';
import { COHORT, factsFilter, filterParams, type Scope } from './scope.js';

/** Which column tells the groups apart. */
export type GroupBy = 'version' | 'variant';
const GROUP_SQL: Record<GroupBy, string> = { version: 'toString(workflow_version)', variant: 'variant' };

/** An instant window of enrolment and the timezone whose days are the looks. */
export interface Window {
  from: Date;
  to: Date;
  timezone: string;
}

export interface MomentSums {
  n: number;
  sum: number;
  sum_of_squares: number;
}

/** One group's figures (over a day, or summed over the days). */
export interface GroupCounts {
  enrolled: number;
  /** Rate metrics: the executions counted by the numerator. */
  successes: Partial<Record<ComparableMetric, number>>;
  /** Mean metrics: the moments of the per-execution values. */
  moments: Partial<Record<ComparableMetric, MomentSums>>;
  /** Percentile metrics: the executions that have a value (what rankFigures ranks). */
  measured?: Partial<Record<ComparableMetric, number>>;
}

export interface GroupDay extends GroupCounts {
  group: string;
  /** Local date (YYYY-MM-DD) of enrolment in the window's timezone. */
  day: string;
}

const kindOf = (m: MetricDefinition): 'rate' | 'mean' | 'percentile' => {
  if (m.kind === 'rate') return 'rate';
  if (m.kind === 'mean') return 'mean';
  if (m.kind === 'percentile') return 'percentile';
  throw new Error(`${m.name} cannot be compared`);
};

/** The numerator's condition of a rate (the catalog's count metric it divides). */
function rateCondition(m: MetricDefinition): string {
  const numerator = metric(m.ratio!.numerator);
  return numerator.sql;
}

function perExecution(m: MetricDefinition): { value: string; where: string } {
  if (!m.perExecution) throw new Error(`${m.name} has no per-execution value`);
  return m.perExecution;
}

/** Column aliases are metric indices (never names from input). */
function aggregates(metrics: readonly ComparableMetric[]): string[] {
  return metrics.flatMap((name, i) => {
    const m = metric(name);
    const kind = kindOf(m);
    if (kind === 'rate') return [`countIf(${rateCondition(m)}) AS s${i}`];
    const { value, where } = perExecution(m);
    if (kind === 'percentile') return [`countIf(${where}) AS n${i}`];
    return [`countIf(${where}) AS n${i}`, `sumIf(${value}, ${where}) AS m${i}`, `sumIf(pow(${value}, 2), ${where}) AS q${i}`];
  });
}

const cohortRows = (scope: Scope, by: GroupBy) => `
  FROM execution_facts FINAL
  WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND ${COHORT} AND ${factsFilter(scope)}
    AND ${GROUP_SQL[by]} IN {groups:Array(String)}`;

const paramsOf = (scope: Scope, window: Window, groups: readonly string[]) => ({
  account: scope.account, workflow: scope.workflow, from: window.from, to: window.to, tz: window.timezone, groups, ...filterParams(scope),
});

/** Per day and group: enrolled, rate numerators, mean moments and how many executions each percentile ranks (see rankFigures). */
export async function dailyGroupCounts(store: Store, scope: Scope, window: Window, by: GroupBy, groups: readonly string[], metrics: readonly ComparableMetric[]): Promise<GroupDay[]> {
  const rows = await store.query<Record<string, number | string>>(
    `SELECT toString(toDate(enrolled_at, {tz:String})) AS day, ${GROUP_SQL[by]} AS grp, count() AS enrolled${aggregates(metrics).map((a) => `, ${a}`).join('')}
     ${cohortRows(scope, by)}
     GROUP BY day, grp ORDER BY day, grp`,
    paramsOf(scope, window, groups),
  );
  return rows.map((r) => {
    const out: GroupDay = { day: String(r.day), group: String(r.grp), enrolled: Number(r.enrolled), successes: {}, moments: {} };
    metrics.forEach((name, i) => {
      const kind = kindOf(metric(name));
      if (kind === 'rate') out.successes[name] = Number(r[`s${i}`]);
      if (kind === 'mean') out.moments[name] = { n: Number(r[`n${i}`]), sum: Number(r[`m${i}`]), sum_of_squares: Number(r[`q${i}`]) };
      if (kind === 'percentile') (out.measured ??= {})[name] = Number(r[`n${i}`]);
    });
    return out;
  });
}

/** Days summed: one GroupCounts per group, in the order of `groups` (a group without executions counts zeros). */
export function totalsByGroup(days: readonly GroupDay[], groups: readonly string[]): GroupCounts[] {
  return groups.map((g) => {
    const total: GroupCounts = { enrolled: 0, successes: {}, moments: {} };
    for (const d of days) if (d.group === g) addCounts(total, d);
    return total;
  });
}

/** Adds b's counts into a. */
export function addCounts(a: GroupCounts, b: GroupCounts): void {
  a.enrolled += b.enrolled;
  for (const [k, v] of Object.entries(b.successes) as Array<[ComparableMetric, number]>) a.successes[k] = (a.successes[k] ?? 0) + v;
  for (const [k, v] of Object.entries(b.moments) as Array<[ComparableMetric, MomentSums]>) {
    const m = (a.moments[k] ??= { n: 0, sum: 0, sum_of_squares: 0 });
    m.n += v.n;
    m.sum += v.sum;
    m.sum_of_squares += v.sum_of_squares;
  }
  for (const [k, v] of Object.entries(b.measured ?? {}) as Array<[ComparableMetric, number]>) (a.measured ??= {})[k] = (a.measured[k] ?? 0) + v;
}

/** A group's order statistics of a percentile metric's per-execution values. */
export interface GroupOrder {
  n: number;
  /** quantileExact(0.5): the value of rank ⌊n/2⌋ + 1 (the upper middle of an even count), as the catalog's median. */
  median: number | null;
  /** The values of the ranks asked for the median's interval. */
  low: number | null;
  high: number | null;
}

/** Against the first group, for each other group: the first group's rank sum in the two pooled, and Σ(t³ − t) of its ties. */
export interface PairRanks {
  rank_sum_first: number;
  tie_term: number;
}

export interface RankFigures {
  groups: GroupOrder[];
  /** One per group after the first (index 0 = the second group). */
  pairs: PairRanks[];
}

/**
 * A percentile metric's order statistics per group and the rank sums against the first group, in one statement.
 * `n`: each group's count of values (GroupCounts.measured, counted with the groups' other figures);
 * `ranks(n)` gives the 1-based ranks [low, high] of a group of n values whose values are wanted (the median's interval).
 */
export async function rankFigures(
  store: Store, scope: Scope, window: Window, by: GroupBy, groups: readonly string[], name: ComparableMetric,
  n: readonly number[], ranks: (n: number) => { low: number; high: number },
): Promise<RankFigures> {
  const { value, where } = perExecution(metric(name));
  const params = paramsOf(scope, window, groups);
  const k = groups.length;
  const idx = [...Array(k).keys()];
  const wanted = n.map((x) => (x > 0 ? ranks(x) : { low: 0, high: 0 }));
  const rankParams = Object.fromEntries(idx.flatMap((i) => [[`mid${i}`, Math.floor(n[i]! / 2) + 1], [`lo${i}`, wanted[i]!.low], [`hi${i}`, wanted[i]!.high]]));
  // h: per distinct value, the executions of each group (c0…), and the running counts up to it (r0…)
  const row = (await store.query<Record<string, number | null>>(
    `SELECT ${[
      ...idx.flatMap((i) => [
        `if(max(r${i}) >= {mid${i}:UInt64}, minIf(v, r${i} >= {mid${i}:UInt64}), NULL) AS med${i}`,
        `if(max(r${i}) >= {lo${i}:UInt64} AND {lo${i}:UInt64} > 0, minIf(v, r${i} >= {lo${i}:UInt64}), NULL) AS low${i}`,
        `if(max(r${i}) >= {hi${i}:UInt64} AND {hi${i}:UInt64} > 0, minIf(v, r${i} >= {hi${i}:UInt64}), NULL) AS high${i}`,
      ]),
      // pooled with the first group: values before this one + the average rank within the tie
      ...idx.slice(1).flatMap((i) => [
        `sum(c0 * ((r0 - c0) + (r${i} - c${i}) + (c0 + c${i} + 1) / 2)) AS rs${i}`,
        `sum(pow(c0 + c${i}, 3) - (c0 + c${i})) AS tie${i}`,
      ]),
    ].join(', ')}
     FROM (
       SELECT v, ${idx.map((i) => `c${i}, sum(c${i}) OVER w AS r${i}`).join(', ')}
       FROM (
         SELECT ${value} AS v, ${idx.map((i) => `countIf(grp_i = ${i}) AS c${i}`).join(', ')}
         FROM (SELECT *, indexOf({groups:Array(String)}, ${GROUP_SQL[by]}) - 1 AS grp_i ${cohortRows(scope, by)} AND ${where})
         GROUP BY v
       )
       WINDOW w AS (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
     )`,
    { ...params, ...rankParams },
  ))[0] ?? {};
  const num = (x: number | null | undefined) => (x === null || x === undefined ? null : Number(x));
  return {
    groups: idx.map((i) => ({ n: n[i]!, median: num(row[`med${i}`]), low: num(row[`low${i}`]), high: num(row[`high${i}`]) })),
    pairs: idx.slice(1).map((i) => ({ rank_sum_first: Number(row[`rs${i}`] ?? 0), tie_term: Number(row[`tie${i}`] ?? 0) })),
  };
}

/** The groups with enrolments in the window, ascending (versions numerically), at most `limit`. */
export async function groupsPresent(store: Store, scope: Scope, window: Window, by: GroupBy, limit: number): Promise<string[]> {
  const rows = await store.query<{ grp: string }>(
    `SELECT DISTINCT ${GROUP_SQL[by]} AS grp FROM execution_facts FINAL
     WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND ${COHORT} AND ${factsFilter(scope)}
     ORDER BY ${by === 'version' ? 'toUInt32OrZero(grp)' : 'grp'} LIMIT {limit:UInt32}`,
    { ...paramsOf(scope, window, []), limit },
  );
  return rows.map((r) => String(r.grp));
}
