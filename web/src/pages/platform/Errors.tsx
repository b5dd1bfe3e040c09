/** `/errors`: failed executions and steps of every readable workflow — by type, by message, over time. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { PALETTE, seriesOptions } from '../../../../src/charts/options.js';
import { api, query } from '../../api.js';
import { FigureCards } from '../../components/FigureCards.js';
import { LazyChart } from '../../components/LazyChart.js';
import { QueryState } from '../../components/States.js';
import { formatCount, formatPercent } from '../../format.js';
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
  const when = (t: string) => new Date(t).toLocaleString(locale, { timeZone: view.timezone, dateStyle: 'medium', timeStyle: 'short' });

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
              <div className="table-scroll">
                <table className="table" aria-label="Error types">
                  <thead>
                    <tr>
                      <th>Type</th>
                      <th className="num">Occurrences</th>
                      <th className="num">Share</th>
                      <th className="num">Executions</th>
                      <th className="num">Workflows</th>
                      <th>Last seen</th>
                    </tr>
                  </thead>
                  <tbody>
                    {e.error_types.map((t) => (
                      <tr key={t.error_type} data-type={t.error_type}>
                        <td>
                          <code>{t.error_type}</code>
                        </td>
                        <td className="num" data-value={t.occurrences}>{formatCount(t.occurrences, locale)}</td>
                        <td className="num">{formatPercent(t.share_percent, locale)}</td>
                        <td className="num">{formatCount(t.executions, locale)}</td>
                        <td className="num">{formatCount(t.workflows, locale)}</td>
                        <td>{when(t.last_seen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
            <section className="panel">
              <div className="panel-head">
                <h2>Messages</h2>
              </div>
              <div className="table-scroll">
                <table className="table" aria-label="Error messages">
                  <thead>
                    <tr>
                      <th>Message</th>
                      <th>Where</th>
                      <th className="num">Occurrences</th>
                      <th>First seen</th>
                      <th>Last seen</th>
                    </tr>
                  </thead>
                  <tbody>
                    {e.errors.map((m) => (
                      <tr key={`${m.error_type}|${m.source}|${m.error_message}`}>
                        <td>
                          <code>{m.error_type}</code> {m.error_message}
                        </td>
                        <td className="small">
                          {m.workflows.map(name).join(', ')}
                          {m.steps.length > 0 && <div className="muted">steps: {m.steps.join(', ')}</div>}
                        </td>
                        <td className="num">{formatCount(m.occurrences, locale)}</td>
                        <td>{when(m.first_seen)}</td>
                        <td>{when(m.last_seen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          </>
        )}
      </QueryState>
    </>
  );
}
