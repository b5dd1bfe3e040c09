/** `/overview`: every readable workflow together — executions by outcome, success, duration, cost, rankings and ROI. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { PALETTE, seriesOptions } from '../../../../src/charts/options.js';
import { api, query } from '../../api.js';
import { DataTable } from '../../components/DataTable.js';
import { FigureCards } from '../../components/FigureCards.js';
import { LazyChart } from '../../components/LazyChart.js';
import { ErrorState, QueryState, Skeleton } from '../../components/States.js';
import { formatCount, formatDuration, formatHours, formatPercent, formatRoi, formatUsd } from '../../format.js';
import { useMetricInfo } from '../../metric-catalog.js';
import { begunBuckets, periodJudged } from '../../period-progress.js';
import type { CostsResponse, ExecutionsResponse, ExecutionsSummaryResponse, RankedWorkflow, RankingsResponse, RoiResponse } from '../../platform-api.js';
import { linkProps } from '../../router.js';
import { viewSearch } from '../../view-state.js';
import { dates, PageHead, periodParams, useWorkflowNames } from './common.js';
import { usePageView } from '../../use-page-view.js';

export function Overview({ search, locale }: { search: string; locale?: string | undefined }) {
  const [view, setView] = usePageView('/overview', search);
  const p = periodParams(view);
  const compare = view.compare ? { compare: 'previous_period' } : {};
  const name = useWorkflowNames();
  const summary = useQuery({ queryKey: ['platform', 'exec-summary', p, compare], queryFn: () => api<ExecutionsSummaryResponse>(`/api/v1/analytics/executions/summary${query({ ...p, ...compare })}`), placeholderData: keepPreviousData });
  const executions = useQuery({ queryKey: ['platform', 'executions', p], queryFn: () => api<ExecutionsResponse>(`/api/v1/analytics/executions${query(p)}`), placeholderData: keepPreviousData });
  const costs = useQuery({ queryKey: ['platform', 'costs', p], queryFn: () => api<CostsResponse>(`/api/v1/analytics/costs${query(p)}`), placeholderData: keepPreviousData });
  const rankings = useQuery({ queryKey: ['platform', 'rankings', p], queryFn: () => api<RankingsResponse>(`/api/v1/analytics/workflows/rankings${query({ ...p, limit: 5 })}`), placeholderData: keepPreviousData });
  const roi = useQuery({ queryKey: ['platform', 'roi', p], queryFn: () => api<RoiResponse>(`/api/v1/analytics/roi${query(p)}`), placeholderData: keepPreviousData });

  const chart = useMemo(() => {
    // drawn up to now: the buckets after it are the future, not zeros
    const b = begunBuckets(executions.data?.buckets ?? [], view.timezone);
    return seriesOptions(dates(b), [
      { name: 'Succeeded', data: b.map((x) => x.succeeded), stack: 'outcome', color: PALETTE.success },
      { name: 'Failed', data: b.map((x) => x.failed), stack: 'outcome', color: PALETTE.danger },
      { name: 'Exited', data: b.map((x) => x.exited), stack: 'outcome', color: PALETTE.muted },
      { name: 'Active', data: b.map((x) => x.active), stack: 'outcome', color: PALETTE.primary },
    ]);
  }, [executions.data, view.timezone]);

  const s = summary.data?.summary;
  // each card beside its previous value, its change read by the catalog's unit and better direction
  const info = useMetricInfo();
  const prev = summary.data?.comparison?.summary;
  const complete = periodJudged(summary.data?.period);
  const compared = (metric: string, previous: number | null | undefined, unit: string) => (prev ? { previous: previous ?? null, unit: info(metric).unit ?? unit, better: info(metric).better, complete } : {});
  return (
    <>
      <PageHead title="Overview" view={view} onChange={setView} compare />
      {summary.isError ? (
        <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
      ) : s && costs.data ? (
        <FigureCards
          locale={locale}
          cards={[
            { key: 'executions', label: 'Executions', value: s.executions, text: formatCount(s.executions, locale), ...compared('new_enrollments', prev?.executions, 'executions') },
            { key: 'success_rate', label: 'Success rate', value: s.success_rate, text: formatPercent(s.success_rate, locale), ...compared('execution_completion_rate', prev?.success_rate, 'percent') },
            { key: 'failure_rate', label: 'Failure rate', value: s.failure_rate, text: formatPercent(s.failure_rate, locale), ...compared('execution_failure_rate', prev?.failure_rate, 'percent') },
            { key: 'duration_p50', label: 'Median duration', value: s.duration_seconds.p50, text: formatDuration(s.duration_seconds.p50, locale), ...(prev ? { previous: prev.duration_seconds.p50, unit: 'seconds', better: 'lower', complete } : {}), note: `p95 ${formatDuration(s.duration_seconds.p95, locale)}` },
            { key: 'active', label: 'Still running', value: s.active, text: formatCount(s.active, locale) },
            { key: 'failed', label: 'Failed', value: s.failed, text: formatCount(s.failed, locale), ...compared('failed', prev?.failed, 'executions') },
            { key: 'cost_usd', label: 'Cost', value: costs.data.totals.usd, text: formatUsd(costs.data.totals.usd, locale), note: `${formatCount(costs.data.totals.credits, locale)} credits` },
            { key: 'usd_per_execution', label: 'Cost per execution', value: costs.data.per_execution.usd_per_execution, text: formatUsd(costs.data.per_execution.usd_per_execution, locale) },
          ]}
        />
      ) : (
        <Skeleton height={180} label="Loading figures" />
      )}
      <section className="panel">
        <div className="panel-head">
          <h2>Executions by outcome</h2>
          <span className="muted small">by enrolment time</span>
        </div>
        {executions.isError ? <ErrorState error={executions.error} /> : executions.data ? <LazyChart options={chart} label="Executions per bucket, stacked by outcome" /> : <Skeleton height={300} />}
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>Rankings</h2>
        </div>
        <QueryState query={rankings} skeleton={200}>
          {(d) => (
            <div className="rankings">
              <Ranking title="Most used" rows={d.most_used} value={(r) => formatCount(r.executions, locale)} name={name} search={viewSearch(view)} />
              <Ranking title="Slowest (mean)" rows={d.slowest} value={(r) => formatDuration(r.duration_seconds.mean, locale)} name={name} search={viewSearch(view)} />
              <Ranking title="Most failing" rows={d.most_failing} value={(r) => formatPercent(r.failure_rate, locale)} name={name} search={viewSearch(view)} />
              <Ranking title="Most costly" rows={d.most_costly} value={(r) => formatUsd(r.cost_usd, locale)} name={name} search={viewSearch(view)} />
            </div>
          )}
        </QueryState>
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>Return on investment</h2>
          <span className="muted small">
            time saved and value per conversion from the catalog, or the <a {...linkProps('/settings/roi')}>ROI assumptions</a>
          </span>
        </div>
        <QueryState query={roi} skeleton={200} empty={(d) => d.workflows.length === 0 && 'No executions in this period.'}>
          {(d) => (
            <DataTable
              label="Return on investment"
              rows={d.workflows}
              rowKey={(w) => w.workflow_id}
              rowData={(w) => ({ workflow: w.workflow_id })}
              columns={[
                { label: 'Workflow', cell: (w) => name(w.workflow_id), footer: 'All' },
                { label: 'Executions', numeric: true, cell: (w) => formatCount(w.executions, locale), footer: formatCount(d.totals.executions, locale) },
                { label: 'Time saved', numeric: true, cell: (w) => formatHours(w.time_saved_hours, locale), footer: formatHours(d.totals.time_saved_hours, locale) },
                { label: 'Value', numeric: true, cell: (w) => formatUsd(w.value_generated_usd, locale), footer: formatUsd(d.totals.value_generated_usd, locale) },
                { label: 'Cost', numeric: true, cell: (w) => formatUsd(w.cost_usd, locale), footer: formatUsd(d.totals.cost_usd, locale) },
                { label: 'ROI', numeric: true, cell: (w) => formatRoi(w.roi_percent, locale), value: (w) => w.roi_percent, footer: formatRoi(d.totals.roi_percent, locale) },
              ]}
            />
          )}
        </QueryState>
      </section>
    </>
  );
}

function Ranking({ title, rows, value, name, search }: { title: string; rows: RankedWorkflow[]; value: (r: RankedWorkflow) => string; name: (id: string) => string; search: string }) {
  return (
    <div className="ranking">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted small">Nothing to rank.</p>
      ) : (
        <ol>
          {rows.map((r) => (
            <li key={r.workflow_id}>
              <a {...linkProps(`/workflows/${encodeURIComponent(r.workflow_id)}${search}`)}>{name(r.workflow_id)}</a>
              <span className="ranking-value">{value(r)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
