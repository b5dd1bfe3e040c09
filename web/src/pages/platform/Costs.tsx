/** `/costs`: credits and USD over time, the 30-day forecast with its interval, breakdowns, budgets. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { forecastOptions, PALETTE, seriesOptions } from '../../../../src/charts/options.js';
import { api, ApiError, query } from '../../api.js';
import { DataTable } from '../../components/DataTable.js';
import { FigureCards } from '../../components/FigureCards.js';
import { LazyChart } from '../../components/LazyChart.js';
import { Empty, ErrorState, QueryState, Skeleton } from '../../components/States.js';
import { formatCount, formatPercent, formatRange, formatUsd } from '../../format.js';
import { begunBuckets } from '../../period-progress.js';
import type { BreakdownResponse, BudgetsResponse, CostsResponse, ForecastResponse } from '../../platform-api.js';
import { dates, PageHead, periodParams, useWorkflowNames } from './common.js';
import { usePageView } from '../../use-page-view.js';
import { linkProps } from '../../router.js';

const BY = [
  { key: 'workflow', label: 'Workflow' },
  { key: 'action_type', label: 'Action type' },
  { key: 'step', label: 'Step' },
  { key: 'user', label: 'User' },
] as const;

export function Costs({ search, locale }: { search: string; locale?: string | undefined }) {
  const [view, setView] = usePageView('/costs', search);
  const [by, setBy] = useState<(typeof BY)[number]['key']>('workflow');
  const p = periodParams(view);
  const name = useWorkflowNames();
  const costs = useQuery({ queryKey: ['platform', 'costs', p], queryFn: () => api<CostsResponse>(`/api/v1/analytics/costs${query(p)}`), placeholderData: keepPreviousData });
  const breakdown = useQuery({ queryKey: ['platform', 'breakdown', p, by], queryFn: () => api<BreakdownResponse>(`/api/v1/analytics/costs/breakdown${query({ ...p, by })}`), placeholderData: keepPreviousData });
  const forecast = useQuery({ queryKey: ['platform', 'forecast', view.timezone], queryFn: () => api<ForecastResponse>(`/api/v1/analytics/costs/forecast${query({ timezone: view.timezone })}`) });
  const budgets = useQuery({ queryKey: ['platform', 'budgets'], queryFn: () => api<BudgetsResponse>('/api/v1/analytics/costs/budgets') });

  const spend = useMemo(() => {
    // drawn up to now: the buckets after it are the future, not zeros
    const b = begunBuckets(costs.data?.buckets ?? [], view.timezone);
    return seriesOptions(dates(b), [{ name: 'Spent', data: b.map((x) => x.usd), color: PALETTE.primary }], { unit: 'usd', locale });
  }, [costs.data, locale, view.timezone]);
  const outlook = useMemo(() => {
    const f = forecast.data;
    if (!f) return null;
    return forecastOptions(
      f.history.daily.map((d) => ({ date: d.date, value: d.usd })),
      f.forecast.map((d) => ({ date: d.date, value: d.usd, lower: d.usd_lower, upper: d.usd_upper })),
      'Spent per day',
      PALETTE.primary,
      { unit: 'usd', locale },
    );
  }, [forecast.data, locale]);

  const c = costs.data;
  const f = forecast.data;
  const label = (key: string | null) => (by === 'workflow' ? name(key) : (key ?? 'none'));
  return (
    <>
      <PageHead title="Costs" view={view} onChange={setView} />
      {costs.isError ? (
        <ErrorState error={costs.error} onRetry={() => void costs.refetch()} />
      ) : c ? (
        <FigureCards
          locale={locale}
          cards={[
            { key: 'usd', label: 'Spent (USD)', value: c.totals.usd, text: formatUsd(c.totals.usd, locale) },
            { key: 'credits', label: 'Credits used', value: c.totals.credits, text: formatCount(c.totals.credits, locale) },
            { key: 'usd_per_execution', label: 'Cost per execution', value: c.per_execution.usd_per_execution, text: formatUsd(c.per_execution.usd_per_execution, locale), note: `over ${formatCount(c.per_execution.executions, locale)} executions enrolled` },
            {
              key: 'forecast_usd',
              label: `Next ${f?.totals.days ?? 30} days (forecast)`,
              value: f?.totals.usd ?? null,
              text: f ? formatUsd(f.totals.usd, locale) : '…',
              note: f ? `95% interval ${formatRange(f.totals.usd_lower, f.totals.usd_upper, 'usd', locale)}` : undefined,
            },
          ]}
        />
      ) : (
        <Skeleton height={110} label="Loading costs" />
      )}
      <div className="grid-2">
        <section className="panel">
          <div className="panel-head">
            <h2>Spend over the period</h2>
            <span className="muted small">by event time</span>
          </div>
          {c ? <LazyChart options={spend} label="USD per bucket" height={260} /> : <Skeleton height={260} />}
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Forecast</h2>
            {f?.backtest.usd && (
              <span className="muted small" title="The model refitted without its last days forecast them; how far off it was">
                backtest over {f.backtest.usd.holdout_days} days: WAPE {formatPercent(f.backtest.usd.wape_percent, locale)}, {formatPercent(f.backtest.usd.interval_coverage_percent, locale)} inside the interval
              </span>
            )}
          </div>
          {forecast.isError ? <ErrorState error={forecast.error} /> : outlook ? <LazyChart options={outlook} label="USD per day: history, forecast and 95% interval" height={260} /> : <Skeleton height={260} />}
          {f && <p className="muted small">Model: linear trend + weekday effects, fitted on {f.model.usd.days_fitted} days (trend {formatUsd(f.model.usd.slope_per_day, locale)} per day).</p>}
        </section>
      </div>
      <section className="panel">
        <div className="panel-head">
          <h2>Breakdown</h2>
          <div className="segmented small" role="group" aria-label="Break down by">
            {BY.map((b) => (
              <button key={b.key} type="button" aria-pressed={by === b.key} onClick={() => setBy(b.key)}>
                {b.label}
              </button>
            ))}
          </div>
        </div>
        <QueryState query={breakdown} skeleton={200} empty={(d) => d.items.length === 0 && 'Nothing was charged in this period.'}>
          {(d) => (
            <DataTable
              label="Cost breakdown"
              rows={d.items}
              rowKey={(i) => i.key ?? 'none'}
              rowData={(i) => ({ key: i.key ?? '' })}
              columns={[
                { label: BY.find((b) => b.key === by)!.label, cell: (i) => label(i.key) },
                { label: 'USD', numeric: true, cell: (i) => formatUsd(i.usd, locale), value: (i) => i.usd },
                { label: 'Share', numeric: true, cell: (i) => formatPercent(i.usd_share_percent, locale) },
                { label: 'Credits', numeric: true, cell: (i) => formatCount(i.credits, locale) },
                { label: 'Executions', numeric: true, cell: (i) => formatCount(i.executions, locale) },
                { label: 'Per execution', numeric: true, cell: (i) => formatUsd(i.usd_per_execution, locale) },
              ]}
            />
          )}
        </QueryState>
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>Budgets this month</h2>
        </div>
        <QueryState
          query={budgets}
          error={(e) => (e instanceof ApiError && e.status === 403 ? <Empty>Budgets are set and seen by account admins.</Empty> : null)}
          empty={(d) =>
            d.budgets.length === 0 && (
              <>
                No budget yet. <a {...linkProps('/settings/budgets')}>Set a monthly budget</a> to be alerted before the month's spend runs over.
              </>
            )
          }
        >
          {(d) => (
            <ul className="budgets">
              {d.budgets.map((b) => (
                <li key={b.budget_id} data-budget={b.budget_id}>
                  <div className="budget-head">
                    <strong>{b.scope === 'account' ? 'All workflows' : name(b.workflow_id ?? null)}</strong>
                    <span className="muted small">
                      {formatUsd(b.status.spent_usd, locale)} of {formatUsd(b.monthly_usd, locale)} in {b.status.month} · forecast {formatUsd(b.status.forecast_usd, locale)}
                    </span>
                  </div>
                  <div className="budget-track" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.min(100, b.status.spent_percent)} aria-label="Spent of the budget">
                    <span className="budget-forecast" style={{ width: `${Math.min(100, b.status.forecast_percent)}%` }} />
                    <span className={`budget-spent${b.status.spent_percent >= 100 ? ' is-over' : b.status.spent_percent >= 80 ? ' is-near' : ''}`} style={{ width: `${Math.min(100, b.status.spent_percent)}%` }} />
                    {b.thresholds.filter((t) => t < 100).map((t) => <span key={t} className="budget-mark" style={{ left: `${t}%` }} />)}
                  </div>
                  {b.status.crossed.length > 0 && (
                    <p className="small tone-down">
                      {b.status.crossed.map((x) => `${x.threshold}% crossed (${x.trigger === 'actual' ? 'spent' : 'forecast'})`).join(' · ')}
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>
    </>
  );
}
