/**
 * The metric catalog: every measure Flowlens answers, defined once — its meaning, the SQL that counts it, its
 * unit and kind, which way is better, where it can be answered from (rollups and their resolution) and whether
 * it is exact. The panels (summary, overview, live figures, the platform pages), exports and reports build their
 * SQL from the conditions and expressions here; `GET /api/v1/metrics` lists the catalog (the dashboard
 * builder's and the alert editor's choices); experiments, alerts, insights and history name metrics by `name`.
 *
 * Two populations, documented with each metric:
 * - `cohort`: executions enrolled in the period (execution_facts, one row per execution, its status now);
 * - `events`: events whose own timestamp is in the period (step outcomes and durations, costs, failures).
 */

import type { MetricDefinitionResponse } from '../contract/metrics.js';
import { COMPARABLE_METRICS, type ComparableMetricName } from '../contract/comparison.js';

/**
 * An execution's status (CONTRACT §5: active, completed, goal_achieved, exited, error; kept in
 * execution_facts.status by store/execution-state.ts) and the groups the figures count. One list gives both the
 * SQL conditions (STATUS) and the same test in JavaScript (inStatus), for the summary's outcome groups.
 */
const STATUS_GROUPS = {
  active: ['active'],
  /** Completed, or converted: a conversion completes an execution. */
  succeeded: ['completed', 'goal_achieved'],
  converted: ['goal_achieved'],
  exited: ['exited'],
  failed: ['error'],
} as const satisfies Record<string, readonly string[]>;
export type StatusGroup = keyof typeof STATUS_GROUPS;

/** The SQL condition of a status group on a status column (`f.status` where the facts are read under an alias). */
export function statusCondition(group: StatusGroup, column = 'status'): string {
  const values: readonly string[] = STATUS_GROUPS[group];
  return values.length === 1 ? `${column} = '${values[0]}'` : `${column} IN (${values.map((v) => `'${v}'`).join(', ')})`;
}

/** The SQL condition on execution_facts.status of each group. */
export const STATUS = Object.fromEntries(Object.keys(STATUS_GROUPS).map((k) => [k, statusCondition(k as StatusGroup)])) as Record<StatusGroup, string>;

/** Whether a status is in a group: STATUS's condition, in JavaScript. */
export const inStatus = (group: StatusGroup, status: string): boolean => (STATUS_GROUPS[group] as readonly string[]).includes(status);

/** Hours from column a to column b of a row (b not null where this is used). */
export const HOURS = (a: string, b: string) => `(toUnixTimestamp64Milli(assumeNotNull(${b})) - toUnixTimestamp64Milli(${a})) / 3600000`;
/** Seconds from enrolment to completion (CONTRACT §6 durations), for executions that completed; `alias.` for aliased facts. */
export const durationSeconds = (alias = '') => `(toUnixTimestamp64Milli(assumeNotNull(${alias}completed_at)) - toUnixTimestamp64Milli(${alias}enrolled_at)) / 1000`;
export const DURATION_S = durationSeconds();

/**
 * A metric: what GET /api/v1/metrics answers (its meaning, kind, unit, which way is better, population, scope,
 * source, exactness, rollups, the API fields that answer it: the contract's MetricDefinitionResponse), and `sql`:
 * for counts, the rows counted (a condition on a row of `source`); for the others, what is aggregated.
 */
export interface MetricDefinition extends Omit<MetricDefinitionResponse, 'comparable' | 'watchable'> {
  sql: string;
  /**
   * Means and percentiles over the execution facts: the value of one execution (`value`) and which executions
   * have one (`where`). Comparisons (versions, experiments) test these per-execution values.
   */
  perExecution?: { value: string; where: string };
  /**
   * Metrics that can be watched (alert rules, anomaly bands): the aggregates giving, per time bucket, the value
   * (in the metric's unit), its volume (what a minimum-volume rule counts: the denominator of a rate, the
   * durations behind a percentile) and, for rates, the fraction (value ÷ 100) the detectors test — over the rows
   * of `from`: the hourly or daily rollups (bucket), or the execution facts (bucket of `time`).
   */
  series?: SeriesDefinition;
}

/** How a watched metric is aggregated per bucket (see MetricDefinition.series). */
export interface SeriesDefinition {
  from: 'rollup' | 'facts';
  /** facts: the column whose time places a row in a bucket. */
  time?: string;
  value: string;
  volume: string;
  /** How the detectors read the value: a count (Poisson noise), a proportion (binomial), or a plain value. */
  detect: 'count' | 'proportion' | 'value';
}

