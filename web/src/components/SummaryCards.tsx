/** The summary cards: each figure of the period with its change against the previous period. */
import type { SummaryResponse } from '../api.js';
import { changeTone, formatChange, formatCount, formatHours, formatPercent } from '../format.js';
import { changePercent } from '../../../src/metrics/change.js';

interface Card {
  key: string;
  label: string;
  value: number | null;
  text: string;
  change: number | null | undefined;
  higherIsBetter: boolean;
}

export function SummaryCards({ data, locale }: { data: SummaryResponse; locale?: string }) {
  const s = data.summary;
  const c = data.comparison;
  const cards: Card[] = [
    { key: 'total_enrolled', label: 'Enrolled', value: s.total_enrolled, text: formatCount(s.total_enrolled, locale), change: c?.change_percent.total_enrolled, higherIsBetter: true },
    { key: 'currently_active', label: 'Active now', value: s.currently_active, text: formatCount(s.currently_active, locale), change: c?.change_percent.currently_active, higherIsBetter: true },
    { key: 'completed', label: 'Completed', value: s.completed, text: formatCount(s.completed, locale), change: c?.change_percent.completed, higherIsBetter: true },
    { key: 'completion_rate', label: 'Completion rate', value: s.completion_rate, text: formatPercent(s.completion_rate, locale), change: c?.change_percent.completion_rate, higherIsBetter: true },
    { key: 'goals_achieved', label: 'Goals achieved', value: s.goals_achieved, text: formatCount(s.goals_achieved, locale), change: c?.change_percent.goals_achieved, higherIsBetter: true },
    { key: 'conversion_rate', label: 'Conversion rate', value: s.conversion_rate, text: formatPercent(s.conversion_rate, locale), change: c?.change_percent.conversion_rate, higherIsBetter: true },
    { key: 'average_duration_hours', label: 'Average duration', value: s.average_duration_hours, text: formatHours(s.average_duration_hours, locale), change: c?.change_percent.average_duration_hours, higherIsBetter: false },
    {
      key: 'median_duration_hours',
      label: 'Median duration',
      value: s.duration_hours.p50,
      text: formatHours(s.duration_hours.p50, locale),
      change: c ? changePercent(s.duration_hours.p50, c.summary.duration_hours.p50) : undefined,
      higherIsBetter: false,
    },
  ];
  return (
    <div className="cards">
      {cards.map((card) => {
        const tone = changeTone(card.change, card.higherIsBetter);
        return (
          <div className="card" key={card.key} data-figure={card.key} data-value={card.value ?? ''}>
            <div className="card-label">{card.label}</div>
            <div className="card-value">{card.text}</div>
            {card.change !== undefined && (
              <div className={`card-change tone-${tone}`} title="Change against the previous period of the same length">
                {formatChange(card.change, locale)} <span className="muted">vs previous</span>
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
