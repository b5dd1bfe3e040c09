/**
 * A row of figure cards: a label, the value as read, and its change against the previous period with context —
 * the previous value beside it, rates in points, no percentage on a tiny base, coloured by whether the move is good
 * for the metric, "so far" while the period runs (describeChange, src/format/changes.ts). A value with `href`
 * links to the executions behind it.
 */
import type { ReactNode } from 'react';
import { describeChange, formatChange, toneOf } from '../format.js';
import { linkProps } from '../router.js';

export interface FigureCard {
  key: string;
  label: string;
  /** The raw number (kept in data-value, so tests compare it with the API's). */
  value: number | null;
  text: string;
  /** The previous period's value: the change is read from it (with `unit` and `better`). undefined = no comparison shown. */
  previous?: number | null | undefined;
  /** The metric's unit in the catalog (percent, hours, usd, executions, …). */
  unit?: string | undefined;
  /** Which way is good news (the catalog's `better`); default higher. */
  better?: string | undefined;
  /** false while the period includes now: the change is "so far", not judged. */
  complete?: boolean | undefined;
  /** Words after the previous value saying which part of the previous period it covers ("by Mar 1, 09:10"). */
  previousNote?: string | undefined;
  /** A change in percent given without the previous value (pages that have only that); undefined = none. */
  change?: number | null | undefined;
  higherIsBetter?: boolean;
  note?: ReactNode;
  /** The app URL listing what the figure counts (the drill-down); the value becomes a link. */
  href?: string | undefined;
}

function Change({ card, locale }: { card: FigureCard; locale?: string | undefined }) {
  if (card.previous !== undefined) {
    const c = describeChange({ now: card.value, before: card.previous, unit: card.unit, better: card.better ?? 'higher', complete: card.complete }, locale);
    const title = c.kind === 'in_progress' ? 'The period is not over: its figure so far, beside the whole previous period' : 'Change against the previous period of the same length';
    return (
      <div className={`card-change tone-${c.tone}`} title={title} data-change-kind={c.kind}>
        {c.kind === 'in_progress' ? <span className="muted">So far</span> : <span className="change-text">{c.text}</span>}{' '}
        <span className="muted">
          {c.kind === 'in_progress' ? '· previous period' : 'vs'} {c.previous}
          {card.previousNote ? ` ${card.previousNote}` : ''}
        </span>
      </div>
    );
  }
  if (card.change === undefined) return null;
  return (
    <div className={`card-change tone-${toneOf(card.change, (card.higherIsBetter ?? true) ? 'higher' : 'lower')}`} title="Change against the previous period of the same length" data-change-kind="percent">
      {formatChange(card.change, locale)} <span className="muted">vs previous</span>
    </div>
  );
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
          <Change card={card} locale={locale} />
          {card.note && <div className="card-change muted">{card.note}</div>}
        </div>
      ))}
    </div>
  );
}
