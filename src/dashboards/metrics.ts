/**
 * Which metrics of the catalog (src/metrics/definitions.ts) a widget can show, and which existing answer gives
 * each: nothing here counts anything, it only says where a figure is read.
 *
 * - summary: the cohort figures of a workflow's summary (GET /api/v1/workflows/{id}/analytics), summed over the
 *   widget's workflows (rates from the summed counts; a mean weighted by its count; a percentile only for one);
 * - trends: the summary's trends per bucket of the period (new enrollments, completions, conversions);
 * - overview: the six figures every workflow has in the overview (GET /api/v1/analytics/workflows), one query for
 *   all the workflows: tables of workflows and pies by workflow;
 * - series: a watchable metric per UTC hour or day (the query service's series, what alert rules and anomaly
 *   bands read).
 */
import type { Summary, SummaryChange, TrendRow, WorkflowFigures } from '../contract/index.js';
import { metric, WATCHABLE, type MetricDefinition } from '../metrics/definitions.js';
import { percent } from '../metrics/scope.js';

/** A cohort figure of the summary: how to read it and how it combines over several workflows. */
export interface SummaryFigure {
  read: (s: Summary) => number | null;
  /** count: summed; rate: numerator and denominator summed; mean: weighted by `weight`; percentile: one workflow only. */
  combine: 'count' | 'rate' | 'mean' | 'percentile';
  numerator?: (s: Summary) => number;
  denominator?: (s: Summary) => number;
  weight?: (s: Summary) => number;
  /** The summary's own change_percent of this figure, when the summary compares it. */
  change?: keyof SummaryChange;
}

export const SUMMARY_FIGURES: Record<string, SummaryFigure> = {
  enrolled: { read: (s) => s.total_enrolled, combine: 'count', change: 'total_enrolled' },
  active: { read: (s) => s.currently_active, combine: 'count', change: 'currently_active' },
  completed: { read: (s) => s.completed, combine: 'count', change: 'completed' },
  converted: { read: (s) => s.goals_achieved, combine: 'count', change: 'goals_achieved' },
  exited: { read: (s) => s.exited, combine: 'count' },
  failed: { read: (s) => s.errored, combine: 'count' },
  completion_rate: { read: (s) => s.completion_rate, combine: 'rate', numerator: (s) => s.completed, denominator: (s) => s.total_enrolled, change: 'completion_rate' },
  conversion_rate: { read: (s) => s.conversion_rate, combine: 'rate', numerator: (s) => s.goals_achieved, denominator: (s) => s.total_enrolled, change: 'conversion_rate' },
  failure_rate: { read: (s) => percent(s.errored, s.total_enrolled), combine: 'rate', numerator: (s) => s.errored, denominator: (s) => s.total_enrolled },
  duration_hours: { read: (s) => s.average_duration_hours, combine: 'mean', weight: (s) => s.completed, change: 'average_duration_hours' },
  duration_hours_p50: { read: (s) => s.duration_hours.p50, combine: 'percentile' },
  time_to_conversion_hours: { read: (s) => s.time_to_conversion_hours, combine: 'mean', weight: (s) => s.goals_achieved, change: 'time_to_conversion_hours' },
};

/** The trends' per-bucket counts. */
export const TREND_FIGURES: Record<string, keyof Pick<TrendRow, 'new_enrollments' | 'completions' | 'conversions'>> = {
  new_enrollments: 'new_enrollments',
  completions: 'completions',
  conversions: 'conversions',
};

/** The overview's figures of each workflow. */
export const OVERVIEW_FIGURES: Record<string, keyof Omit<WorkflowFigures, 'workflow_id' | 'enrollments' | 'last_run_at' | 'previous'>> = {
  enrolled: 'total_enrolled',
  active: 'currently_active',
  completed: 'completed',
  completion_rate: 'completion_rate',
  converted: 'goals_achieved',
  conversion_rate: 'conversion_rate',
};
export const OVERVIEW_COUNTS = ['enrolled', 'active', 'completed', 'converted'];

export const isSeries = (name: string) => WATCHABLE.includes(name);
/** A watched metric that adds up over buckets (a count or a sum). */
export const isAdditiveSeries = (name: string) => isSeries(name) && ['count', 'sum'].includes(metric(name).kind);
/** A watched rate, which totals as Σ(value × volume) ÷ Σ volume (its volume is its denominator). */
export const isRateSeries = (name: string) => isSeries(name) && metric(name).kind === 'rate';

/** Metrics a card can show. */
export const CARD_METRICS = [...new Set([...Object.keys(SUMMARY_FIGURES), ...Object.keys(TREND_FIGURES), ...WATCHABLE.filter((m) => isAdditiveSeries(m) || isRateSeries(m))])];
/** Metrics a chart can draw per bucket (trend metrics together, or watchable ones together). */
export const CHART_METRICS = [...new Set([...Object.keys(TREND_FIGURES), ...WATCHABLE])];
/** Metrics a heatmap folds by weekday and hour. */
export const HEATMAP_METRICS = WATCHABLE.filter(isAdditiveSeries);
/** Metrics a pie can divide by workflow. */
export const PIE_WORKFLOW_METRICS = [...OVERVIEW_COUNTS, ...HEATMAP_METRICS];

/** Where a chart's metrics are read: the trends (every one a trend metric), else the series (every one watchable). */
export function chartSource(metrics: readonly string[]): 'trends' | 'series' | null {
  if (metrics.every((m) => m in TREND_FIGURES)) return 'trends';
  if (metrics.every(isSeries)) return 'series';
  return null;
}

export const definitionOf = (name: string): MetricDefinition => metric(name);

/** Where a card's metric is read. */
export const cardSource = (name: string): 'summary' | 'trends' | 'series' => (name in SUMMARY_FIGURES ? 'summary' : name in TREND_FIGURES ? 'trends' : 'series');

/** Whether a widget reads a watched metric's series (per UTC hour or day, from the rollups: no variant filter). */
export function usesSeries(type: string, metrics: readonly string[], breakdown: string | null): boolean {
  switch (type) {
    case 'metric':
      return metrics.length === 1 && cardSource(metrics[0]!) === 'series';
    case 'line':
    case 'area':
    case 'bar':
      return chartSource(metrics) === 'series';
    case 'heatmap':
      return true;
    case 'pie':
      return breakdown === 'workflow' && metrics.length === 1 && !OVERVIEW_COUNTS.includes(metrics[0]!);
    default:
      return false;
  }
}
