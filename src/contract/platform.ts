/**
 * Responses of the platform analytics routes (executions, workflows, costs, activity): the schemas the routes
 * declare (serialization and the OpenAPI document) and their Static types, which the dashboard imports.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Dict, FiltersSchema, Int, NullNum, NullStr, Num, obj, PeriodSchema } from './common.js';

export const Quantiles = (unit: string) => obj({ mean: NullNum, p50: NullNum, p95: NullNum }, `${unit}: mean and exact percentiles (null when nothing to measure)`);

export const CountsProps = { executions: Int, succeeded: Int, failed: Int, exited: Int, active: Int };

export const PerExecution = obj(
  { executions: Int, credits: Num, usd: Num, credits_per_execution: NullNum, usd_per_execution: NullNum },
  'executions enrolled in the period and everything they cost, whenever recorded',
);

export const StatsProps = {
  executions: Int, succeeded: Int, failed: Int, exited: Int, active: Int, conversions: Int,
  success_rate: Num, failure_rate: Num, conversion_rate: Num,
  duration_seconds: Quantiles('enrolment to completion in seconds, over completed executions'),
  cost: PerExecution,
  goal_value_usd: Num,
};
export const Stats = obj(StatsProps);

export const Counts = obj(CountsProps);
export const CountBucket = obj({ date: Type.String(), ...CountsProps });

export const ExecutionsResponse = obj({
  period: PeriodSchema,
  workflows: Type.Array(Type.String(), { description: 'the workflows counted' }),
  group_by: NullStr,
  totals: Counts,
  buckets: Type.Array(CountBucket),
  series: Type.Optional(Type.Array(obj({ key: Type.String(), workflow_id: Type.Optional(Type.String()), version: Type.Optional(Int), totals: Counts, buckets: Type.Array(CountBucket) }))),
});

const ExecutionSummary = obj({
  ...CountsProps,
  success_rate: Num,
  failure_rate: Num,
  duration_seconds: Quantiles('enrolment to completion in seconds, over succeeded executions'),
  trigger_types: Dict(Int),
});

export const ExecutionSummaryResponse = obj({
  period: PeriodSchema,
  workflows: Type.Array(Type.String()),
  summary: ExecutionSummary,
  comparison: Type.Optional(obj({ period: PeriodSchema, summary: ExecutionSummary, change_percent: Dict(NullNum) })),
});

export const ErrorsResponse = obj({
  period: PeriodSchema,
  workflows: Type.Array(Type.String()),
  total_errors: Int,
  total_failures: Type.Integer({ minimum: 0, description: 'each failure once: the events less the execution.failed that follow a step.failed of their execution' }),
  error_types: Type.Array(obj({
    error_type: Type.String(), occurrences: Int, share_percent: Num, execution_failures: Int, step_failures: Int, executions: Int,
    distinct_messages: Int, workflows: Int, first_seen: NullStr, last_seen: NullStr,
    failures: Type.Integer({ minimum: 0, description: 'failures counted under this type (occurrences − after_step_failure)' }),
    failure_share_percent: Type.Number({ description: 'failures ÷ total_failures × 100' }),
    after_step_failure: Type.Integer({ minimum: 0, description: 'execution.failed of this type that follow a step.failed of their execution: counted under the step\'s type' }),
  })),
  errors: Type.Array(obj({
    error_type: Type.String(), error_message: Type.String(), source: Type.String({ description: 'execution | step' }), occurrences: Int, executions: Int,
    first_seen: NullStr, last_seen: NullStr, workflows: Type.Array(Type.String()), steps: Type.Array(Type.String()),
    failures: Type.Integer({ minimum: 0, description: 'occurrences counted as failures of their own (see total_failures)' }),
    places: Type.Array(obj({
      workflow_id: Type.String(), workflow_name: Type.String(), step_id: NullStr, step_name: NullStr, occurrences: Int, failures: Int,
    }), { description: 'where: per workflow and step (null for an execution\'s own failure), named as the catalog names them' }),
  })),
  buckets: Type.Array(obj({ date: Type.String(), errors: Int, failures: Int })),
});

export const RoiRow = obj({
  workflow_id: Type.String(), executions: Int, succeeded: Int, conversions: Int,
  time_saved_seconds_per_execution: NullNum, value_per_conversion_usd: NullNum,
  time_saved_hours: NullNum, value_generated_usd: NullNum, goal_value_usd: Num, cost_usd: Num, net_value_usd: NullNum, roi_percent: NullNum,
  time_saved_from: Type.Union([Type.Literal('account'), Type.Literal('catalog'), Type.Null()], {
    description: 'where time_saved_seconds_per_execution comes from: the account\'s ROI assumptions (PUT /api/v1/account/settings), the catalog\'s versions, or nowhere',
  }),
});

export const RoiResponse = obj({
  period: PeriodSchema,
  workflows_counted: Type.Array(Type.String()),
  hourly_rate_usd: NullNum,
  totals: obj({ executions: Int, time_saved_hours: NullNum, value_generated_usd: NullNum, cost_usd: Num, net_value_usd: NullNum, roi_percent: NullNum }),
  workflows: Type.Array(RoiRow),
});

export const PerformanceResponse = obj({
  workflow_id: Type.String(),
  period: PeriodSchema,
  filters: FiltersSchema,
  totals: Stats,
  roi: Type.Union([RoiRow, Type.Null()]),
  trends: Type.Array(obj({ date: Type.String(), ...StatsProps })),
});

export const StepsResponse = obj({
  workflow_id: Type.String(),
  period: PeriodSchema,
  filters: FiltersSchema,
  steps: Type.Array(obj({
    step_id: Type.String(), step_name: Type.String(), step_type: Type.String(), action_type: NullStr,
    started: Int, completed: Int, failed: Int, skipped: Int, failure_rate: Num,
    duration_ms: Quantiles('milliseconds per step.completed / step.failed'), timed_events: Int, total_time_ms: Num, time_share_percent: Num,
    error_types: Dict(Int),
  })),
  bottleneck_step: NullStr,
  slowest_step_p95: NullStr,
  most_failing_step: NullStr,
});

export const ComparisonResponse = obj({
  period: PeriodSchema,
  compared: Type.String({ description: 'workflows | versions' }),
  items: Type.Array(obj({
    workflow_id: Type.String(), version: Type.Union([Int, Type.Null()]), stats: Stats,
    trends: Type.Array(obj({ date: Type.String(), executions: Int, success_rate: Num, duration_p50_seconds: NullNum, usd: Num })),
  })),
});

export const RankedWorkflow = obj({
  rank: Int, workflow_id: Type.String(), value: Num, executions: Int, success_rate: Num, failure_rate: Num, failed: Int,
  duration_seconds: Quantiles('seconds'), cost_usd: Num, usd_per_execution: NullNum,
});
const Ranked = Type.Array(RankedWorkflow);

export const RankingsResponse = obj({
  period: PeriodSchema,
  workflows: Type.Array(Type.String()),
  slowest: Ranked, most_failing: Ranked, most_used: Ranked, most_costly: Ranked,
});

export const ActivityResponse = obj({
  period: PeriodSchema,
  totals: obj({ events: Int, logins: Int, active_users: Int, active_time_seconds: Num, features_used: Int }),
  active_users: obj({ daily_average: NullNum, weekly_average: NullNum, monthly_average: NullNum, period: Int }),
  sessions: obj({ sessions: Int, length_seconds: Quantiles('seconds'), events_per_session: NullNum }),
  features: Type.Array(obj({ action: Type.String(), events: Int, users: Int, share_percent: Num })),
  login_patterns: obj({ by_hour: Type.Array(Int, { description: 'logins per local hour 0–23' }), by_weekday: Type.Array(Int, { description: 'logins per weekday, Monday first' }) }),
  buckets: Type.Array(obj({ date: Type.String(), events: Int, logins: Int, active_users: Int, sessions: Int, active_time_seconds: Num })),
});

export const TrailResponse = obj({
  user_id: Type.String(),
  period: Type.Union([PeriodSchema, Type.Null()]),
  summary: obj({ events: Int, sessions: Int, first_seen: NullStr, last_seen: NullStr, active_time_seconds: Num, actions: Dict(Int) }),
  events: Type.Array(obj({
    timestamp: NullStr, event_id: NullStr, action: Type.String(), resource: NullStr, resource_id: NullStr, session_id: NullStr,
    duration_ms: NullNum, metadata: Type.Union([Dict(Type.Unknown()), Type.Null()]),
  })),
  next_cursor: NullStr,
});

export const EngagementResponse = obj({
  period: PeriodSchema,
  formula: Type.String(),
  weights: obj({ recency: Num, frequency: Num, breadth: Num }),
  features_available: Int,
  elapsed_days: Int,
  users: Type.Array(obj({
    user_id: Type.String(), score: Num, level: Type.String({ description: 'high (≥ 70) | medium (≥ 40) | low' }),
    components: obj({ recency: Num, frequency: Num, breadth: Num }),
    events: Int, active_days: Int, features_used: Int, sessions: Int, active_time_seconds: Num, last_seen: Type.String(),
  })),
});

export const CostsResponse = obj({
  period: PeriodSchema,
  workflows: Type.Array(Type.String()),
  source: Type.String({ description: 'rollup_hourly | rollup_daily | rollup_monthly | raw' }),
  totals: obj({ credits: Num, usd: Num }),
  per_execution: PerExecution,
  buckets: Type.Array(obj({ date: Type.String(), credits: Num, usd: Num })),
});

export const BreakdownResponse = obj({
  period: PeriodSchema,
  workflows: Type.Array(Type.String()),
  by: Type.String(),
  total: obj({ credits: Num, usd: Num }),
  items: Type.Array(obj({
    key: NullStr, workflow_id: Type.Optional(NullStr), step_id: Type.Optional(NullStr), credits: Num, usd: Num, usd_share_percent: Num, credits_share_percent: Num,
    executions: Int, usd_per_execution: NullNum, credits_per_execution: NullNum,
  })),
});

const ModelOut = obj({
  name: Type.String({ description: 'linear_trend_weekly_seasonality | linear_trend | mean' }), days_fitted: Int, intercept: Num, slope_per_day: Num,
  weekday_effects: Dict(Num), residual_sd: Num,
});
const BacktestOut = Type.Union([obj({ holdout_days: Int, mae: Num, rmse: Num, wape_percent: NullNum, interval_coverage_percent: Num }), Type.Null()]);

export const ForecastResponse = obj({
  workflows: Type.Array(Type.String()),
  timezone: Type.String(),
  confidence: Num,
  history: obj({ start_date: Type.String(), end_date: Type.String(), fitted_from: NullStr, daily: Type.Array(obj({ date: Type.String(), credits: Num, usd: Num })) }),
  model: obj({ usd: ModelOut, credits: ModelOut }),
  backtest: obj({ usd: BacktestOut, credits: BacktestOut }),
  forecast: Type.Array(obj({ date: Type.String(), usd: Num, usd_lower: Num, usd_upper: Num, credits: Num, credits_lower: Num, credits_upper: Num })),
  totals: obj({ days: Int, usd: Num, usd_lower: Num, usd_upper: Num, credits: Num, credits_lower: Num, credits_upper: Num }),
});

export const BudgetOut = obj({
  budget_id: Type.String(), scope: Type.String(), workflow_id: NullStr, monthly_usd: Num, thresholds: Type.Array(Int), timezone: Type.String(),
  notify: obj({ emails: Type.Array(Type.String()), webhook_url: NullStr }),
  status: obj({
    month: Type.String(), spent_usd: Num, forecast_usd: Num, spent_percent: Num, forecast_percent: Num,
    crossed: Type.Array(obj({ threshold: Int, trigger: Type.String() })),
  }),
});

export const AlertOut = obj({
  alert_id: Type.String(), budget_id: Type.String(), workflow_id: NullStr, month: Type.String(), threshold: Int,
  trigger: Type.String({ description: 'actual | forecast: what crossed the threshold first' }),
  budget_usd: Num, spent_usd: Num, forecast_usd: Num, raised_at: Type.String(),
  webhook_status: Type.String({ description: 'sent | failed: reason | not configured | sending' }), email_status: Type.String(),
});

export const BudgetsResponse = obj({ budgets: Type.Array(BudgetOut), alerts: Type.Array(AlertOut, { description: 'alerts raised now by saving (PUT) or this month (GET)' }) });
export const AlertsResponse = obj({ alerts: Type.Array(AlertOut) });

export type Counts = Static<typeof Counts>;
export type ExecutionsResponse = Static<typeof ExecutionsResponse>;
export type ExecutionSummaryResponse = Static<typeof ExecutionSummaryResponse>;
export type ErrorsResponse = Static<typeof ErrorsResponse>;
export type RoiRow = Static<typeof RoiRow>;
export type RoiResponse = Static<typeof RoiResponse>;
export type PerformanceResponse = Static<typeof PerformanceResponse>;
export type StepsResponse = Static<typeof StepsResponse>;
export type ComparisonResponse = Static<typeof ComparisonResponse>;
export type RankedWorkflow = Static<typeof RankedWorkflow>;
export type RankingsResponse = Static<typeof RankingsResponse>;
export type ActivityResponse = Static<typeof ActivityResponse>;
export type TrailResponse = Static<typeof TrailResponse>;
export type EngagementResponse = Static<typeof EngagementResponse>;
export type CostsResponse = Static<typeof CostsResponse>;
export type BreakdownResponse = Static<typeof BreakdownResponse>;
export type ForecastResponse = Static<typeof ForecastResponse>;
export type BudgetOut = Static<typeof BudgetOut>;
export type AlertOut = Static<typeof AlertOut>;
export type BudgetsResponse = Static<typeof BudgetsResponse>;
export type AlertsResponse = Static<typeof AlertsResponse>;
