/**
 * Action performance: one row per action step, sortable by any column, error types on expand. Its runs are counted
 * by their own time, not by enrolment like the funnel beside it: a note under the table says so (RUNS_NOTE).
 */
import { Fragment, useState } from 'react';
import type { ActionRow } from '../api.js';
import { formatCount, formatDuration, formatPercent } from '../format.js';
import { Empty } from './States.js';

type Column = 'action_name' | 'executions' | 'success_rate' | 'failures' | 'average_duration_ms' | 'p95_duration_ms';
const COLUMNS: { key: Column; label: string; numeric: boolean }[] = [
  { key: 'action_name', label: 'Action', numeric: false },
  { key: 'executions', label: 'Runs', numeric: true },
  { key: 'success_rate', label: 'Success', numeric: true },
  { key: 'failures', label: 'Failures', numeric: true },
  { key: 'average_duration_ms', label: 'Mean time', numeric: true },
  { key: 'p95_duration_ms', label: 'p95 time', numeric: true },
];

/** Why a step's runs here and its counts in the funnel differ. */
export const RUNS_NOTE =
  'Runs are the step’s completions and failures that happened in this period (a retried step counts each time), whoever enrolled when. ' +
  'The funnel counts the executions enrolled in this period that reached the step, whenever they got there. The same step can show different numbers in the two.';

export function sortActions(rows: ActionRow[], by: Column, desc: boolean): ActionRow[] {
  const sign = desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[by];
    const y = b[by];
    if (typeof x === 'string' || typeof y === 'string') return sign * String(x).localeCompare(String(y));
    return sign * ((x ?? -Infinity) - (y ?? -Infinity)) || a.action_id.localeCompare(b.action_id);
  });
}

export function ActionsTable({ rows, locale }: { rows: ActionRow[]; locale?: string }) {
  const [sort, setSort] = useState<{ by: Column; desc: boolean }>({ by: 'executions', desc: true });
  const [open, setOpen] = useState<Set<string>>(new Set());
  if (rows.length === 0) return <Empty>No action step ran in this period.</Empty>;
  const sorted = sortActions(rows, sort.by, sort.desc);
  const toggle = (id: string) => setOpen((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  return (
    <>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Action performance (scrolls sideways)">
        <table className="table" aria-label="Action performance" aria-describedby="actions-runs-note">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} className={c.numeric ? 'num' : ''} aria-sort={sort.by === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="sort" title={c.key === 'executions' ? RUNS_NOTE : undefined} onClick={() => setSort((s) => ({ by: c.key, desc: s.by === c.key ? !s.desc : c.numeric }))}>
                    {c.label}
                    <span aria-hidden="true">{sort.by === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}</span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => {
              const errors = Object.entries(r.error_types);
              const expanded = open.has(r.action_id);
              return (
                <Fragment key={r.action_id}>
                  <tr data-action={r.action_id}>
                    <td>
                      <button type="button" className="expand" aria-expanded={expanded} disabled={errors.length === 0} onClick={() => toggle(r.action_id)} title={errors.length ? 'Show error types' : 'No errors'}>
                        <span aria-hidden="true">{errors.length ? (expanded ? '▾' : '▸') : '·'}</span>
                      </button>
                      <span className="action-name">{r.action_name || r.action_id}</span> <span className="muted small">{r.action_type}</span>
                    </td>
                    <td className="num" data-value={r.executions}>{formatCount(r.executions, locale)}</td>
                    <td className={`num ${r.success_rate < 95 ? 'tone-down' : ''}`} data-value={r.success_rate}>{formatPercent(r.success_rate, locale)}</td>
                    <td className="num" data-value={r.failures}>{formatCount(r.failures, locale)}</td>
                    <td className="num">{formatDuration(r.average_duration_ms === null ? null : r.average_duration_ms / 1000, locale)}</td>
                    <td className="num">{formatDuration(r.p95_duration_ms === null ? null : r.p95_duration_ms / 1000, locale)}</td>
                  </tr>
                  {expanded && (
                    <tr className="errors-row">
                      <td colSpan={COLUMNS.length}>
                        <ul className="errors">
                          {errors.map(([type, n]) => (
                            <li key={type}>
                              <code>{type}</code> {formatCount(n, locale)}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small runs-note" id="actions-runs-note">{RUNS_NOTE}</p>
    </>
  );
}
