/** The workflow summary's cards: each figure of the period with its change against the previous period; the counts link to their executions with `href`. */
import type { SummaryChange, SummaryResponse } from '../api.js';
import { changePercent, formatCount, formatHours, formatPercent } from '../format.js';
import { FigureCards, type FigureCard } from './FigureCards.js';

export function SummaryCards({ data, locale, href }: { data: SummaryResponse; locale?: string | undefined; href?: ((figure: string) => string | undefined) | undefined }) {
  const s = data.summary;
  const c = data.comparison;
  const change = (k: keyof SummaryChange) => (c ? c.change_percent[k] : undefined);
  return (
    <FigureCards
      locale={locale}
      cards={([
        { key: 'total_enrolled', label: 'Enrolled', value: s.total_enrolled, text: formatCount(s.total_enrolled, locale), change: change('total_enrolled') },
        { key: 'currently_active', label: 'Active now', value: s.currently_active, text: formatCount(s.currently_active, locale), change: change('currently_active') },
        { key: 'completed', label: 'Completed', value: s.completed, text: formatCount(s.completed, locale), change: change('completed') },
        { key: 'completion_rate', label: 'Completion rate', value: s.completion_rate, text: formatPercent(s.completion_rate, locale), change: change('completion_rate') },
        { key: 'goals_achieved', label: 'Goals achieved', value: s.goals_achieved, text: formatCount(s.goals_achieved, locale), change: change('goals_achieved') },
        { key: 'conversion_rate', label: 'Conversion rate', value: s.conversion_rate, text: formatPercent(s.conversion_rate, locale), change: change('conversion_rate') },
        { key: 'average_duration_hours', label: 'Average duration', value: s.average_duration_hours, text: formatHours(s.average_duration_hours, locale), change: change('average_duration_hours'), higherIsBetter: false },
        {
          key: 'median_duration_hours',
          label: 'Median duration',
          value: s.duration_hours.p50,
          text: formatHours(s.duration_hours.p50, locale),
          change: c ? changePercent(s.duration_hours.p50, c.summary.duration_hours.p50) : undefined,
          higherIsBetter: false,
        },
      ] as FigureCard[]).map((card) => ({ ...card, href: href?.(card.key) }))}
    />
  );
}
