/** A row of figure cards: a label, the value as read, and optionally its change against the previous period; a value with `href` links to the executions behind it. */
import type { ReactNode } from 'react';
import { changeTone, formatChange } from '../format.js';
import { linkProps } from '../router.js';

export interface FigureCard {
  key: string;
  label: string;
  /** The raw number (kept in data-value, so tests compare it with the API's). */
  value: number | null;
  text: string;
  /** Change in percent; undefined = no comparison shown. */
  change?: number | null | undefined;
  higherIsBetter?: boolean;
  note?: ReactNode;
  /** The app URL listing what the figure counts (the drill-down); the value becomes a link. */
  href?: string | undefined;
}

export function FigureCards({ cards, locale }: { cards: FigureCard[]; locale?: string | undefined }) {
  return (
    <div className="cards">
      {cards.map((card) => (
        <div className="card" key={card.key} data-figure={card.key} data-value={card.value ?? ''}>
          <div className="card-label">{card.label}</div>
          <div className="card-value">
            {card.href ? (
              <a className="figure-link" {...linkProps(card.href)} aria-label={`${card.label}: ${card.text}. List the executions`} title="List the executions">
                {card.text}
              </a>
            ) : (
              card.text
            )}
          </div>
          {card.change !== undefined && (
            <div className={`card-change tone-${changeTone(card.change, card.higherIsBetter ?? true)}`} title="Change against the previous period of the same length">
              {formatChange(card.change, locale)} <span className="muted">vs previous</span>
            </div>
          )}
          {card.note && <div className="card-change muted">{card.note}</div>}
        </div>
      ))}
    </div>
  );
}
