/**
 * A cohort matrix as a table — a row per cohort (week or month) with its size, a column per period since, each cell a
 * share shaded by its strength, empty where the period has not begun — and the controls that choose the cohort unit
 * and the day weeks start on. The workflow page's cohorts and the activity page's users' retention both draw it.
 */
import type { ReactNode } from 'react';
import { formatCount } from '../format.js';

export interface CohortMatrixData {
  cohort: 'week' | 'month';
  columns: number;
  matrix: { cohort: string; size: number; cells: ({ count: number; share: number } | null)[] }[];
}

export type CohortUnit = { cohort: 'week' | 'month'; week_start: 'monday' | 'sunday' };

/** A cell's background: the share as the strength of the accent colour (white text past the middle). */
export function shade(share: number): { background: string; color: string } {
  const a = Math.max(0.06, Math.min(1, share / 100));
  return { background: `rgba(37, 99, 235, ${a.toFixed(2)})`, color: a > 0.55 ? '#fff' : 'inherit' };
}

/** "by week / by month" and, for weeks, the day they start on. */
export function CohortUnitControls<C extends CohortUnit>({ label, choice, onChange }: { label: string; choice: C; onChange: (c: C) => void }) {
  return (
    <>
      <label className="small">
        {label}{' '}
        <select value={choice.cohort} onChange={(e) => onChange({ ...choice, cohort: e.target.value as C['cohort'] })}>
          <option value="week">by week</option>
          <option value="month">by month</option>
        </select>
      </label>
      {choice.cohort === 'week' && (
        <label className="small">
          Weeks start{' '}
          <select value={choice.week_start} onChange={(e) => onChange({ ...choice, week_start: e.target.value as C['week_start'] })}>
            <option value="monday">Monday</option>
            <option value="sunday">Sunday</option>
          </select>
        </label>
      )}
    </>
  );
}

/**
 * The matrix: `caption` names the table (and its scrolling region), `rowHeader` and `sizeHeader` its first two columns,
 * `cellWord` what a cell's count is ("of 120 completed"), `note` the paragraph under it.
 */
export function CohortMatrixTable({ data, locale, caption, rowHeader, sizeHeader, cellWord, note }: {
  data: CohortMatrixData;
  locale?: string | undefined;
  caption: string;
  rowHeader: string;
  sizeHeader: string;
  cellWord: string;
  note: ReactNode;
}) {
  const unit = data.cohort === 'week' ? 'Week' : 'Month';
  return (
    <>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${caption} (scrolls sideways)`}>
        <table className="table cohort-matrix" aria-label={caption}>
          <thead>
            <tr>
              <th scope="col">{rowHeader}</th>
              <th scope="col" className="num">{sizeHeader}</th>
              {Array.from({ length: data.columns }, (_, k) => <th scope="col" key={k} className="num">{unit} {k}</th>)}
            </tr>
          </thead>
          <tbody>
            {data.matrix.map((row) => (
              <tr key={row.cohort}>
                <th scope="row">{row.cohort}</th>
                <td className="num">{formatCount(row.size, locale)}</td>
                {row.cells.map((c, k) =>
                  c === null || row.size === 0 ? (
                    <td key={k} aria-label="not begun" />
                  ) : (
                    <td key={k} className="num" style={shade(c.share)} title={`${formatCount(c.count, locale)} of ${formatCount(row.size, locale)} ${cellWord}`}>
                      {c.share}%
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{note}</p>
    </>
  );
}
