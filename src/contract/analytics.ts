/**
 * Responses of a workflow's analytics (CONTRACT §6): the summary with its trends, the funnel, the actions,
 * and every workflow at a glance. The routes declare these as their 200 responses (serialization and the
 * OpenAPI document); the metric modules return their Static types; the dashboard imports those types.
 *
 * Properties are listed in the order the server writes them: the serializer follows the schema's order.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Dict, FiltersSchema, Int, NullNum, NullStr, Num, obj, PeriodSchema } from './common.js';

const Counts = Dict(Int);

// ---- summary and trends ----

export const Percentiles = obj({ p50: NullNum, p90: NullNum, p95: NullNum }, 'exact percentiles (null when nothing to measure)');
export type Percentiles = Static<typeof Percentiles>;

/** The cohort figures the summary, the workflows overview and the live figures share (in this order). */
const CohortFigures = {
  total_enrolled: Int,
  currently_active: Int,
  completed: Int,
  completion_rate: Num,
  goals_achieved: Int,
  conversion_rate: Num,
};

export const Summary = obj({
  ...CohortFigures,
  average_duration_hours: NullNum,
  duration_hours: Percentiles,
  time_to_conversion_hours: NullNum,
  time_to_conversion_percentiles_hours: Percentiles,
  exited: Int,
  errored: Int,
  exit_reasons: Counts,
  error_types: Counts,
  enrollment_sources: Counts,
  goal_breakdown: Counts,
  goal_value: Num,
}, 'the cohort: executions enrolled in the period');
export type Summary = Static<typeof Summary>;

export const TrendRow = obj({
  date: Type.String(),
  new_enrollments: Int,
  completions: Int,
  conversions: Int,
  enrollment_rate: Type.Number({ description: 'new enrollments per hour of the bucket (a DST day has 23 or 25 hours)' }),
});
export type TrendRow = Static<typeof TrendRow>;

/** The summary figures a comparison gives the change of, in this order. */
export const COMPARED = ['total_enrolled', 'currently_active', 'completed', 'completion_rate', 'goals_achieved', 'conversion_rate', 'average_duration_hours', 'time_to_conversion_hours'] as const;

export const SummaryChange = obj({
  total_enrolled: NullNum,
  currently_active: NullNum,
  completed: NullNum,
  completion_rate: NullNum,
  goals_achieved: NullNum,
  conversion_rate: NullNum,
  average_duration_hours: NullNum,
  time_to_conversion_hours: NullNum,
}, 'change in percent against the previous period (null when it had nothing)');
export type SummaryChange = Static<typeof SummaryChange>;

export const SummaryAndTrends = obj({ summary: Summary, trends: Type.Array(TrendRow) });
export type SummaryAndTrends = Static<typeof SummaryAndTrends>;

/**
 * A panel's response: the workflow, period and filters, one period's figures (`props`), and with
 * compare=previous_period the same for the period before, with what `more` adds (in this order: the serializer
 * writes properties in schema order).
 */
const panelResponse = <P extends Record<string, TSchema>, M extends Record<string, TSchema>>(props: P, more: M) =>
  obj({
    workflow_id: Type.String(),
    period: PeriodSchema,
    filters: FiltersSchema,
    ...props,
    comparison: Type.Optional(obj({ period: PeriodSchema, ...props, ...more }, 'with compare=previous_period: the period before')),
  });

/** While the period runs: the previous period cut at the same elapsed time, like with like for enrollments. */
export const SameElapsed = obj({
  until: Type.String({ description: 'the previous period\'s start plus the time elapsed in this one (RFC 3339 in the period\'s timezone)' }),
  total_enrolled: Type.Integer({ description: 'executions enrolled in the previous period before `until`' }),
}, 'with compare=previous_period while the period includes now: the previous period up to the same point');

export const SummaryResponse = panelResponse({ summary: Summary, trends: Type.Array(TrendRow) }, { change_percent: SummaryChange, same_elapsed: Type.Optional(SameElapsed) });
export type SummaryResponse = Static<typeof SummaryResponse>;

// ---- funnel ----

