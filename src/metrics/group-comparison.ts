/**
 * Groups of a cohort compared with the first (the baseline version, the control variant): for every compared
 * metric of the catalog, each group's value and, against the baseline, the difference, its confidence interval
 * and the p-value of the test that fits the metric — the two-proportion z test for rates, Welch's t for means,
 * Mann–Whitney's U with the Bonett–Price interval for the median — and whether it stays significant after Holm's
 * correction across every test shown. The counting is comparison.ts's (in the engine); the statistics are
 * src/stats's pure functions. Rates are answered in percent (differences in percentage points), means in the
 * metric's unit.
 */
import { holm, medianDifference, medianOrderRanks, medianSe, momentsOf, twoProportionZ, welchT, type Comparison } from '../stats/hypothesis.js';
import { metric, type ComparableMetric } from './definitions.js';
import type { GroupCounts, RankFigures } from './comparison.js';

export const ALPHA = 0.05;
export const CONFIDENCE = 0.95;

/** One group's value of one metric (null when it has no execution to measure). */
export interface GroupValue {
  value: number | null;
  /** The executions it is measured on. */
  n: number;
}

export type Verdict = 'better' | 'worse' | 'no_difference' | 'not_enough_data';

export interface MetricComparison {
  metric: ComparableMetric;
  test: Comparison['test'] | null;
  baseline: number | null;
  value: number | null;
  difference: number | null;
  ci: [number, number] | null;
  relative_percent: number | null;
  relative_ci_percent: [number, number] | null;
  statistic: number | null;
  df: number | null;
  p_value: number | null;
  /** Holm-adjusted across every test of the answer. */
  adjusted_p: number | null;
  significant: boolean;
  verdict: Verdict;
}

const scale = (m: ComparableMetric) => (metric(m).kind === 'rate' ? 100 : 1);

/** Each group's value of each metric. */
export function groupValues(counts: GroupCounts, metrics: readonly ComparableMetric[], ranks: Partial<Record<ComparableMetric, RankFigures>>, index: number): Record<string, GroupValue> {
  return Object.fromEntries(metrics.map((name) => {
    const m = metric(name);
    if (m.kind === 'rate') {
      const s = counts.successes[name] ?? 0;
      return [name, { value: counts.enrolled > 0 ? (s / counts.enrolled) * 100 : null, n: counts.enrolled }];
    }
    if (m.kind === 'percentile') {
      const g = ranks[name]?.groups[index];
      return [name, { value: g?.median ?? null, n: g?.n ?? 0 }];
    }
    const mo = counts.moments[name];
    return [name, { value: mo && mo.n > 0 ? mo.sum / mo.n : null, n: mo?.n ?? 0 }];
  }));
}

/** The test of one metric, group `index` against group 0; null when either group has too little to test. */
export function compareMetric(name: ComparableMetric, base: GroupCounts, other: GroupCounts, ranks: RankFigures | undefined, index: number): Comparison | null {
  const m = metric(name);
  if (m.kind === 'rate') {
    if (base.enrolled === 0 || other.enrolled === 0) return null;
    return twoProportionZ({ successes: base.successes[name] ?? 0, n: base.enrolled }, { successes: other.successes[name] ?? 0, n: other.enrolled }, CONFIDENCE);
  }
  if (m.kind === 'percentile') {
    const a = ranks?.groups[0];
    const b = ranks?.groups[index];
    const pair = ranks?.pairs[index - 1];
    if (!a || !b || !pair || a.n < 2 || b.n < 2 || a.median === null || b.median === null) return null;
    const se = (g: typeof a) => medianSe(g.n, g.low ?? g.median!, g.high ?? g.median!, CONFIDENCE);
    return medianDifference({ median: a.median, se: se(a) }, { median: b.median!, se: se(b) }, { n1: a.n, n2: b.n, rankSum1: pair.rank_sum_first, tieTerm: pair.tie_term }, CONFIDENCE);
  }
  const a = base.moments[name];
  const b = other.moments[name];
  if (!a || !b || a.n < 2 || b.n < 2) return null;
  return welchT(momentsOf(a.n, a.sum, a.sum_of_squares), momentsOf(b.n, b.sum, b.sum_of_squares), CONFIDENCE);
}

/** The ranks of the Bonett–Price interval of a median (what rankFigures reads per group). */
export const medianRanks = (n: number) => medianOrderRanks(n, CONFIDENCE);

/** Whether a difference is good news for a metric. */
export function verdictOf(name: ComparableMetric, c: Comparison | null, significant: boolean): Verdict {
  if (!c) return 'not_enough_data';
  if (!significant || c.difference === 0) return 'no_difference';
  const better = metric(name).better;
  if (better === 'neither') return 'no_difference';
  return (c.difference > 0) === (better === 'higher') ? 'better' : 'worse';
}

/**
 * Every group after the first against the first, every metric; Holm's correction across all of those tests
 * (or none: an experiment's guardrails are meant to catch harm, so each is tested on its own).
 * `groups[i]` are the counts, `ranks` the order figures of percentile metrics.
 */
export function compareGroups(
  groups: readonly GroupCounts[], metrics: readonly ComparableMetric[], ranks: Partial<Record<ComparableMetric, RankFigures>>,
  o: { correction?: 'holm' | 'none'; alpha?: number } = {},
): MetricComparison[][] {
  const alpha = o.alpha ?? ALPHA;
  const raw = groups.slice(1).map((g, j) => metrics.map((name) => ({ name, c: compareMetric(name, groups[0]!, g, ranks[name], j + 1) })));
  const tested = raw.flat().filter((x) => x.c !== null);
  const adjusted = o.correction === 'none'
    ? tested.map((x) => ({ adjusted_p: x.c!.p_value, significant: x.c!.p_value < alpha }))
    : holm(tested.map((x) => x.c!.p_value), alpha);
  const adjustedOf = new Map(tested.map((x, i) => [x, adjusted[i]!]));
  return raw.map((row) =>
    row.map((x) => {
      const adj = adjustedOf.get(x);
      const c = x.c;
      const k = scale(x.name);
      const significant = adj?.significant ?? false;
      return {
        metric: x.name,
        test: c?.test ?? null,
        baseline: c ? c.baseline * k : null,
        value: c ? c.treatment * k : null,
        difference: c ? c.difference * k : null,
        ci: c ? [c.ci[0] * k, c.ci[1] * k] : null,
        relative_percent: c?.relative != null ? c.relative * 100 : null,
        relative_ci_percent: c?.relative_ci ? [c.relative_ci[0] * 100, c.relative_ci[1] * 100] : null,
        statistic: c?.statistic ?? null,
        df: c?.df ?? null,
        p_value: c?.p_value ?? null,
        adjusted_p: adj?.adjusted_p ?? null,
        significant,
        verdict: verdictOf(x.name, c, significant),
      };
    }),
  );
}
