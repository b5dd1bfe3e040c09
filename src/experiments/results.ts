/**
 * An experiment's results: the cohort of its workflow enrolled while it ran, grouped by variant (the counting
 * is the metrics query service's, in the engine), and against the control:
 * - frequentist tests of the primary metric (Holm across the variants), the secondary metrics (Holm across them
 *   and the variants) and the guardrails (uncorrected: a guardrail is there to catch harm);
 * - for a rate, the Beta-Binomial posteriors (uniform prior): chance to beat the control, expected loss;
 * - the sequential test of the primary metric: the mixture SPRT's always-valid p-value over the daily looks
 *   (cumulative figures at the end of each local day of the experiment's timezone), safe to look at every day;
 * - the sample-ratio-mismatch check: enrolled executions per variant against the planned weights, flagged at
 *   p < 0.001;
 * and the decision rule's evaluation of it all (decide.ts).
 */
import type { ExperimentResultsResponse } from '../contract/comparison.js';
import { addCounts, type GroupCounts } from '../metrics/comparison.js';
import { metric, type ComparableMetric } from '../metrics/definitions.js';
import { compareGroups, groupValues } from '../metrics/group-comparison.js';
import type { MetricsQueryService } from '../metrics/query-service.js';
import { betaPosterior, chanceToBeat, expectedLoss } from '../stats/bayes.js';
import { chiSquareGoodnessOfFit, momentsOf } from '../stats/hypothesis.js';
import { alwaysValidPValues, confidenceSequence, defaultTau2, type Look } from '../stats/sequential.js';
import { evaluate } from './decide.js';
import type { Experiment } from './model.js';
import { DAY_MS } from '../time/calendar.js';

export const SRM_THRESHOLD = 0.001;
/** The window of a running experiment reaches this far: the cohort is the same as up to now, and the answer stays cached until new events. */
const OPEN_END = new Date('2299-12-30T00:00:00Z');

export type ExperimentResults = ExperimentResultsResponse;
type Arm = ExperimentResults['arms'][number];

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

/** The metrics an experiment measures: primary, secondary, guardrails. */
export const metricsOf = (e: Experiment): ComparableMetric[] => unique([e.primary_metric, ...e.secondary_metrics, ...e.guardrail_metrics]);

/** The variance of the difference of a metric's estimates between two groups, and the difference (a sequential look); null when not estimable. */
export function lookOf(name: ComparableMetric, a: GroupCounts, b: GroupCounts): Look | null {
  const m = metric(name);
  if (m.kind === 'rate') {
    if (a.enrolled === 0 || b.enrolled === 0) return null;
    const pa = (a.successes[name] ?? 0) / a.enrolled;
    const pb = (b.successes[name] ?? 0) / b.enrolled;
    const variance = (pa * (1 - pa)) / a.enrolled + (pb * (1 - pb)) / b.enrolled;
    return variance > 0 ? { difference: pb - pa, variance } : null;
  }
  if (m.kind === 'mean') {
    const ma = a.moments[name];
    const mb = b.moments[name];
    if (!ma || !mb || ma.n < 2 || mb.n < 2) return null;
    const x = momentsOf(ma.n, ma.sum, ma.sum_of_squares);
    const y = momentsOf(mb.n, mb.sum, mb.sum_of_squares);
    const variance = x.variance / x.n + y.variance / y.n;
    return variance > 0 ? { difference: y.mean - x.mean, variance } : null;
  }
  return null; // medians: no sequential test (the decision needs a rate or a mean as primary for it)
}

/**
 * The mixing variance τ² of the mixture SPRT: the square of the effect the experiment is planned to detect (the
 * power analysis' minimum detectable effect, absolute), so the test is most sensitive around it; for a mean, a
 * tenth of the control's mean (or 1 when the mean is 0).
 */
export function tau2Of(e: Experiment, control: GroupCounts): number {
  if (e.power) return defaultTau2({ baseline: e.power.baseline_rate_percent / 100, mde_relative: e.power.mde_relative_percent / 100 });
  const mo = control.moments[e.primary_metric];
  const mean = mo && mo.n > 0 ? Math.abs(mo.sum / mo.n) : 0;
  return mean > 0 ? (0.1 * mean) ** 2 : 1;
}

/** The always-valid test of the primary metric over the daily looks of one variant against the control. */
function sequential(e: Experiment, days: Awaited<ReturnType<MetricsQueryService['groups']>>['days'], control: string, variant: string, tau2: number): Arm['sequential'] {
  const name = e.primary_metric;
  const cumulative: Record<string, GroupCounts> = { [control]: { enrolled: 0, successes: {}, moments: {} }, [variant]: { enrolled: 0, successes: {}, moments: {} } };
  const looks: Look[] = [];
  const dates = unique(days.map((d) => d.day)).sort();
  for (const date of dates) {
    for (const d of days) if (d.day === date && (d.group === control || d.group === variant)) addCounts(cumulative[d.group]!, d);
    const look = lookOf(name, cumulative[control]!, cumulative[variant]!);
    if (look) looks.push(look);
  }
  if (looks.length === 0) return null;
  const p = alwaysValidPValues(looks, tau2);
  const last = looks[looks.length - 1]!;
  const k = metric(name).kind === 'rate' ? 100 : 1;
  const ci = confidenceSequence(last, tau2, e.decision_rule.alpha);
  const pValue = p[p.length - 1]!;
  return { p_value: pValue, ci: [ci[0] * k, ci[1] * k], looks: looks.length, significant: pValue < e.decision_rule.alpha };
}

