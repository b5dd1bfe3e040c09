/** Counts by reason or source as labelled bars, largest first (exit reasons, enrollment sources, goals); with `href`, each label links to its executions. */
import { formatCount, formatPercent } from '../format.js';
import { linkProps } from '../router.js';
import { Empty } from './States.js';

export function Breakdown({ counts, empty, locale, name, href }: { counts: Record<string, number>; empty: string; locale?: string; name: string; href?: ((key: string) => string) | undefined }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (entries.length === 0) return <Empty>{empty}</Empty>;
  return (
    <ul className="breakdown" aria-label={name}>
      {entries.map(([label, n]) => (
        <li key={label} data-key={label} data-value={n}>
          {href ? (
            <a className="breakdown-label" {...linkProps(href(label))} title={`List the ${formatCount(n, locale)} executions`}>
              {label.replaceAll('_', ' ')}
            </a>
          ) : (
            <span className="breakdown-label">{label.replaceAll('_', ' ')}</span>
          )}
          <span className="breakdown-track">
            <span className="breakdown-bar" style={{ width: `${(n / entries[0]![1]) * 100}%` }} />
          </span>
          <span className="breakdown-count">
            {formatCount(n, locale)} <small>{formatPercent((n / total) * 100, locale)}</small>
          </span>
        </li>
      ))}
    </ul>
  );
}
