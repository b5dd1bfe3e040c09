/**
 * `/errors`: failed executions and steps of every readable workflow (or one: `?workflow=`) — by type, by message,
 * over time. Each failure counted once, under its most specific type (the API's `failures`: an execution that fails
 * because a step failed is the step's failure). Workflows and steps named and linked; each place opens the failing
 * executions in the workflow page's drill-down.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { PALETTE, seriesOptions } from '../../../../src/charts/options.js';
import { api, query } from '../../api.js';
import { DataTable } from '../../components/DataTable.js';
import { FigureCards } from '../../components/FigureCards.js';
import { LazyChart } from '../../components/LazyChart.js';
import { QueryState } from '../../components/States.js';
import { drillString, type Drill } from '../../drilldown-model.js';
import { DASH, formatCount, formatPercent } from '../../format.js';
import type { ErrorsResponse } from '../../platform-api.js';
import { linkProps } from '../../router.js';
import { usePageView } from '../../use-page-view.js';
import { viewSearch, type View } from '../../view-state.js';
import { dates, PageHead, periodParams, useWorkflowList } from './common.js';
import '../../errors-list.css';

type Place = ErrorsResponse['errors'][number]['places'][number];

/** The workflow page, with this page's period and timezone (not its workflow filter or table order). */
const workflowLink = (view: View, workflowId: string, drill?: Drill) =>
  `/workflows/${encodeURIComponent(workflowId)}${viewSearch({ ...view, workflow: null, sort: null, drill: drill ? drillString(drill) : null, execution: null })}`;

/**
 * The failing executions of a place, as the drill-down selects them (executions enrolled in the period): those that
 * failed and ended at the failed step, or, for an execution's own failure, those that failed with its type.
 */
const failingDrill = (p: Place, errorType: string): Drill => (p.step_id ? { status: 'failed', step_id: p.step_id, stage: 'exited' } : { error_type: errorType });

