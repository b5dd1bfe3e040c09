/**
 * `/`: every workflow with its enrollment, change against the period before, completion, conversion, failure rate,
 * cost and last run, a sparkline with a tooltip per bucket; sortable by any column (the order in the URL,
 * `?sort=`), searchable.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, query, type WorkflowOverview, type WorkflowsOverviewResponse } from '../api.js';
import { DateControls } from '../components/DateControls.js';
import { Sparkline } from '../components/Sparkline.js';
import { Empty, ErrorState, Skeleton } from '../components/States.js';
import { DASH, describeChange, formatAgo, formatBucketDate, formatCount, formatCountOf, formatInstant, formatPercent, formatUsd } from '../format.js';
import { linkProps } from '../router.js';
import { usePageTitle } from '../use-page-title.js';
import { usePageView } from '../use-page-view.js';
import { analyticsParams, viewSearch, type View } from '../view-state.js';
import { LIST_COLUMNS, nextSort, parseSort, sortString, sortWorkflows } from '../workflow-list-model.js';
import '../errors-list.css';

const rate = (w: WorkflowOverview, r: number, locale?: string) => (w.total_enrolled === 0 ? DASH : formatPercent(r, locale));

function ChangeCell({ w, view, locale }: { w: WorkflowOverview; view: View; locale?: string | undefined }) {
  // today is compared only once it is over; a longer period ending today is compared with as many whole days before it
  const c = describeChange({ now: w.total_enrolled, before: w.previous.total_enrolled, unit: 'executions', better: 'higher', complete: view.range !== 'today' }, locale);
  return (
    <td className={`num change-cell tone-${c.tone}`} data-figure="enrolled_change_percent" data-value={w.enrolled_change_percent ?? ''} title={`Enrolled in the period before: ${formatCount(w.previous.total_enrolled, locale)}`}>
      {c.text}
      <span className="previous muted">{formatCount(w.previous.total_enrolled, locale)} before</span>
    </td>
  );
}

export function WorkflowList({ search, locale }: { search: string; locale?: string }) {
  const [view, setView] = usePageView('/', search);
  usePageTitle('Workflows');
  const [text, setText] = useState('');
  const sort = parseSort(view.sort);
  const params = { ...analyticsParams(view, false), granularity: view.range === 'today' ? 'hourly' : 'daily' };
  const q = useQuery({
    queryKey: ['overview', params],
    queryFn: ({ signal }) => api<WorkflowsOverviewResponse>(`/api/v1/analytics/workflows${query(params)}`, { signal }),
    placeholderData: keepPreviousData,
  });

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const list = (q.data?.workflows ?? []).filter((w) => !needle || w.name.toLowerCase().includes(needle) || w.workflow_id.toLowerCase().includes(needle));
    return sortWorkflows(list, sort);
  }, [q.data, text, sort.by, sort.desc]);
  const dates = q.data?.bucket_dates ?? [];
  const sortedBy = LIST_COLUMNS.find((c) => c.key === sort.by)!.label;

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
              <caption className="visually-hidden" aria-live="polite">
                Workflows, sorted by {sortedBy}, {sort.desc ? 'descending' : 'ascending'}
              </caption>
              <thead>
                <tr>
                  {LIST_COLUMNS.map((c) => (
                    <th key={c.key} className={c.numeric ? 'num' : ''} data-column={c.key} aria-sort={sort.by === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                      <button type="button" className="sort" onClick={() => setView({ ...view, sort: sortString(nextSort(sort, c.key)) })}>
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
                      <a className="strong" {...linkProps(`/workflows/${encodeURIComponent(w.workflow_id)}${viewSearch({ ...view, sort: null })}`)}>
                        {w.name}
                      </a>
                      {w.name !== w.workflow_id && <div className="muted small">{w.workflow_id}</div>}
                    </td>
                    <td className="num" data-figure="total_enrolled" data-value={w.total_enrolled}>{formatCount(w.total_enrolled, locale)}</td>
                    <ChangeCell w={w} view={view} locale={locale} />
                    <td className="num" data-figure="currently_active" data-value={w.currently_active}>{formatCount(w.currently_active, locale)}</td>
                    <td className="num" data-figure="completion_rate" data-value={w.completion_rate}>{rate(w, w.completion_rate, locale)}</td>
                    <td className="num" data-figure="conversion_rate" data-value={w.conversion_rate}>{rate(w, w.conversion_rate, locale)}</td>
                    <td className="num" data-figure="failure_rate" data-value={w.failure_rate} title={`${formatCount(w.failed, locale)} of ${formatCount(w.total_enrolled, locale)} enrolled failed; in the period before: ${w.previous.total_enrolled === 0 ? DASH : formatPercent(w.previous.failure_rate, locale)}`}>
                      {rate(w, w.failure_rate, locale)}
                    </td>
                    <td className="num" data-figure="cost_usd" data-value={w.cost_usd}>{formatUsd(w.cost_usd, locale)}</td>
                    <td className="num" data-figure="last_run_at" data-value={w.last_run_at ?? ''} title={w.last_run_at ? formatInstant(w.last_run_at, locale, view.timezone) : 'Never run'}>
                      {w.last_run_at ? formatAgo(w.last_run_at, Date.now(), locale) : DASH}
                    </td>
                    <td className="hide-narrow spark-cell">
                      <Sparkline
                        values={w.enrollments}
                        label={`New enrollments of ${w.name} over the period`}
                        describe={(i) => `${dates[i] ? formatBucketDate(dates[i]!, locale) : `#${i + 1}`}: ${formatCountOf(w.enrollments[i] ?? 0, 'new enrollment', locale)}`}
                      />
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
