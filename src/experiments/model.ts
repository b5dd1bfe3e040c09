/**
 * An A/B experiment on one workflow: what a user defines (ExperimentInput: variants with traffic weights, the
 * first the control; a primary metric, secondary and guardrail metrics from the catalog's comparable ones; the
 * minimum sample and run time; the planned power analysis; the decision rule; who is notified) and what it
 * becomes (Experiment: the definition with its defaults filled in, a random salt for assignment, its status
 * draft → running → stopped → decided, the winner and the rollout).
 */
import { Type, type Static } from '@sinclair/typebox';
import { randomBytes, randomUUID } from 'node:crypto';
import { COMPARABLE_METRICS, DECISION_METHODS, type ExperimentOut } from '../contract/comparison.js';
import { InvalidInput, type FieldError } from '../errors/domain-errors.js';
import { metric, type ComparableMetric } from '../metrics/definitions.js';
import { webhookUrlProblem } from '../net/webhook-target.js';
import { sampleSizeTwoProportions } from '../stats/power.js';
import { resolveTimezone } from '../time/timezones.js';

const Metric = Type.Union(COMPARABLE_METRICS.map((m) => Type.Literal(m)));

export const ExperimentInput = Type.Object(
  {
    workflow_id: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    hypothesis: Type.Optional(Type.String({ maxLength: 2000 })),
    variants: Type.Array(
      Type.Object(
        {
          key: Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s]+$', description: 'the value enrollments carry in `variant`' }),
          weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'traffic weight, default 1 (shares are weight ÷ total)' })),
          description: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 10, description: 'the first is the control' },
    ),
    primary_metric: Metric,
    secondary_metrics: Type.Optional(Type.Array(Metric, { maxItems: 6, uniqueItems: true })),
    guardrail_metrics: Type.Optional(Type.Array(Metric, { maxItems: 6, uniqueItems: true, description: 'default: failure_rate, cost_per_execution, duration_hours' })),
    minimum_sample_per_variant: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e9, description: 'default: the power analysis\' sample size (1,000 for a primary metric that is not a rate)' })),
    minimum_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, description: 'default 7 (a full week of weekdays)' })),
    power: Type.Optional(
      Type.Object(
        {
          baseline_rate_percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100, description: 'default: the workflow\'s rate over the last 30 days' })),
          mde_relative_percent: Type.Optional(Type.Number({ minimum: 0.1, maximum: 1000, description: 'minimum detectable effect relative to the baseline, default 10' })),
          alpha: Type.Optional(Type.Number({ minimum: 0.0001, maximum: 0.5, description: 'default 0.05' })),
          power: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.999, description: 'default 0.8' })),
        },
        { additionalProperties: false },
      ),
    ),
    decision_rule: Type.Optional(
      Type.Object(
        {
          method: Type.Optional(Type.Union(DECISION_METHODS.map((m) => Type.Literal(m)), { description: 'sequential (default): the always-valid test; bayesian: chance to beat and expected loss; either' })),
          alpha: Type.Optional(Type.Number({ minimum: 0.0001, maximum: 0.2, description: 'default 0.05' })),
          chance_to_beat: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.9999, description: 'default 0.95' })),
          max_expected_loss: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6, description: 'default 0.1 (percentage points for a rate)' })),
          auto_rollout: Type.Optional(Type.Boolean({ description: 'when a winner is decided, assign every contact to it (default false)' })),
        },
        { additionalProperties: false },
      ),
    ),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA name whose days are the daily looks; default UTC' })),
    notify: Type.Optional(
      Type.Object(
        {
          emails: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 20, uniqueItems: true })),
          webhook_url: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://', description: 'receives a POST with the decision as JSON' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ExperimentInput = Static<typeof ExperimentInput>;

/** An experiment as stored and answered. */
export type Experiment = ExperimentOut;

export const DEFAULT_GUARDRAILS: ComparableMetric[] = ['failure_rate', 'cost_per_execution', 'duration_hours'];
export const DEFAULT_MINIMUM_DAYS = 7;
export const DEFAULT_SAMPLE_NOT_RATE = 1000;

export interface ModelRules {
  webhookAllowPrivate: boolean;
}

/**
 * The definition checked and completed. `baselineRate` gives the primary rate of the workflow in percent
 * (asked only when the input does not give one; null when the workflow had nothing to measure).
 * Throws InvalidInput naming every field at fault.
 */
