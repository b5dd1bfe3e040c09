/** The decision rule on constructed results: each condition blocks a winner on its own; the control can win. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExperimentResultsResponse } from '../contract/comparison.js';
import { evaluate } from './decide.js';
import type { Experiment } from './model.js';

type Results = Omit<ExperimentResultsResponse, 'evaluation'>;
type Comparison = Results['arms'][number]['primary'];

const cmp = (metric: Comparison['metric'], difference: number, p: number, verdict: Comparison['verdict']): Comparison => ({
  metric, test: 'two_proportion_z', baseline: 10, value: 10 + difference, difference, ci: [difference - 1, difference + 1], relative_percent: difference * 10,
  relative_ci_percent: null, statistic: 0, df: null, p_value: p, adjusted_p: p, significant: p < 0.05, verdict,
});

const experiment = (method: 'sequential' | 'bayesian' | 'either' = 'sequential') => ({
  primary_metric: 'conversion_rate', decision_rule: { method, alpha: 0.05, chance_to_beat: 0.95, max_expected_loss: 0.1, auto_rollout: false },
}) as unknown as Experiment;

function results(o: { srm?: boolean; reached?: boolean; days?: boolean; seqP?: number; diff?: number; chance?: number; loss?: number; guardrailWorse?: boolean; arms?: number }): Results {
  const diff = o.diff ?? 2;
  const arm = (variant: string) => ({
    variant,
    primary: cmp('conversion_rate', diff, 0.001, diff > 0 ? 'better' : 'worse'),
    bayesian: { chance_to_beat: o.chance ?? 0.99, expected_loss: o.loss ?? 0.01, control: { mean: 10, ci: [9, 11] as [number, number] }, variant: { mean: 12, ci: [11, 13] as [number, number] } },
    sequential: { p_value: o.seqP ?? 0.001, ci: [1, 3] as [number, number], looks: 10, significant: (o.seqP ?? 0.001) < 0.05 },
    secondary: [],
    guardrails: [cmp('failure_rate', 3, o.guardrailWorse ? 0.001 : 0.5, o.guardrailWorse ? 'worse' : 'no_difference')],
  });
  return {
    experiment_id: 'x', status: 'running', window: { from: null, to: null, timezone: 'UTC', days: 10 }, control: 'A',
    variants: [{ key: 'A', weight: 1, planned_share: 0.5, enrolled: 5000, share: 0.5, assigned: 0, metrics: {} }, { key: 'B', weight: 1, planned_share: 0.5, enrolled: 5000, share: 0.5, assigned: 0, metrics: {} }],
    srm: { chi2: o.srm ? 40 : 0.1, df: 1, p_value: o.srm ? 1e-9 : 0.75, flagged: o.srm ?? false, threshold: 0.001 },
    arms: Array.from({ length: o.arms ?? 1 }, (_, i) => arm(String.fromCharCode(66 + i))),
    sample: { minimum_per_variant: 1000, reached: o.reached ?? true, minimum_days: 7, days_running: 10, days_reached: o.days ?? true },
  };
}

test('all conditions hold: the variant wins', () => {
  assert.deepEqual([evaluate(experiment(), results({})).outcome, evaluate(experiment(), results({})).winner], ['winner', 'B']);
});

test('each condition alone blocks the winner: SRM, sample, run time, a worse guardrail, a sequential p not small enough', () => {
  for (const o of [{ srm: true }, { reached: false }, { days: false }, { guardrailWorse: true }, { seqP: 0.2 }]) {
    const e = evaluate(experiment(), results(o));
    assert.equal(e.outcome, 'continue', JSON.stringify(o));
    assert.equal(e.winner, null);
  }
  assert.match(evaluate(experiment(), results({ srm: true })).reasons.join(' '), /Sample-ratio mismatch/);
  assert.match(evaluate(experiment(), results({ guardrailWorse: true })).reasons.join(' '), /guardrail failure rate is significantly worse/);
});

test('with three variants the sequential p must clear α ÷ 2 (Bonferroni across the variants)', () => {
  assert.equal(evaluate(experiment(), results({ seqP: 0.03, arms: 1 })).outcome, 'winner');
  assert.equal(evaluate(experiment(), results({ seqP: 0.03, arms: 2 })).outcome, 'continue');
});

test('bayesian: chance to beat and expected loss decide; either: one of the two suffices', () => {
  assert.equal(evaluate(experiment('bayesian'), results({ seqP: 0.5, chance: 0.97, loss: 0.05 })).outcome, 'winner');
  assert.equal(evaluate(experiment('bayesian'), results({ seqP: 0.001, chance: 0.9 })).outcome, 'continue');
  assert.equal(evaluate(experiment('bayesian'), results({ chance: 0.99, loss: 0.5 })).outcome, 'continue', 'the expected loss is too high');
  assert.equal(evaluate(experiment('either'), results({ seqP: 0.5, chance: 0.99 })).outcome, 'winner');
});

test('every variant significantly worse: the control wins', () => {
  const e = evaluate(experiment(), results({ diff: -2 }));
  assert.deepEqual([e.outcome, e.winner], ['winner', 'A']);
  assert.match(e.reasons[0]!, /The control A wins/);
});
