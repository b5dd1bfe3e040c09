/**
 * The workflow summary's cards: each figure of the period beside its previous value, its change read by the
 * metric catalog's unit and better direction (rates in points, no percentage on a tiny base, "so far" while the
 * period runs, unless only the last day of a week or longer is left: changesJudged — enrollments then compare with
 * the previous period up to the same point, like with like); the counts link to their executions with `href`.
 * A history period's median says how close it is (percentileNote).
 */
import type { SummaryResponse } from '../api.js';
import { changesJudged, formatBucketDate, formatMetricValue } from '../format.js';
import { useMetricInfo } from '../metric-catalog.js';
import { FigureCards, type FigureCard } from './FigureCards.js';

type Figure = [key: string, label: string, metric: string, unit: string, value: (s: SummaryResponse['summary']) => number | null];

/** Each card: its summary field, the catalog metric it is (unit and better direction), and the unit to read it in until the catalog answers. */
const FIGURES: Figure[] = [
  ['total_enrolled', 'Enrolled', 'enrolled', 'executions', (s) => s.total_enrolled],
  ['currently_active', 'Active now', 'active', 'executions', (s) => s.currently_active],
  ['completed', 'Completed', 'completed', 'executions', (s) => s.completed],
  ['completion_rate', 'Completion rate', 'completion_rate', 'percent', (s) => s.completion_rate],
  ['goals_achieved', 'Goals achieved', 'converted', 'executions', (s) => s.goals_achieved],
  ['conversion_rate', 'Conversion rate', 'conversion_rate', 'percent', (s) => s.conversion_rate],
  ['average_duration_hours', 'Average duration', 'duration_hours', 'hours', (s) => s.average_duration_hours],
  ['median_duration_hours', 'Median duration', 'duration_hours_p50', 'hours', (s) => s.duration_hours.p50],
];

/**
 * What the median's card says when its period reaches back before the raw window: the server answers such a
 * period from per-day states, its percentiles within a stated relative error (period.history.percentile_error).
 */
export function percentileNote(period: SummaryResponse['period']): string | undefined {
  const error = period.history?.percentile_error;
  return error ? `within ${+(error * 100).toFixed(2)} % (daily history)` : undefined;
}

export function SummaryCards({ data, locale, href }: { data: SummaryResponse; locale?: string | undefined; href?: ((figure: string) => string | undefined) | undefined }) {
  const info = useMetricInfo();
  const before = data.comparison?.summary;
  const judged = changesJudged(data.period);
  // while the period runs, enrollments compare like with like: the previous period up to the same point
  const same = judged ? undefined : data.comparison?.same_elapsed;
  const approximate = percentileNote(data.period);
  const cards: FigureCard[] = FIGURES.map(([key, label, metric, unit, value]) => {
    const m = info(metric);
    const v = value(data.summary);
    const compared = key === 'total_enrolled' && same
      ? { previous: same.total_enrolled, unit: m.unit ?? unit, better: m.better, complete: true, previousNote: `by ${formatBucketDate(same.until, locale)}` }
      : before ? { previous: value(before), unit: m.unit ?? unit, better: m.better, complete: judged } : {};
    return { key, label, value: v, text: formatMetricValue(v, unit, locale), ...compared, href: href?.(key), ...(key === 'median_duration_hours' && approximate ? { note: approximate } : {}) };
  });
  return <FigureCards locale={locale} cards={cards} />;
}
