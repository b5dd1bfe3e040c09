/**
 * Alert rules: what a user defines (a watched metric of the catalog, a scope — one workflow, each workflow, or
 * the account's workflows together —, a detector and its parameters, the bucket it reads, how often it is
 * evaluated, how long a breach must last before it fires, a severity, labels, the channels it routes to) and the
 * rule as stored (defaults filled in).
 */
import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import { InvalidInput, type FieldError } from '../errors/domain-errors.js';
import { metric, WATCHABLE } from '../metrics/definitions.js';
import { webhookUrlProblem } from '../net/webhook-target.js';
import { resolveTimezone } from '../time/timezones.js';


export const ChannelInput = Type.Union([
  Type.Object({ type: Type.Literal('email'), to: Type.Array(Type.String({ format: 'email', maxLength: 254 }), { minItems: 1, maxItems: 20, uniqueItems: true }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('slack'), webhook_url: Type.String({ maxLength: 2048, pattern: '^https?://', description: 'a Slack incoming webhook URL' }) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('webhook'),
      url: Type.String({ maxLength: 2048, pattern: '^https?://' }),
      secret: Type.String({ minLength: 16, maxLength: 256, description: 'signs each POST: x-flowlens-signature: v1=hex(HMAC-SHA256(secret, "{timestamp}.{body}")), x-flowlens-timestamp' }),
    },
    { additionalProperties: false },
  ),
]);

export const AlertRuleInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    metric: Type.Union(WATCHABLE.map((m) => Type.Literal(m)), { description: 'a metric of GET /api/v1/metrics with watchable: true' }),
    scope: Type.Union([
      Type.Object({ type: Type.Literal('workflow'), workflow_id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
      Type.Object({ type: Type.Literal('each_workflow') }, { additionalProperties: false, description: 'every workflow of the account, each its own alert' }),
      Type.Object({ type: Type.Literal('account') }, { additionalProperties: false, description: 'the account\'s workflows together' }),
    ]),
    detector: Type.Union([
      Type.Object({ type: Type.Literal('threshold'), threshold: Type.Number({ minimum: -1e12, maximum: 1e12 }), direction: Type.Union([Type.Literal('above'), Type.Literal('below')]) }, { additionalProperties: false }),
      Type.Object(
        {
          type: Type.Literal('change'), percent: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'relative change that breaches, in percent of the earlier value' }),
          direction: Type.Union([Type.Literal('above'), Type.Literal('below'), Type.Literal('both')]),
          against: Type.Optional(Type.Union([Type.Literal('previous'), Type.Literal('day_before'), Type.Literal('week_before')])),
        },
        { additionalProperties: false, description: 'the last bucket against the one before it (previous), the same bucket a day or a week earlier' },
      ),
      Type.Object(
        {
          type: Type.Literal('anomaly'), sensitivity: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')])), direction: Type.Optional(Type.Union([Type.Literal('above'), Type.Literal('below'), Type.Literal('both')])),
        },
        { additionalProperties: false, description: 'seasonal baseline (hour of week / hour of day / day of week) with a robust band from the median absolute deviation' },
      ),
    ]),
    bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')])),
    min_volume: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e9, description: 'a bucket resting on fewer executions (events, durations) never breaches; default 20 for rates and percentiles, 0 otherwise' })),
    interval_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'how often it is evaluated, default 5' })),
    for_minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080, description: 'how long a breach must last before the alert fires (pending until then), default 0' })),
    severity: Type.Optional(Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')])),
    labels: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), { maxProperties: 10 })),
    channels: Type.Array(ChannelInput, { maxItems: 10 }),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the local time whose hours and weekdays the seasonal baseline knows; default UTC' })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AlertRuleInput = Static<typeof AlertRuleInput>;
export type Channel = Static<typeof ChannelInput>;

export interface AlertRule {
  rule_id: string;
  name: string;
  description: string;
  metric: string;
  scope: AlertRuleInput['scope'];
  detector: AlertRuleInput['detector'];
  bucket: 'hour' | 'day';
  min_volume: number;
  interval_minutes: number;
  for_minutes: number;
  severity: 'info' | 'warning' | 'critical';
  labels: Record<string, string>;
  channels: Channel[];
  timezone: string;
  enabled: boolean;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface RuleChecks {
  webhookAllowPrivate: boolean;
  workflowExists: (id: string) => Promise<boolean>;
}

/** The rule checked and completed, or InvalidInput naming every field at fault. */
export async function ruleOf(input: AlertRuleInput, checks: RuleChecks, base: { rule_id?: string; created_by: string; created_at?: string }, now: string): Promise<AlertRule> {
  const errors: FieldError[] = [];
  const timezone = resolveTimezone(input.timezone ?? 'UTC');
  if (timezone === undefined) errors.push({ path: '/timezone', message: `unknown timezone "${input.timezone}"` });
  if (input.scope.type === 'workflow' && !(await checks.workflowExists(input.scope.workflow_id))) errors.push({ path: '/scope/workflow_id', message: `workflow ${input.scope.workflow_id} does not exist` });
  input.channels.forEach((c, i) => {
    const url = c.type === 'slack' ? c.webhook_url : c.type === 'webhook' ? c.url : undefined;
    const problem = url === undefined ? undefined : webhookUrlProblem(url, checks.webhookAllowPrivate);
    if (problem) errors.push({ path: `/channels/${i}/${c.type === 'slack' ? 'webhook_url' : 'url'}`, message: problem });
  });
  if (errors.length > 0) throw new InvalidInput(`Invalid alert rule: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  return {
    rule_id: base.rule_id ?? randomUUID(),
    name: input.name,
    description: input.description ?? '',
    metric: input.metric,
    scope: input.scope,
    detector: input.detector,
    bucket: input.bucket ?? 'hour',
    min_volume: input.min_volume ?? defaultMinVolume(input.metric),
    interval_minutes: input.interval_minutes ?? 5,
    for_minutes: input.for_minutes ?? 0,
    severity: input.severity ?? 'warning',
    labels: input.labels ?? {},
    channels: input.channels,
    timezone: timezone!,
    enabled: input.enabled ?? true,
    created_by: base.created_by,
    created_at: base.created_at ?? now,
    updated_at: now,
  };
}

/** The minimum volume a rule judges with unless it says: 20 executions (events, durations) behind a rate, mean or percentile; none for counts and sums. */
export function defaultMinVolume(metricName: string): number {
  const m = metric(metricName);
  return m.kind === 'rate' || m.kind === 'percentile' || m.kind === 'mean' ? 20 : 0;
}

/** What the API answers instead of a webhook's secret (given back in a PUT, it keeps the secret the rule has for that URL). */
export const MASKED_SECRET = '*'.repeat(16);

/** What the API answers of a rule: webhook secrets are never shown again. */
export function ruleView(r: AlertRule): AlertRule {
  return { ...r, channels: r.channels.map((c) => (c.type === 'webhook' ? { ...c, secret: MASKED_SECRET } : c)) };
}