const ev = (types: string) => `sumIf(events, type IN (${types}))`;
const FINISHED = "'execution.completed', 'execution.failed', 'execution.exited'";
const ratio = (num: string, den: string) => `if(${den} > 0, 100 * ${num} / ${den}, NULL)`;
const ACTION_OUTCOMES = "step_type = 'action' AND type IN ('step.completed', 'step.failed')";

const FACTS_TABLE = 'execution_facts';
/** Cohort figures are answered from execution_facts, one row per execution (the finest resolution there is). */
const PER_EXECUTION: MetricDefinition['rollups'] = [{ table: 'execution_facts', resolution: 'execution' }];
/** Step events are kept counted per hour, day and month. */
const EVENT_ROLLUPS: MetricDefinition['rollups'] = [
  { table: 'workflow_events_hourly', resolution: 'hour' },
  { table: 'workflow_events_daily', resolution: 'day' },
  { table: 'workflow_events_monthly', resolution: 'month' },
];
const SUMMARY = 'GET /api/v1/workflows/{id}/analytics';
const OVERVIEW = 'GET /api/v1/analytics/workflows';
const STREAM = 'GET /api/v1/workflows/{id}/analytics/stream';
const EXECUTIONS = 'GET /api/v1/analytics/executions';
const STATS = 'GET /api/v1/analytics/executions/summary';
const PERFORMANCE = 'GET /api/v1/analytics/workflows/{id}/performance';
const VERSIONS = 'GET /api/v1/workflows/{id}/analytics/versions';
const ANOMALIES = 'GET /api/v1/workflows/{id}/analytics/anomalies';
const ALERTS = 'alert rules (GET /api/v1/alerts)';

