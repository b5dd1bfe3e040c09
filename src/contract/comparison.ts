/**
 * Comparisons with statistics: a workflow's versions side by side (GET /api/v1/workflows/{id}/analytics/versions)
 * and A/B experiments (/api/v1/experiments): their definition, assignment, results and decisions.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Dict, Int, NullNum, NullStr, Num, obj, PeriodSchema } from './common.js';

const Pair = Type.Tuple([Num, Num]);
const NullPair = Type.Union([Pair, Type.Null()]);

export const COMPARABLE_METRICS = ['completion_rate', 'conversion_rate', 'failure_rate', 'duration_hours', 'duration_hours_p50', 'cost_per_execution'] as const;
export type ComparableMetricName = (typeof COMPARABLE_METRICS)[number];
export const ComparableMetricSchema = Type.Unsafe<ComparableMetricName>({ type: 'string', enum: [...COMPARABLE_METRICS], description: 'a metric of GET /api/v1/metrics that comparisons test' });

export const GroupValueSchema = obj({ value: NullNum, n: Int }, 'rates in percent, means in the metric\'s unit; n: the executions it is measured on');

export const MetricComparisonSchema = obj(
  {
    metric: ComparableMetricSchema,
    test: Type.Union([Type.Literal('two_proportion_z'), Type.Literal('welch_t'), Type.Literal('mann_whitney_u'), Type.Null()], { description: 'null when either side has too little data' }),
    baseline: NullNum,
    value: NullNum,
    difference: Type.Union([Num, Type.Null()], { description: 'value − baseline (percentage points for rates)' }),
    ci: Type.Union([Pair, Type.Null()], { description: '95% confidence interval of the difference' }),
    relative_percent: Type.Union([Num, Type.Null()], { description: 'difference ÷ baseline × 100' }),
    relative_ci_percent: NullPair,
    statistic: NullNum,
    df: NullNum,
    p_value: NullNum,
    adjusted_p: Type.Union([Num, Type.Null()], { description: 'Holm-adjusted across the tests of the answer' }),
    significant: Type.Boolean(),
    verdict: Type.Union([Type.Literal('better'), Type.Literal('worse'), Type.Literal('no_difference'), Type.Literal('not_enough_data')]),
  },
  'one metric of one group against the baseline',
);
export type MetricComparisonOut = Static<typeof MetricComparisonSchema>;

export const VersionsResponse = obj({
  workflow_id: Type.String(),
  period: PeriodSchema,
  baseline: Type.Integer({ description: 'the version the others are compared with (the first asked)' }),
  alpha: Num,
  correction: Type.Literal('holm'),
  versions: Type.Array(obj({ version: Int, enrolled: Int, metrics: Dict(GroupValueSchema) })),
  comparisons: Type.Array(obj({ version: Int, metrics: Type.Array(MetricComparisonSchema) }), { description: 'every version after the baseline against it' }),
});
export type VersionsResponse = Static<typeof VersionsResponse>;

// ---- experiments ----

export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped', 'decided'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];
export const DECISION_METHODS = ['sequential', 'bayesian', 'either'] as const;
export type DecisionMethod = (typeof DECISION_METHODS)[number];

export const VariantSchema = obj({ key: Type.String(), weight: Num, description: Type.String() });

export const PowerPlanSchema = obj(
  {
    baseline_rate_percent: Num,
    mde_relative_percent: Num,
    alpha: Num,
    power: Num,
    sample_size_per_variant: Type.Integer({ description: 'enrollments each variant needs to detect the effect (two-proportion test, two-sided)' }),
  },
  'the planned power analysis of the primary metric',
);

export const DecisionRuleSchema = obj({
  method: Type.Unsafe<DecisionMethod>({ type: 'string', enum: [...DECISION_METHODS] }),
  alpha: Num,
  chance_to_beat: Num,
  max_expected_loss: Type.Number({ description: 'in the primary metric\'s unit (percentage points for rates)' }),
  auto_rollout: Type.Boolean(),
});

export const ExperimentOut = obj({
  experiment_id: Type.String(),
  workflow_id: Type.String(),
  name: Type.String(),
  hypothesis: Type.String(),
  status: Type.Unsafe<ExperimentStatus>({ type: 'string', enum: [...EXPERIMENT_STATUSES] }),
  variants: Type.Array(VariantSchema, { description: 'the first is the control' }),
  primary_metric: ComparableMetricSchema,
  secondary_metrics: Type.Array(ComparableMetricSchema),
  guardrail_metrics: Type.Array(ComparableMetricSchema),
  minimum_sample_per_variant: Int,
  minimum_days: Int,
  power: Type.Union([PowerPlanSchema, Type.Null()], { description: 'null when the primary metric is not a rate' }),
  decision_rule: DecisionRuleSchema,
  timezone: Type.String(),
  notify: obj({ emails: Type.Array(Type.String()), webhook_url: NullStr }),
  started_at: NullStr,
  stopped_at: NullStr,
  decided_at: NullStr,
  winner: Type.Union([Type.String(), Type.Null()], { description: 'the variant decided on' }),
  rollout: Type.Union([Type.String(), Type.Null()], { description: 'the variant every contact is assigned now (after a decision with auto_rollout), null while the split holds' }),
  salt: Type.String({ description: 'what assignment hashes a contact id with (the SDK assigns locally with it, as POST …/assign does)' }),
  created_by: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type ExperimentOut = Static<typeof ExperimentOut>;

export const ExperimentsResponse = obj({ experiments: Type.Array(ExperimentOut) });
export type ExperimentsResponse = Static<typeof ExperimentsResponse>;

export const AssignmentOut = obj({
  experiment_id: Type.String(),
  contact_id: Type.String(),
  variant: Type.String(),
  reason: Type.Union([Type.Literal('split'), Type.Literal('rollout')], { description: 'split: by the hash and the weights; rollout: every contact gets the winner' }),
  bucket: Type.Number({ description: 'the contact\'s position in [0, 1) for this experiment (hash of salt and contact)' }),
});
export type AssignmentOut = Static<typeof AssignmentOut>;

const BayesSchema = Type.Union([
  obj({
    chance_to_beat: Type.Number({ description: 'posterior probability that the variant is better than the control' }),
    expected_loss: Type.Number({ description: 'expected loss of choosing the variant, in the metric\'s unit' }),
    control: obj({ mean: Num, ci: Pair }),
    variant: obj({ mean: Num, ci: Pair }),
  }, 'Beta-Binomial posteriors with a uniform Beta(1, 1) prior (rates only)'),
  Type.Null(),
]);

const SequentialSchema = Type.Union([
  obj({
    p_value: Type.Number({ description: 'always-valid p-value (mixture SPRT, running minimum over the daily looks)' }),
    ci: Type.Union([Pair, Type.Null()], { description: 'always-valid confidence sequence of the difference at the last look' }),
    looks: Int,
    significant: Type.Boolean(),
  }, 'valid whenever it is looked at'),
  Type.Null(),
]);

export const VariantResultSchema = obj({
  key: Type.String(),
  weight: Num,
  planned_share: Type.Number({ description: 'weight ÷ total weight, a fraction of 1' }),
  enrolled: Int,
  share: Type.Union([Type.Number(), Type.Null()], { description: 'enrolled ÷ all enrolled, a fraction of 1 (null before any enrollment)' }),
  assigned: Int,
  metrics: Dict(GroupValueSchema),
});

export const ArmResultSchema = obj({
  variant: Type.String(),
  primary: MetricComparisonSchema,
  bayesian: BayesSchema,
  sequential: SequentialSchema,
  secondary: Type.Array(MetricComparisonSchema, { description: 'Holm-corrected across the secondary metrics and variants' }),
  guardrails: Type.Array(MetricComparisonSchema, { description: 'uncorrected: a guardrail is meant to catch harm' }),
});

export const EvaluationSchema = obj({
  outcome: Type.Union([Type.Literal('winner'), Type.Literal('continue')]),
  winner: NullStr,
  reasons: Type.Array(Type.String(), { description: 'why this outcome, one sentence per rule checked' }),
});
export type EvaluationOut = Static<typeof EvaluationSchema>;

export const ExperimentResultsResponse = obj({
  experiment_id: Type.String(),
  status: Type.Unsafe<ExperimentStatus>({ type: 'string', enum: [...EXPERIMENT_STATUSES] }),
  window: obj({ from: NullStr, to: NullStr, timezone: Type.String(), days: Int }),
  control: Type.String(),
  variants: Type.Array(VariantResultSchema),
  srm: obj({ chi2: Num, df: Int, p_value: Num, flagged: Type.Boolean(), threshold: Num }, 'sample-ratio mismatch: enrolled executions per variant against the planned weights'),
  arms: Type.Array(ArmResultSchema, { description: 'every variant after the control against it' }),
  sample: obj({ minimum_per_variant: Int, reached: Type.Boolean(), minimum_days: Int, days_running: Num, days_reached: Type.Boolean() }),
  evaluation: EvaluationSchema,
});
export type ExperimentResultsResponse = Static<typeof ExperimentResultsResponse>;

export const DecisionOut = obj({
  decision_id: Type.String(),
  experiment_id: Type.String(),
  decided_at: Type.String(),
  source: Type.Union([Type.Literal('rule'), Type.Literal('manual'), Type.Literal('rollback')]),
  winner: NullStr,
  rolled_out: Type.Boolean(),
  reasons: Type.Array(Type.String()),
  evidence: Type.Unknown({ description: 'the results the decision was made on' }),
  webhook_status: Type.String(),
  email_status: Type.String(),
});
export type DecisionOut = Static<typeof DecisionOut>;
export const DecisionsResponse = obj({ decisions: Type.Array(DecisionOut) });
export type DecisionsResponse = Static<typeof DecisionsResponse>;