export function Errors({ search, locale }: { search: string; locale?: string | undefined }) {
  const [view, setView] = usePageView('/errors', search);
  const p = periodParams(view);
  const workflows = useWorkflowList();
  const filter = view.workflow ? { workflow_id: view.workflow } : {};
  const errors = useQuery({
    queryKey: ['platform', 'errors', p, view.workflow],
    queryFn: () => api<ErrorsResponse>(`/api/v1/analytics/executions/errors${query({ ...p, ...filter, limit: 50 })}`),
    placeholderData: keepPreviousData,
  });
  const chart = useMemo(() => {
    const b = errors.data?.buckets ?? [];
    return seriesOptions(dates(b), [{ name: 'Failures', data: b.map((x) => x.failures), color: PALETTE.danger }]);
  }, [errors.data]);
  const when = (t: string | null) => (t === null ? DASH : new Date(t).toLocaleString(locale, { timeZone: view.timezone, dateStyle: 'medium', timeStyle: 'short' }));
  const filterName = view.workflow ? (workflows.find((w) => w.workflow_id === view.workflow)?.name ?? view.workflow) : null;

  return (
    <>
      <PageHead title="Errors" titleDetail={filterName} view={view} onChange={setView}>
        <label className="inline-field">
          <span>Workflow</span>
          <select aria-label="Workflow" value={view.workflow ?? ''} onChange={(e) => setView({ ...view, workflow: e.target.value || null })}>
            <option value="">All workflows</option>
            {view.workflow && !workflows.some((w) => w.workflow_id === view.workflow) && <option value={view.workflow}>{view.workflow}</option>}
            {workflows.map((w) => (
              <option key={w.workflow_id} value={w.workflow_id}>{w.name}</option>
            ))}
          </select>
        </label>
      </PageHead>
      <QueryState query={errors} skeleton={300} label="Loading errors" retry empty={(e) => e.total_errors === 0 && (filterName ? `No execution or step of ${filterName} failed in this period.` : 'No execution or step failed in this period.')}>
        {(e) => {
          const counted = e.error_types.filter((t) => t.failures > 0);
          const folded = e.error_types.reduce((s, t) => s + t.after_step_failure, 0);
          const top = counted[0];
          return (
            <>
              <FigureCards
                locale={locale}
                cards={[
                  { key: 'total_failures', label: 'Failures', value: e.total_failures, text: formatCount(e.total_failures, locale), note: `${formatCount(e.total_errors, locale)} error events` },
                  { key: 'error_types', label: 'Error types', value: counted.length, text: formatCount(counted.length, locale) },
                  { key: 'top_type', label: 'Most frequent', value: top?.failures ?? null, text: top?.error_type ?? DASH, note: top ? `${formatPercent(top.failure_share_percent, locale)} of failures` : undefined },
                ]}
              />
              <p className="muted small counting-note" data-folded={folded}>
                Each failure is counted once, under its most specific type: when a step fails and its execution then fails, the step’s error counts it
                {folded > 0 ? ` (${formatCount(folded, locale)} execution ${folded === 1 ? 'failure' : 'failures'} counted with the step that caused ${folded === 1 ? 'it' : 'them'})` : ''}.
              </p>
              <section className="panel">
                <div className="panel-head">
                  <h2>Failures over the period</h2>
                </div>
                <LazyChart options={chart} label="Failures per bucket" height={240} />
              </section>
              <section className="panel">
                <div className="panel-head">
                  <h2>By type</h2>
                </div>
                <DataTable
                  label="Error types"
                  rows={e.error_types}
                  rowKey={(t) => t.error_type}
                  rowData={(t) => ({ type: t.error_type, failures: String(t.failures) })}
                  columns={[
                    { label: 'Type', cell: (t) => <code>{t.error_type}</code> },
                    { label: 'Failures', numeric: true, cell: (t) => formatCount(t.failures, locale), value: (t) => t.failures },
                    { label: 'Share', numeric: true, cell: (t) => (t.failures > 0 ? formatPercent(t.failure_share_percent, locale) : DASH) },
                    {
                      label: 'Events',
                      numeric: true,
                      cell: (t) => (
                        <span title={t.after_step_failure > 0 ? `${formatCount(t.after_step_failure, locale)} followed a failed step and are counted under that step’s error` : undefined}>
                          {formatCount(t.occurrences, locale)}
                          {t.after_step_failure > 0 && <span className="muted small"> ({formatCount(t.after_step_failure, locale)} with their step)</span>}
                        </span>
                      ),
                      value: (t) => t.occurrences,
                    },
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
                  rowData={(m) => ({ type: m.error_type, source: m.source })}
                  columns={[
                    { label: 'Message', cell: (m) => <><code>{m.error_type}</code> {m.error_message}</> },
                    {
                      label: 'Where',
                      className: () => 'small',
                      cell: (m) => (
                        <ul className="plain-list error-places">
                          {m.places.map((pl) => (
                            <li key={`${pl.workflow_id}|${pl.step_id ?? ''}`} data-workflow={pl.workflow_id} data-step={pl.step_id ?? ''}>
                              <a {...linkProps(workflowLink(view, pl.workflow_id))}>{pl.workflow_name}</a>
                              {pl.step_name !== null && <> › <span className="step-name">{pl.step_name}</span></>}
                              {m.places.length > 1 && <span className="muted"> ({formatCount(pl.occurrences, locale)})</span>}
                              {' · '}
                              <a
                                className="open-failing"
                                {...linkProps(workflowLink(view, pl.workflow_id, failingDrill(pl, m.error_type)))}
                                title={pl.step_id ? 'Executions enrolled in this period that failed and ended at this step' : `Executions enrolled in this period that failed with ${m.error_type}`}
                              >
                                failing executions
                              </a>
                            </li>
                          ))}
                        </ul>
                      ),
                    },
                    { label: 'Failures', numeric: true, cell: (m) => formatCount(m.failures, locale), value: (m) => m.failures },
                    { label: 'Events', numeric: true, cell: (m) => formatCount(m.occurrences, locale), value: (m) => m.occurrences },
                    { label: 'First seen', cell: (m) => when(m.first_seen) },
                    { label: 'Last seen', cell: (m) => when(m.last_seen) },
                  ]}
                />
              </section>
            </>
          );
        }}
      </QueryState>
    </>
  );
}
