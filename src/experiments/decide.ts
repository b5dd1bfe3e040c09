/**
 * The decision rule of an experiment (its `decision_rule`), evaluated on its results. A variant wins when all of
 * these hold:
 * 1. no sample-ratio mismatch (a flagged experiment never gets a winner: its split is broken, so are its numbers);
 * 2. every variant has at least `minimum_sample_per_variant` enrolled executions, and the experiment has run
 *    `minimum_days` days;
 * 3. its primary metric beats the control:
 *    - `sequential` (default): the always-valid p-value is below alpha ÷ (variants − 1) (Bonferroni across the
 *      variants, so the chance that any A/A variant is declared a winner stays ≤ alpha however often it is looked at),
 *      with the difference in the better direction;
 *    - `bayesian`: the chance to beat the control is at least `chance_to_beat` and the expected loss of choosing it
 *      is below `max_expected_loss` (rates only);
 *    - `either`: one of the two;
 * 4. no guardrail is significantly worse than the control (each tested on its own at alpha, uncorrected: the
 *    cautious side when the question is harm).
 * Of the variants that win, the one with the best primary difference is the winner. The control is the winner
 * when every variant is, by the same test, worse than it on the primary metric (conditions 1 and 2 holding).
 * Otherwise the experiment continues, with the reasons.
 */
import type { EvaluationOut, ExperimentResultsResponse as ExperimentResults } from '../contract/comparison.js';
import { formatMetricValue } from '../format/index.js';
import { metric } from '../metrics/definitions.js';
import type { Experiment } from './model.js';

type Arm = ExperimentResults['arms'][number];

const fmt = (x: number, digits = 4) => Number(x.toPrecision(digits)).toString();

/** A metric's value in its unit, for the reasons a person reads (the shared formats: "12.5%", "3 h 12 min", "$0.012"). */
function inUnit(name: string, x: number | null): string {
  return x === null ? 'no value' : formatMetricValue(x, metric(name).unit, 'en-US');
}
const labelOf = (name: string) => metric(name).label.toLowerCase();

/** Whether an arm's primary metric beats (+1) or loses to (−1) the control under the rule, or neither (0), and why. */
function primaryVerdict(e: Experiment, arm: Arm, arms: number): { sign: -1 | 0 | 1; why: string } {
  const rule = e.decision_rule;
  const better = metric(e.primary_metric).better;
  const good = (difference: number) => (better === 'lower' ? difference < 0 : difference > 0);
  const alpha = rule.alpha / Math.max(1, arms);
  const seq = arm.sequential;
  const diff = arm.primary.difference;
  let sequentialSign: -1 | 0 | 1 = 0;
  let sequentialWhy = `${arm.variant}: the sequential test has no data yet`;
  if (seq && diff !== null) {
    sequentialSign = seq.p_value < alpha ? (good(diff) ? 1 : -1) : 0;
    sequentialWhy = `${arm.variant}: always-valid p = ${fmt(seq.p_value)} ${seq.p_value < alpha ? '<' : '≥'} ${fmt(alpha)}`;
  }
  let bayesSign: -1 | 0 | 1 = 0;
  let bayesWhy = `${arm.variant}: no Bayesian result (the primary metric is not a rate, or a variant has no enrollments)`;
  if (arm.bayesian) {
    const b = arm.bayesian;
    const wins = b.chance_to_beat >= rule.chance_to_beat && b.expected_loss < rule.max_expected_loss;
    const loses = 1 - b.chance_to_beat >= rule.chance_to_beat;
    bayesSign = wins ? 1 : loses ? -1 : 0;
    bayesWhy = `${arm.variant}: chance to beat control ${fmt(b.chance_to_beat * 100, 3)}% (needs ≥ ${fmt(rule.chance_to_beat * 100, 3)}%), expected loss ${fmt(b.expected_loss)} (needs < ${fmt(rule.max_expected_loss)})`;
  }
  if (rule.method === 'sequential') return { sign: sequentialSign, why: sequentialWhy };
  if (rule.method === 'bayesian') return { sign: bayesSign, why: bayesWhy };
  const sign = sequentialSign === 1 || bayesSign === 1 ? 1 : sequentialSign === -1 || bayesSign === -1 ? -1 : 0;
  return { sign, why: `${sequentialWhy}; ${bayesWhy}` };
}

/** The decision rule on the results (everything but the evaluation itself). */
export function evaluate(e: Experiment, r: Omit<ExperimentResults, 'evaluation'>): EvaluationOut {
  const reasons: string[] = [];
  let blocked = false;
  if (r.srm.flagged) {
    blocked = true;
    reasons.push(`Sample-ratio mismatch: enrolled ${r.variants.map((v) => `${v.key} ${v.enrolled}`).join(', ')} against planned shares ${r.variants.map((v) => `${fmt(v.planned_share * 100, 3)}%`).join('/')} (χ² test p = ${r.srm.p_value.toExponential(2)}, below ${r.srm.threshold}: so uneven a split happens by chance less than once in a thousand); no winner until the assignment is fixed`);
  }
  if (!r.sample.reached) {
    blocked = true;
    reasons.push(`Minimum sample not reached: ${r.variants.map((v) => `${v.key} ${v.enrolled}`).join(', ')} of ${r.sample.minimum_per_variant} each`);
  }
  if (!r.sample.days_reached) {
    blocked = true;
    reasons.push(`Minimum run time not reached: ${fmt(r.sample.days_running, 3)} of ${r.sample.minimum_days} days`);
  }
  const verdicts = r.arms.map((arm) => ({ arm, ...primaryVerdict(e, arm, r.arms.length) }));
  const harmed = new Set<string>();
  for (const arm of r.arms) {
    for (const g of arm.guardrails) {
      if (g.verdict === 'worse') {
        harmed.add(arm.variant);
        reasons.push(`${arm.variant}: guardrail ${labelOf(g.metric)} is significantly worse (${inUnit(g.metric, g.value)} against ${inUnit(g.metric, g.baseline)}, p = ${fmt(g.p_value ?? 1)})`);
      }
    }
  }
  for (const v of verdicts) reasons.push(v.why);
  if (blocked) return { outcome: 'continue', winner: null, reasons };

  const better = metric(e.primary_metric).better;
  const winners = verdicts.filter((v) => v.sign === 1 && !harmed.has(v.arm.variant));
  if (winners.length > 0) {
    const key = (v: (typeof winners)[number]) => (v.arm.primary.difference ?? 0) * (better === 'lower' ? -1 : 1);
    const best = winners.reduce((a, b) => (key(b) > key(a) ? b : a));
    reasons.unshift(`${best.arm.variant} wins on ${labelOf(e.primary_metric)}: ${inUnit(e.primary_metric, best.arm.primary.value)} against ${inUnit(e.primary_metric, best.arm.primary.baseline)} for ${r.control}`);
    return { outcome: 'winner', winner: best.arm.variant, reasons };
  }
  if (verdicts.length > 0 && verdicts.every((v) => v.sign === -1)) {
    reasons.unshift(`The control ${r.control} wins: every variant is worse on ${labelOf(e.primary_metric)}`);
    return { outcome: 'winner', winner: r.control, reasons };
  }
  reasons.unshift('No variant is yet a winner under the rule');
  return { outcome: 'continue', winner: null, reasons };
}
