/** `/`: every workflow with its enrollment, completion and conversion for the period, a sparkline, sorting and search. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, query, type WorkflowsOverviewResponse } from '../api.js';
import { DateControls } from '../components/DateControls.js';
import { Sparkline } from '../components/Sparkline.js';
import { Empty, ErrorState, Skeleton } from '../components/States.js';
import { formatCount, formatPercent } from '../format.js';
import { linkProps } from '../router.js';
import { usePageView } from '../use-page-view.js';
import { analyticsParams, viewSearch } from '../view-state.js';

type Column = 'name' | 'total_enrolled' | 'currently_active' | 'completion_rate' | 'conversion_rate';
const COLUMNS: { key: Column; label: string }[] = [
  { key: 'name', label: 'Workflow' },
  { key: 'total_enrolled', label: 'Enrolled' },
  { key: 'currently_active', label: 'Active' },
  { key: 'completion_rate', label: 'Completion' },
  { key: 'conversion_rate', label: 'Conversion' },
];

export function WorkflowList({ search, locale }: { search: string; locale?: string }) {
  const [view, setView] = usePageView('/', search);
  const [text, setText] = useState('');
  const [sort, setSort] = useState<{ by: Column; desc: boolean }>({ by: 'total_enrolled', desc: true });
  const params = { ...analyticsParams(view, false), granularity: view.range === 'today' ? 'hourly' : 'daily' };
  const q = useQuery({
    queryKey: ['overview', params],
    queryFn: ({ signal }) => api<WorkflowsOverviewResponse>(`/api/v1/analytics/workflows${query(params)}`, { signal }),
    placeholderData: keepPreviousData,
  });

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const list = (q.data?.workflows ?? []).filter((w) => !needle || w.name.toLowerCase().includes(needle) || w.workflow_id.toLowerCase().includes(needle));
    const sign = sort.desc ? -1 : 1;
    return list.sort((a, b) => (sort.by === 'name' ? sign * a.name.localeCompare(b.name) : sign * (a[sort.by] - b[sort.by])) || a.name.localeCompare(b.name));
  }, [q.data, text, sort]);

  return (
    <>
      <div className="page-head">
        <h1>Workflows</h1>
        <DateControls view={view} onChange={setView} showCompare={false} />
      </div>
      <section className="panel">
        <div className="panel-head">
          <input type="search" className="search" placeholder="Search workflows" aria-label="Search workflows" value={text} onChange={(e) => setText(e.target.value)} />
          {q.isFetching && !q.isLoading && <span className="muted small">Updating…</span>}
        </div>
        {q.isLoading ? (
          <Skeleton height={240} label="Loading workflows" />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : rows.length === 0 ? (
          <Empty>{text ? `No workflow matches “${text}”.` : 'No workflows yet: send events or register a workflow (PUT /api/v1/workflows/{id}).'}</Empty>
        ) : (
          <div className="table-scroll">
            <table className="table" aria-label="Workflows">
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c.key} className={c.key === 'name' ? '' : 'num'} aria-sort={sort.by === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                      <button type="button" className="sort" onClick={() => setSort((s) => ({ by: c.key, desc: s.by === c.key ? !s.desc : c.key !== 'name' }))}>
                        {c.label}
                        <span aria-hidden="true">{sort.by === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}</span>
                      </button>
                    </th>
                  ))}
                  <th className="hide-narrow">Enrollments</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((w) => (
                  <tr key={w.workflow_id} data-workflow={w.workflow_id}>
                    <td>
                      <a className="strong" {...linkProps(`/workflows/${encodeURIComponent(w.workflow_id)}${viewSearch(view)}`)}>
                        {w.name}
                      </a>
                      {w.name !== w.workflow_id && <div className="muted small">{w.workflow_id}</div>}
                    </td>
                    <td className="num" data-figure="total_enrolled" data-value={w.total_enrolled}>{formatCount(w.total_enrolled, locale)}</td>
                    <td className="num" data-figure="currently_active" data-value={w.currently_active}>{formatCount(w.currently_active, locale)}</td>
                    <td className="num" data-figure="completion_rate" data-value={w.completion_rate}>{formatPercent(w.completion_rate, locale)}</td>
                    <td className="num" data-figure="conversion_rate" data-value={w.conversion_rate}>{formatPercent(w.conversion_rate, locale)}</td>
                    <td className="hide-narrow spark-cell">
                      <Sparkline values={w.enrollments} label={`New enrollments of ${w.name} over the period`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