/** The Beta-Binomial comparison of a rate, oriented by which way is better. */
function bayesian(name: ComparableMetric, a: GroupCounts, b: GroupCounts): Arm['bayesian'] {
  const m = metric(name);
  if (m.kind !== 'rate' || a.enrolled === 0 || b.enrolled === 0) return null;
  const pc = betaPosterior({ successes: a.successes[name] ?? 0, n: a.enrolled });
  const pt = betaPosterior({ successes: b.successes[name] ?? 0, n: b.enrolled });
  const lower = m.better === 'lower';
  const loss = expectedLoss(pc, pt);
  return {
    chance_to_beat: lower ? chanceToBeat(pt, pc) : chanceToBeat(pc, pt),
    expected_loss: (lower ? loss.control : loss.treatment) * 100,
    control: { mean: pc.mean * 100, ci: [pc.ci[0] * 100, pc.ci[1] * 100] },
    variant: { mean: pt.mean * 100, ci: [pt.ci[0] * 100, pt.ci[1] * 100] },
  };
}

/** The results of an experiment as of `now`. */
export async function experimentResults(queries: MetricsQueryService, account: string, e: Experiment, assigned: Record<string, number>, now: Date): Promise<ExperimentResults> {
  const keys = e.variants.map((v) => v.key);
  const control = keys[0]!;
  const metrics = metricsOf(e);
  const from = e.started_at ? new Date(e.started_at) : null;
  const end = e.stopped_at ? new Date(e.stopped_at) : null;
  const answer = from
    ? await queries.groups({ account, workflow: e.workflow_id }, { from, to: end ?? OPEN_END, timezone: e.timezone }, 'variant', keys, metrics)
    : { days: [], totals: keys.map(() => ({ enrolled: 0, successes: {}, moments: {} })), ranks: {} };
  const { totals, ranks } = answer;
  const enrolled = totals.map((t) => t.enrolled);
  const total = enrolled.reduce((s, x) => s + x, 0);
  const weightSum = e.variants.reduce((s, v) => s + v.weight, 0);
  const srmTest = total > 0 ? chiSquareGoodnessOfFit(enrolled, e.variants.map((v) => v.weight)) : { chi2: 0, df: keys.length - 1, p_value: 1 };
  const alpha = e.decision_rule.alpha;
  const primary = compareGroups(totals, [e.primary_metric], ranks, { alpha });
  const secondary = compareGroups(totals, e.secondary_metrics, ranks, { alpha });
  const guardrails = compareGroups(totals, e.guardrail_metrics, ranks, { correction: 'none', alpha });
  const tau2 = tau2Of(e, totals[0]!);
  const arms: Arm[] = keys.slice(1).map((key, j) => ({
    variant: key,
    primary: primary[j]![0]!,
    bayesian: bayesian(e.primary_metric, totals[0]!, totals[j + 1]!),
    sequential: sequential(e, answer.days, control, key, tau2),
    secondary: secondary[j]!,
    guardrails: guardrails[j]!,
  }));
  const daysRunning = from ? Math.max(0, ((end ?? now).getTime() - from.getTime()) / DAY_MS) : 0;
  const results: Omit<ExperimentResults, 'evaluation'> = {
    experiment_id: e.experiment_id,
    status: e.status,
    window: { from: e.started_at, to: e.stopped_at, timezone: e.timezone, days: Math.floor(daysRunning) },
    control,
    variants: e.variants.map((v, i) => ({
      key: v.key, weight: v.weight, planned_share: v.weight / weightSum, enrolled: enrolled[i]!, share: total > 0 ? enrolled[i]! / total : null,
      assigned: assigned[v.key] ?? 0, metrics: groupValues(totals[i]!, metrics, ranks, i),
    })),
    srm: { chi2: srmTest.chi2, df: srmTest.df, p_value: srmTest.p_value, flagged: srmTest.p_value < SRM_THRESHOLD, threshold: SRM_THRESHOLD },
    arms,
    sample: {
      minimum_per_variant: e.minimum_sample_per_variant, reached: enrolled.every((n) => n >= e.minimum_sample_per_variant),
      minimum_days: e.minimum_days, days_running: Math.round(daysRunning * 100) / 100, days_reached: daysRunning >= e.minimum_days,
    },
  };
  return { ...results, evaluation: evaluate(e, results) };
}