export const FunnelStep = obj({
  step_id: Type.String(),
  step_name: Type.String(),
  step_order: Int,
  step_type: NullStr,
  entered: Int,
  completed: Int,
  dropped_off: Int,
  conversion_rate: Num,
  drop_off_rate: Num,
  reached_percent: Type.Number({ description: 'entered / cohort size × 100: the width of the step in a funnel drawing' }),
  average_time_seconds: NullNum,
  p50_time_seconds: NullNum,
  p95_time_seconds: NullNum,
  in_progress: Type.Integer({ description: 'of dropped_off: executions still active now (waiting in the step, not lost)' }),
  exited: Type.Integer({ description: 'of dropped_off: executions that ended (exited or failed) without completing the step' }),
  from_previous_rate: Type.Union([Type.Number(), Type.Null()], { description: 'entered ÷ entered of the previous step × 100 (null for the first step)' }),
  from_start_rate: Type.Number({ description: 'entered ÷ entered of the first step × 100' }),
  lost_before: Type.Integer({ description: 'executions that completed the previous step, entered no later step and ended without completing the workflow: lost between the two steps' }),
  lost_before_reasons: Dict(Int, 'lost_before by how they ended: the exit reason, or "failed"'),
  lost: Type.Integer({ description: 'people this step loses: exited + lost_before (never those still waiting in it)' }),
  configured_delay_seconds: Type.Union([Type.Number(), Type.Null()], { description: "a wait step's delay as registered in the catalog (delay_seconds), null when not registered or not a wait" }),
});
export type FunnelStep = Static<typeof FunnelStep>;

const FunnelProps = {
  total_enrolled: Int,
  funnel_steps: Type.Array(FunnelStep),
  overall_conversion: Num,
  drop_off_points: Type.Array(Type.String(), { description: 'up to 3 step ids, highest drop-off rate first' }),
  bottleneck_step: NullStr,
  slowest_step: NullStr,
  biggest_loss_step: Type.Union([Type.String(), Type.Null()], { description: 'the step with the most people lost (exited + lost_before), ties to the earlier step; null when nobody was lost. Unlike bottleneck_step (SPEC: drop-off rate), never a step where people are only waiting' }),
  slowest_working_step: Type.Union([Type.String(), Type.Null()], { description: 'the highest average_time_seconds among steps that do work (wait steps aside; every step when types are unknown)' }),
};
/** One period's funnel. */
export const Funnel = obj(FunnelProps);
export type Funnel = Static<typeof Funnel>;

export const FunnelResponse = panelResponse(FunnelProps, {});
export type FunnelResponse = Static<typeof FunnelResponse>;

// ---- actions ----

export const ActionRow = obj({
  action_id: Type.String(),
  action_type: Type.String(),
  action_name: Type.String(),
  executions: Int,
  successes: Int,
  failures: Int,
  success_rate: Num,
  error_rate: Num,
  average_duration_ms: NullNum,
  p50_duration_ms: NullNum,
  p95_duration_ms: NullNum,
  error_types: Counts,
});
export type ActionRow = Static<typeof ActionRow>;

const ActionsProps = {
  source: Type.String({ description: 'where the figures were read: rollup_hourly | rollup_daily | rollup_monthly | rollups+raw | raw' }),
  actions: Type.Array(ActionRow),
};
/** One period's actions. */
export const Actions = obj(ActionsProps);
export type Actions = Static<typeof Actions>;

export const ActionsResponse = panelResponse(ActionsProps, {});
export type ActionsResponse = Static<typeof ActionsResponse>;

// ---- every workflow at a glance ----

const WorkflowFiguresProps = {
  workflow_id: Type.String(),
  ...CohortFigures,
  enrollments: Type.Array(Int, { description: 'new enrollments per bucket of the period (a sparkline), oldest first' }),
  failed: Type.Integer({ minimum: 0, description: 'executions of the cohort that failed (the summary\'s errored)' }),
  failure_rate: Type.Number({ description: 'failed ÷ total_enrolled × 100, 2 decimals (0 when none enrolled)' }),
  cost_usd: Type.Number({ description: 'cost recorded in the period (cost events by their own time), USD, 4 decimals' }),
  last_run_at: Type.Union([Type.String(), Type.Null()], { description: 'the newest execution.started of the workflow, whenever it came; null when none' }),
  previous: obj({ total_enrolled: Int, completion_rate: Num, failure_rate: Num }, 'the same cohort figures for the period before, of the same length'),
  enrolled_change_percent: Type.Union([Type.Number(), Type.Null()], { description: '(total_enrolled − previous.total_enrolled) ÷ previous.total_enrolled × 100, 2 decimals; null when nobody enrolled in the period before' }),
};
/** A workflow's cohort figures of the period (what metrics/overview.ts computes). */
export const WorkflowFigures = obj(WorkflowFiguresProps);
export type WorkflowFigures = Static<typeof WorkflowFigures>;

export const WorkflowOverview = obj({ ...WorkflowFiguresProps, name: Type.String(), registered: Type.Boolean(), last_event_at: NullStr });
export type WorkflowOverview = Static<typeof WorkflowOverview>;

export const WorkflowsOverviewResponse = obj({
  period: PeriodSchema,
  workflows: Type.Array(WorkflowOverview),
  bucket_dates: Type.Array(Type.String(), { description: 'the date of each bucket of `enrollments` (YYYY-MM-DD, or RFC 3339 with offset for hours), oldest first' }),
});
export type WorkflowsOverviewResponse = Static<typeof WorkflowsOverviewResponse>;