export const METRICS: readonly MetricDefinition[] = [
  {
    name: 'enrolled', label: 'Enrolled', kind: 'count', unit: 'executions', better: 'higher', population: 'cohort', scope: 'workflow',
    description: 'Executions enrolled in the period (their execution.started is in it).',
    source: FACTS_TABLE, sql: '1', exact: true, rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} total_enrolled`, `${OVERVIEW} total_enrolled`, `${STREAM} total_enrolled`, `${EXECUTIONS} totals.executions`, `${STATS} executions`, `${PERFORMANCE} totals.executions`],
  },
  {
    name: 'active', label: 'Active', kind: 'count', unit: 'executions', better: 'neither', population: 'cohort', scope: 'workflow',
    description: 'Executions of the cohort still running now (no terminal event, no goal).',
    source: FACTS_TABLE, sql: STATUS.active, exact: true, rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} currently_active`, `${OVERVIEW} currently_active`, `${STREAM} currently_active`, `${EXECUTIONS} totals.active`, `${STATS} active`],
  },
  {
    name: 'completed', label: 'Completed', kind: 'count', unit: 'executions', better: 'higher', population: 'cohort', scope: 'workflow',
    description: 'Executions of the cohort that completed or converted (a conversion completes an execution).',
    source: FACTS_TABLE, sql: STATUS.succeeded, exact: true, rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} completed`, `${OVERVIEW} completed`, `${STREAM} completed`, `${EXECUTIONS} totals.succeeded`, `${STATS} succeeded`, `${PERFORMANCE} totals.succeeded`],
  },
  {
    name: 'converted', label: 'Goals achieved', kind: 'count', unit: 'executions', better: 'higher', population: 'cohort', scope: 'workflow',
    description: 'Executions of the cohort that achieved a goal.',
    source: FACTS_TABLE, sql: STATUS.converted, exact: true, rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} goals_achieved`, `${OVERVIEW} goals_achieved`, `${STREAM} goals_achieved`],
  },
  {
    name: 'exited', label: 'Exited', kind: 'count', unit: 'executions', better: 'lower', population: 'cohort', scope: 'workflow',
    description: 'Executions of the cohort that left the workflow before completing it (execution.exited).',
    source: FACTS_TABLE, sql: STATUS.exited, exact: true, rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} exited`, `${STREAM} exited`, `${EXECUTIONS} totals.exited`, `${STATS} exited`],
  },
  {
    name: 'failed', label: 'Failed', kind: 'count', unit: 'executions', better: 'lower', population: 'cohort', scope: 'workflow',
    description: 'Executions of the cohort whose last terminal event is execution.failed.',
    source: FACTS_TABLE, sql: STATUS.failed, exact: true, rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} errored`, `${STREAM} errored`, `${EXECUTIONS} totals.failed`, `${STATS} failed`, `${PERFORMANCE} totals.failed`],
  },
  {
    name: 'completion_rate', label: 'Completion rate', kind: 'rate', unit: 'percent', better: 'higher', population: 'cohort', scope: 'workflow',
    description: 'completed ÷ enrolled × 100, 2 decimals (0 when nothing enrolled).',
    source: FACTS_TABLE, sql: STATUS.succeeded, ratio: { numerator: 'completed', denominator: 'enrolled' }, exact: true,
    rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} completion_rate`, `${OVERVIEW} completion_rate`, `${STREAM} completion_rate`, `${STATS} success_rate`],
  },
  {
    name: 'conversion_rate', label: 'Conversion rate', kind: 'rate', unit: 'percent', better: 'higher', population: 'cohort', scope: 'workflow',
    description: 'goals achieved ÷ enrolled × 100, 2 decimals.',
    source: FACTS_TABLE, sql: STATUS.converted, ratio: { numerator: 'converted', denominator: 'enrolled' }, exact: true,
    rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} conversion_rate`, `${OVERVIEW} conversion_rate`, `${STREAM} conversion_rate`],
  },
  {
    name: 'failure_rate', label: 'Failure rate', kind: 'rate', unit: 'percent', better: 'lower', population: 'cohort', scope: 'workflow',
    description: 'failed ÷ enrolled × 100, 2 decimals.',
    source: FACTS_TABLE, sql: STATUS.failed, ratio: { numerator: 'failed', denominator: 'enrolled' }, exact: true,
    rollups: PER_EXECUTION,
    answered_by: [`${STATS} failure_rate`, `${PERFORMANCE} totals.failure_rate`],
  },
  {
    name: 'duration_hours', label: 'Average duration', kind: 'mean', unit: 'hours', better: 'lower', population: 'cohort', scope: 'workflow',
    description: 'Mean of completed_at − enrolled_at over the completed executions of the cohort, in hours, 2 decimals.',
    source: FACTS_TABLE, sql: HOURS('enrolled_at', 'completed_at'), exact: true, rollups: PER_EXECUTION,
    perExecution: { value: HOURS('enrolled_at', 'completed_at'), where: STATUS.succeeded },
    answered_by: [`${SUMMARY} average_duration_hours`, `${STREAM} average_duration_hours`],
  },
  {
    name: 'duration_hours_p50', label: 'Median duration', kind: 'percentile', unit: 'hours', better: 'lower', population: 'cohort', scope: 'workflow',
    description: 'Median of completed_at − enrolled_at over the completed executions (quantileExact: the upper middle of an even count); p90 and p95 alike.',
    source: FACTS_TABLE, sql: `quantileExact(0.5)(${HOURS('enrolled_at', 'completed_at')})`, exact: true, rollups: PER_EXECUTION,
    perExecution: { value: HOURS('enrolled_at', 'completed_at'), where: STATUS.succeeded },
    answered_by: [`${SUMMARY} duration_percentiles_hours.p50`],
  },
  {
    name: 'time_to_conversion_hours', label: 'Time to conversion', kind: 'mean', unit: 'hours', better: 'lower', population: 'cohort', scope: 'workflow',
    description: 'Mean of goal_achieved_at − enrolled_at over the converted executions of the cohort, in hours.',
    source: FACTS_TABLE, sql: HOURS('enrolled_at', 'goal_achieved_at'), exact: true, rollups: PER_EXECUTION,
    perExecution: { value: HOURS('enrolled_at', 'goal_achieved_at'), where: STATUS.converted },
    answered_by: [`${SUMMARY} time_to_conversion_hours`],
  },
  {
    name: 'cost_per_execution', label: 'Cost per execution', kind: 'mean', unit: 'usd', better: 'lower', population: 'cohort', scope: 'workflow',
    description: 'Mean over the executions of the cohort of the cost recorded for each (its cost.recorded events and steps\' costs, whenever they came), in USD.',
    source: FACTS_TABLE, sql: 'cost_usd', exact: true, rollups: PER_EXECUTION,
    perExecution: { value: 'cost_usd', where: '1' },
    answered_by: [`${VERSIONS} groups[].metrics.cost_per_execution`, 'GET /api/v1/experiments/{id}/results'],
  },
  {
    name: 'new_enrollments', label: 'New enrollments', kind: 'count', unit: 'executions', better: 'higher', population: 'events', scope: 'workflow',
    description: 'Executions whose enrolled_at is in the bucket (the trends), counted by their own time.',
    source: FACTS_TABLE, sql: '1', exact: true, rollups: PER_EXECUTION,
    series: { from: 'rollup', value: ev("'execution.started'"), volume: ev("'execution.started'"), detect: 'count' },
    answered_by: [`${SUMMARY} trends[].new_enrollments`, `${OVERVIEW} enrollments[]`, `${STREAM} new_enrollments`, `${EXECUTIONS} buckets[].executions`],
  },
  {
    name: 'completions', label: 'Completions', kind: 'count', unit: 'executions', better: 'higher', population: 'events', scope: 'workflow',
    description: 'Executions whose completed_at is in the bucket, whatever their cohort.',
    source: FACTS_TABLE, sql: STATUS.succeeded, exact: true, rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} trends[].completions`, `${STREAM} completions`],
  },
  {
    name: 'conversions', label: 'Conversions', kind: 'count', unit: 'executions', better: 'higher', population: 'events', scope: 'workflow',
    description: 'Executions whose goal_achieved_at is in the bucket, whatever their cohort.',
    source: FACTS_TABLE, sql: STATUS.converted, exact: true, rollups: PER_EXECUTION,
    answered_by: [`${SUMMARY} trends[].conversions`, `${STREAM} conversions`],
  },
  {
    name: 'step_entered', label: 'Entered step', kind: 'count', unit: 'executions', better: 'higher', population: 'cohort', scope: 'step',
    description: 'Executions of the cohort with a step.started for the step.',
    source: FACTS_TABLE, sql: 'step started', exact: true, rollups: PER_EXECUTION,
    answered_by: ['GET /api/v1/workflows/{id}/analytics/funnel steps[].entered', `${STREAM} steps.{id}.entered`],
  },
  {
    name: 'step_completed', label: 'Completed step', kind: 'count', unit: 'executions', better: 'higher', population: 'cohort', scope: 'step',
    description: 'Executions of the cohort with a step.completed for the step.',
    source: FACTS_TABLE, sql: 'step completed', exact: true, rollups: PER_EXECUTION,
    answered_by: ['GET /api/v1/workflows/{id}/analytics/funnel steps[].completed', `${STREAM} steps.{id}.completed`],
  },
  {
    name: 'action_executions', label: 'Action runs', kind: 'count', unit: 'events', better: 'neither', population: 'events', scope: 'action',
    description: 'step.completed + step.failed events of an action step with their own timestamp in the period.',
    source: 'events', sql: "type IN ('step.completed', 'step.failed') AND step_type = 'action'", exact: true,
    rollups: EVENT_ROLLUPS,
    answered_by: ['GET /api/v1/workflows/{id}/analytics/actions actions[].executions', 'GET /api/v1/analytics/workflows/{id}/steps steps[].completed + failed'],
  },
  {
    name: 'action_failures', label: 'Action failures', kind: 'count', unit: 'events', better: 'lower', population: 'events', scope: 'action',
    description: 'step.failed events of an action step with their own timestamp in the period.',
    source: 'events', sql: "type = 'step.failed' AND step_type = 'action'", exact: true,
    rollups: EVENT_ROLLUPS,
    answered_by: ['GET /api/v1/workflows/{id}/analytics/actions actions[].failures', 'GET /api/v1/analytics/workflows/{id}/steps steps[].failed'],
  },
  {
    name: 'action_error_rate', label: 'Action error rate', kind: 'rate', unit: 'percent', better: 'lower', population: 'events', scope: 'action',
    description: 'step.failed ÷ (step.completed + step.failed) × 100 of an action step, events in the period.',
    source: 'events', sql: "type = 'step.failed'", ratio: { numerator: 'action_failures', denominator: 'action_executions' }, exact: true,
    rollups: EVENT_ROLLUPS,
    series: { from: 'rollup', value: ratio(`sumIf(events, ${ACTION_OUTCOMES} AND type = 'step.failed')`, `sumIf(events, ${ACTION_OUTCOMES})`), volume: `sumIf(events, ${ACTION_OUTCOMES})`, detect: 'proportion' },
    answered_by: ['GET /api/v1/workflows/{id}/analytics/actions actions[].error_rate'],
  },
  {
    name: 'action_duration_ms', label: 'Action duration', kind: 'mean', unit: 'milliseconds', better: 'lower', population: 'events', scope: 'action',
    description: 'Mean over the step\'s step.completed and step.failed events in the period of duration_ms, or, where none was sent, of the event\'s time − the step\'s first step.started in that execution (an event with neither is left out).',
    source: 'events + step_durations_from_timestamps', sql: 'ifNull(duration_ms, derived duration)', exact: true,
    rollups: EVENT_ROLLUPS,
    answered_by: ['GET /api/v1/workflows/{id}/analytics/actions actions[].average_duration_ms', 'GET /api/v1/analytics/workflows/{id}/steps steps[].duration_ms.mean'],
  },
  {
    name: 'action_duration_ms_p95', label: 'Action duration p95', kind: 'percentile', unit: 'milliseconds', better: 'lower', population: 'events', scope: 'action',
    description: 'The 95th percentile (and the median, p50) of the same durations as action_duration_ms. The actions panel merges t-digest states kept in the rollups; the platform steps page computes them exactly (quantileExact) from the events.',
    source: 'events + step_durations_from_timestamps', sql: 'quantilesTDigest(0.5, 0.95)(duration)', exact: false,
    error: 't-digest: the engine documents a maximum error of 1 % for quantileTDigest; an answer that merges several parts (Kolkata\'s rollups and raw edges) may differ in the second decimal between two computations. GET /api/v1/analytics/workflows/{id}/steps answers the same percentile exactly.',
    rollups: EVENT_ROLLUPS,
    answered_by: ['GET /api/v1/workflows/{id}/analytics/actions actions[].p95_duration_ms (t-digest)', 'GET /api/v1/analytics/workflows/{id}/steps steps[].duration_ms.p95 (exact)'],
  },
  {
    name: 'cost_usd', label: 'Cost', kind: 'sum', unit: 'usd', better: 'lower', population: 'events', scope: 'account',
    description: 'Sum of amount_usd of cost.recorded events (and steps\' costs) with their own timestamp in the period.',
    source: 'cost_events', sql: 'sum(amount_usd)', exact: true, rollups: [{ table: 'cost_events', resolution: 'execution' }],
    series: { from: 'rollup', value: 'sum(amount_usd)', volume: 'sum(events)', detect: 'value' },
    answered_by: ['GET /api/v1/analytics/costs totals.usd'],
  },
  {
    name: 'credits', label: 'Credits', kind: 'sum', unit: 'credits', better: 'lower', population: 'events', scope: 'account',
    description: 'Sum of credits of the cost events with their own timestamp in the period.',
    source: 'cost_events', sql: 'sum(credits)', exact: true, rollups: [{ table: 'cost_events', resolution: 'execution' }],
    series: { from: 'rollup', value: 'sum(credits)', volume: 'sum(events)', detect: 'value' },
    answered_by: ['GET /api/v1/analytics/costs totals.credits'],
  },
  {
    name: 'execution_failure_rate', label: 'Failure rate (finished)', kind: 'rate', unit: 'percent', better: 'lower', population: 'events', scope: 'workflow',
    description: 'execution.failed ÷ executions that finished (completed, failed or exited) in the bucket × 100: how often what ends now ends in an error (the watched counterpart of failure_rate, which follows a cohort).',
    source: 'events', sql: "type = 'execution.failed'", exact: true, rollups: EVENT_ROLLUPS,
    series: { from: 'rollup', value: ratio(ev("'execution.failed'"), ev(FINISHED)), volume: ev(FINISHED), detect: 'proportion' },
    answered_by: [ANOMALIES, ALERTS],
  },
  {
    name: 'execution_completion_rate', label: 'Completion rate (finished)', kind: 'rate', unit: 'percent', better: 'higher', population: 'events', scope: 'workflow',
    description: 'execution.completed ÷ executions that finished (completed, failed or exited) in the bucket × 100.',
    source: 'events', sql: "type = 'execution.completed'", exact: true, rollups: EVENT_ROLLUPS,
    series: { from: 'rollup', value: ratio(ev("'execution.completed'"), ev(FINISHED)), volume: ev(FINISHED), detect: 'proportion' },
    answered_by: [ANOMALIES, ALERTS],
  },
  {
    name: 'goal_rate', label: 'Goals per enrollment', kind: 'rate', unit: 'percent', better: 'higher', population: 'events', scope: 'workflow',
    description: 'goal.achieved events ÷ execution.started events in the bucket × 100 (the watched counterpart of conversion_rate).',
    source: 'events', sql: "type = 'goal.achieved'", exact: true, rollups: EVENT_ROLLUPS,
    series: { from: 'rollup', value: ratio(ev("'goal.achieved'"), ev("'execution.started'")), volume: ev("'execution.started'"), detect: 'value' },
    answered_by: [ANOMALIES, ALERTS],
  },
  {
    name: 'step_duration_ms_p95', label: 'Time in step p95', kind: 'percentile', unit: 'milliseconds', better: 'lower', population: 'events', scope: 'workflow',
    description: 'The 95th percentile of duration_ms over the step.completed and step.failed events of the bucket (every step of the workflow), merged from the rollups\' t-digest states.',
    source: 'events', sql: 'quantilesTDigest(0.5, 0.95)(duration_ms)', exact: false,
    error: 't-digest: the engine documents a maximum error of 1 % for quantileTDigest.', rollups: EVENT_ROLLUPS,
    series: { from: 'rollup', value: "if(sumIf(duration_n, type IN ('step.completed', 'step.failed')) > 0, quantilesTDigestMergeIf(0.5, 0.95)(duration_q, type IN ('step.completed', 'step.failed'))[2], NULL)", volume: "sumIf(duration_n, type IN ('step.completed', 'step.failed'))", detect: 'value' },
    answered_by: [ANOMALIES, ALERTS],
  },
  {
    name: 'execution_duration_hours_p95', label: 'Duration p95 (finished)', kind: 'percentile', unit: 'hours', better: 'lower', population: 'events', scope: 'workflow',
    description: 'The 95th percentile of completed_at − enrolled_at over the executions that completed in the bucket, in hours (exact).',
    source: FACTS_TABLE, sql: `quantileExact(0.95)(${HOURS('enrolled_at', 'completed_at')})`, exact: true, rollups: PER_EXECUTION,
    series: { from: 'facts', time: 'completed_at', value: `quantileExactIf(0.95)(${HOURS('enrolled_at', 'completed_at')}, ${STATUS.succeeded})`, volume: `countIf(${STATUS.succeeded})`, detect: 'value' },
    answered_by: [ANOMALIES, ALERTS],
  },
  {
    name: 'events_received', label: 'Events received', kind: 'count', unit: 'events', better: 'neither', population: 'events', scope: 'workflow',
    description: 'Every event of the workflow with its own time in the bucket: ingestion volume (a workflow that goes silent drops to 0).',
    source: 'events', sql: '1', exact: true, rollups: EVENT_ROLLUPS,
    series: { from: 'rollup', value: 'sum(events)', volume: 'sum(events)', detect: 'count' },
    answered_by: [ANOMALIES, ALERTS],
  },
];

/** The metrics that can be watched: an alert rule's and the anomaly bands' choices. */
export const WATCHABLE = METRICS.filter((m) => m.series !== undefined).map((m) => m.name);

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

/** The definition of a metric by name; throws on an unknown name (a programming error, not input). */
export function metric(name: string): MetricDefinition {
  const m = BY_NAME.get(name);
  if (!m) throw new Error(`no metric named ${name}`);
  return m;
}

/**
 * The metrics a comparison tests (versions, experiments): cohort rates (two-proportion z test, Beta-Binomial
 * posterior), means (Welch's t) and the median duration (Mann–Whitney U, Bonett–Price interval), one value
 * per execution of the cohort.
 */
export const COMPARABLE = COMPARABLE_METRICS;
export type ComparableMetric = ComparableMetricName;

/** Whether a name is one of the catalog's (for input checks). */
export const isMetric = (name: string): boolean => BY_NAME.has(name);

/**
 * SQL counting a cohort count metric's rows, optionally within a condition (another population's, as the
 * live figures count several at once): `count()` for enrolled, `countIf(status = 'active')` …
 */
export function countSql(name: string, within?: string): string {
  const m = metric(name);
  if (m.kind !== 'count' || m.source !== FACTS_TABLE || m.scope === 'step') throw new Error(`${name} is not a count of executions over the execution facts`);
  const conds = [within, m.sql === '1' ? undefined : m.sql].filter((c): c is string => c !== undefined);
  return conds.length === 0 ? 'count()' : `countIf(${conds.join(' AND ')})`;
}
