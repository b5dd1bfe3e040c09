/** `/errors`: failed executions and steps of every readable workflow — by type, by message, over time. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { PALETTE, seriesOptions } from '../../../../src/charts/options.js';
import { api, query } from '../../api.js';
import { DataTable } from '../../components/DataTable.js';
import { FigureCards } from '../../components/FigureCards.js';
import { LazyChart } from '../../components/LazyChart.js';
import { QueryState } from '../../components/States.js';
import { DASH, formatCount, formatPercent } from '../../format.js';
import type { ErrorsResponse } from '../../platform-api.js';
import { dates, PageHead, periodParams, useWorkflowNames } from './common.js';
import { usePageView } from '../../use-page-view.js';

export function Errors({ search, locale }: { search: string; locale?: string | undefined }) {
  const [view, setView] = usePageView('/errors', search);
  const p = periodParams(view);
  const name = useWorkflowNames();
  const errors = useQuery({ queryKey: ['platform', 'errors', p], queryFn: () => api<ErrorsResponse>(`/api/v1/analytics/executions/errors${query({ ...p, limit: 50 })}`), placeholderData: keepPreviousData });
  const chart = useMemo(() => {
    const b = errors.data?.buckets ?? [];
    return seriesOptions(dates(b), [{ name: 'Errors', data: b.map((x) => x.errors), color: PALETTE.danger }]);
  }, [errors.data]);
  const when = (t: string | null) => (t === null ? DASH : new Date(t).toLocaleString(locale, { timeZone: view.timezone, dateStyle: 'medium', timeStyle: 'short' }));

  return (
    <>
      <PageHead title="Errors" view={view} onChange={setView} />
      <QueryState query={errors} skeleton={300} label="Loading errors" retry empty={(e) => e.total_errors === 0 && 'No execution or step failed in this period.'}>
        {(e) => (
          <>
            <FigureCards
              locale={locale}
              cards={[
                { key: 'total_errors', label: 'Errors', value: e.total_errors, text: formatCount(e.total_errors, locale) },
                { key: 'error_types', label: 'Error types', value: e.error_types.length, text: formatCount(e.error_types.length, locale) },
                { key: 'top_type', label: 'Most frequent', value: e.error_types[0]?.occurrences ?? null, text: e.error_types[0]?.error_type ?? '—', note: e.error_types[0] ? formatPercent(e.error_types[0].share_percent, locale) : undefined },
              ]}
            />
            <section className="panel">
              <div className="panel-head">
                <h2>Errors over the period</h2>
              </div>
              <LazyChart options={chart} label="Errors per bucket" height={240} />
            </section>
            <section className="panel">
              <div className="panel-head">
                <h2>By type</h2>
              </div>
              <DataTable
                label="Error types"
                rows={e.error_types}
                rowKey={(t) => t.error_type}
                rowData={(t) => ({ type: t.error_type })}
                columns={[
                  { label: 'Type', cell: (t) => <code>{t.error_type}</code> },
                  { label: 'Occurrences', numeric: true, cell: (t) => formatCount(t.occurrences, locale), value: (t) => t.occurrences },
                  { label: 'Share', numeric: true, cell: (t) => formatPercent(t.share_percent, locale) },
                  { label: 'Executions', numeric: true, cell: (t) => formatCount(t.executions, locale) },
                  { label: 'Workflows', numeric: true, cell: (t) => formatCount(t.workflows, locale) },
                  { label: 'Last seen', cell: (t) => when(t.last_seen) },
                ]}
              />
            </section>
            <section className="panel">
              <div className="panel-head">
                <h2>Messages</h2>
              </div>
              <DataTable
                label="Error messages"
                rows={e.errors}
                rowKey={(m) => `${m.error_type}|${m.source}|${m.error_message}`}
                columns={[
                  { label: 'Message', cell: (m) => <><code>{m.error_type}</code> {m.error_message}</> },
                  {
                    label: 'Where',
                    className: () => 'small',
                    cell: (m) => (
                      <>
                        {m.workflows.map(name).join(', ')}
                        {m.steps.length > 0 && <div className="muted">steps: {m.steps.join(', ')}</div>}
                      </>
                    ),
                  },
                  { label: 'Occurrences', numeric: true, cell: (m) => formatCount(m.occurrences, locale) },
                  { label: 'First seen', cell: (m) => when(m.first_seen) },
                  { label: 'Last seen', cell: (m) => when(m.last_seen) },
                ]}
              />
            </section>
          </>
        )}
      </QueryState>
    </>
  );
}