export async function definitionOf(input: ExperimentInput, rules: ModelRules, baselineRate: () => Promise<number | null>): Promise<Omit<Experiment, 'experiment_id' | 'status' | 'started_at' | 'stopped_at' | 'decided_at' | 'winner' | 'rollout' | 'created_by' | 'created_at' | 'updated_at' | 'salt'>> {
  const errors: FieldError[] = [];
  const keys = input.variants.map((v) => v.key);
  keys.forEach((k, i) => {
    if (keys.indexOf(k) !== i) errors.push({ path: `/variants/${i}/key`, message: `"${k}" is given twice` });
  });
  const secondary = input.secondary_metrics ?? [];
  const guardrails = input.guardrail_metrics ?? DEFAULT_GUARDRAILS.filter((m) => m !== input.primary_metric);
  if (secondary.includes(input.primary_metric)) errors.push({ path: '/secondary_metrics', message: `${input.primary_metric} is the primary metric` });
  if (guardrails.includes(input.primary_metric)) errors.push({ path: '/guardrail_metrics', message: `${input.primary_metric} is the primary metric` });
  const timezone = resolveTimezone(input.timezone ?? 'UTC');
  if (timezone === undefined) errors.push({ path: '/timezone', message: `unknown timezone "${input.timezone}"` });
  const hook = input.notify?.webhook_url;
  const hookProblem = hook === undefined ? undefined : webhookUrlProblem(hook, rules.webhookAllowPrivate);
  if (hookProblem !== undefined) errors.push({ path: '/notify/webhook_url', message: hookProblem });

  const isRate = metric(input.primary_metric).kind === 'rate';
  let power: Experiment['power'] = null;
  if (isRate && errors.length === 0) {
    const baseline = input.power?.baseline_rate_percent ?? (await baselineRate());
    if (baseline === null || baseline <= 0 || baseline >= 100) {
      errors.push({ path: '/power/baseline_rate_percent', message: `required: the workflow has no ${input.primary_metric} between 0 and 100% over the last 30 days to plan with` });
    } else {
      const plan = { baseline_rate_percent: baseline, mde_relative_percent: input.power?.mde_relative_percent ?? 10, alpha: input.power?.alpha ?? 0.05, power: input.power?.power ?? 0.8 };
      const treated = (baseline / 100) * (1 + plan.mde_relative_percent / 100);
      if (treated >= 1) errors.push({ path: '/power/mde_relative_percent', message: `a ${plan.mde_relative_percent}% lift on ${baseline}% exceeds 100%` });
      else power = { ...plan, sample_size_per_variant: sampleSizeTwoProportions({ baseline: baseline / 100, mde_relative: plan.mde_relative_percent / 100, alpha: plan.alpha, power: plan.power }) };
    }
  } else if (!isRate && input.power !== undefined) {
    errors.push({ path: '/power', message: `the power analysis plans a rate; ${input.primary_metric} is not one (give minimum_sample_per_variant)` });
  }
  if (errors.length > 0) throw new InvalidInput(`Invalid experiment: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);

  return {
    workflow_id: input.workflow_id,
    name: input.name,
    hypothesis: input.hypothesis ?? '',
    variants: input.variants.map((v) => ({ key: v.key, weight: v.weight ?? 1, description: v.description ?? '' })),
    primary_metric: input.primary_metric,
    secondary_metrics: secondary,
    guardrail_metrics: guardrails,
    minimum_sample_per_variant: input.minimum_sample_per_variant ?? power?.sample_size_per_variant ?? DEFAULT_SAMPLE_NOT_RATE,
    minimum_days: input.minimum_days ?? DEFAULT_MINIMUM_DAYS,
    power,
    decision_rule: {
      method: input.decision_rule?.method ?? 'sequential',
      alpha: input.decision_rule?.alpha ?? 0.05,
      chance_to_beat: input.decision_rule?.chance_to_beat ?? 0.95,
      max_expected_loss: input.decision_rule?.max_expected_loss ?? 0.1,
      auto_rollout: input.decision_rule?.auto_rollout ?? false,
    },
    timezone: timezone!,
    notify: { emails: input.notify?.emails ?? [], webhook_url: input.notify?.webhook_url ?? null },
  };
}

/** A new draft. */
export function newExperiment(def: Awaited<ReturnType<typeof definitionOf>>, createdBy: string, now: string): Experiment {
  return {
    ...def,
    experiment_id: randomUUID(),
    status: 'draft',
    started_at: null,
    stopped_at: null,
    decided_at: null,
    winner: null,
    rollout: null,
    created_by: createdBy,
    created_at: now,
    updated_at: now,
    salt: randomBytes(8).toString('hex'),
  };
}
