/**
 * `/workflows/{id}`: summary cards with their change, trends, the funnel, action performance, exit
 * reasons and enrollment sources, for the period, timezone, version and variant in the URL; live while open (alerts
 * firing or resolving show a notice); a watched metric's anomaly bands; the versions compared, on demand; the insights.
 * Every count opens the executions behind it (`?drill=`, Drilldown), a trend's bucket by a click on the chart.
 */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { TREND_METRICS, trendOptions } from '../../../src/charts/options.js';
import type { AlertNotice } from '../alert-model.js';
import { ApiError, type WorkflowDetail } from '../api.js';
import { bucketWindow, drillString, type Drill, type Names, type Stage } from '../drilldown-model.js';
import { ActionsTable } from '../components/ActionsTable.js';
import { AlertFromLink, LiveAlertNotices } from '../components/AlertNotices.js';
import { AnomalyPanel } from '../components/AnomalyPanel.js';
import { CohortHeatmap } from '../components/CohortHeatmap.js';
import { SegmentsPanel } from '../components/SegmentsPanel.js';
import { Breakdown } from '../components/Breakdown.js';
import { DateControls } from '../components/DateControls.js';
import { Drilldown } from '../components/Drilldown.js';
import { ExportMenu } from '../components/ExportMenu.js';
import { Funnel } from '../components/Funnel.js';
import { InsightsPanel } from '../components/InsightsPanel.js';
import { LazyChart, loadChart } from '../components/LazyChart.js';
import { NoData } from '../components/NoData.js';
import { Empty, ErrorState, Skeleton, StaleNote } from '../components/States.js';
import { NotFound } from './NotFound.js';
import { SummaryCards } from '../components/SummaryCards.js';
import { TrendBuckets } from '../components/TrendBuckets.js';
import { VersionsPanel } from '../components/VersionsPanel.js';
import { UnifiedPanel } from '../components/UnifiedPanel.js';
import { formatCount, formatCountOf, formatPercent, formatUsd } from '../format.js';
import { useLive, type LiveStatus } from '../live.js';
import { linkProps, navigate } from '../router.js';
import { usePageView } from '../use-page-view.js';
import { workflowQueries } from '../workflow-queries.js';
import { analyticsParams, GRANULARITIES, granularityAllowed, viewSearch, type View } from '../view-state.js';
import { usePageTitle } from '../use-page-title.js';

const LIVE_TEXT: Record<LiveStatus, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', polling: 'Updating every 15 s' };

/** The drill-down of each summary card that counts executions (rates and durations have none). */
const CARD_DRILLS: Record<string, Drill> = { total_enrolled: {}, currently_active: { status: 'active' }, completed: { status: 'succeeded' }, goals_achieved: { status: 'converted' } };

export function WorkflowPage({ workflowId, search, locale, accent }: { workflowId: string; search: string; locale?: string; accent?: string | undefined }) {
  const [view, setView] = usePageView(`/workflows/${encodeURIComponent(workflowId)}`, search);
  // the executions behind a figure: this page with `?drill=` (a new entry in the history, so Back returns to the figures)
  const pageLink = (v: View) => `/workflows/${encodeURIComponent(workflowId)}${viewSearch(v)}`;
  const drillTo = (d: Drill) => pageLink({ ...view, drill: drillString(d), execution: null });
  const drilling = view.drill !== null || view.execution !== null;
  const base = `/api/v1/workflows/${encodeURIComponent(workflowId)}`;
  const params = analyticsParams(view);
  const client = useQueryClient();
  useEffect(() => void loadChart(), []);

  const detail = useQuery(workflowQueries.detail(workflowId));
  usePageTitle(detail.data?.name ?? workflowId, 'Workflows');
  const summary = useQuery({ ...workflowQueries.summary(workflowId, params), placeholderData: keepPreviousData });
  const funnel = useQuery({ ...workflowQueries.funnel(workflowId, params), placeholderData: keepPreviousData });
  const actions = useQuery({ ...workflowQueries.actions(workflowId, params), placeholderData: keepPreviousData });

  const { compare: _c, granularity: _g, ...streamParams } = params;
  const [notices, setNotices] = useState<AlertNotice[]>([]);
  const onAlert = (n: AlertNotice) => {
    setNotices((all) => [n, ...all.filter((x) => !(x.alert_id === n.alert_id && x.kind === n.kind))].slice(0, 4));
    void client.invalidateQueries({ queryKey: ['alerts'] });
  };
  // the stream opens once the figures are on screen: its snapshot query would otherwise queue before them
  const live = useLive(detail.isSuccess && summary.isSuccess && funnel.isSuccess && actions.isSuccess ? `${base}/analytics/stream` : null, streamParams, () => void client.invalidateQueries({ queryKey: ['wf', workflowId] }), onAlert);

  const s = summary.data?.summary;
  const trends = useMemo(
    () => (summary.data ? trendOptions(summary.data.trends, summary.data.comparison?.trends, accent, { metrics: view.metrics, area: view.area, progress: summary.data.period, format: { locale, monthly: view.granularity === 'monthly' } }) : null),
    [summary.data, accent, view.metrics.join(), view.area, locale, view.granularity],
  );

  const steps = funnel.data?.funnel_steps ?? [];
  const names: Names = {
    step: (id) => steps.find((x) => x.step_id === id)?.step_name || id,
    next: (id) => {
      const i = steps.findIndex((x) => x.step_id === id);
      return i >= 0 && i + 1 < steps.length ? steps[i + 1]!.step_name || steps[i + 1]!.step_id : null;
    },
  };
  const pickBucket = (i: number) => {
    const row = summary.data?.trends[i];
    if (row) navigate(drillTo(bucketWindow(row.date, view.granularity, view.timezone)));
  };

  if (detail.isError && detail.error instanceof ApiError && detail.error.status === 404) {
    return (
      <NotFound title="No such workflow">
        <p>
          There is no workflow “{workflowId}” that this account can see. It may have been deleted, or the link may be mistyped.
        </p>
      </NotFound>
    );
  }
  if (detail.isError) {
    return (
      <>
        <p>
          <a {...linkProps('/')}>← Workflows</a>
        </p>
        <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
      </>
    );
  }
  const exportParams = { ...params, compare: undefined };
  // nothing enrolled, completed or converted in the period: words instead of zeros and an empty chart
  const noData = s !== undefined && s.total_enrolled === 0 && summary.data!.trends.every((r) => r.new_enrollments === 0 && r.completions === 0 && r.conversions === 0);
  const noDataText = <NoData lastEventAt={detail.data?.last_event_at} locale={locale} timeZone={view.timezone} />;
  return (
    <>
      <div className="page-head">
        <div>
          <a className="small" {...linkProps(`/${viewSearch({ ...view, version: null, variant: null, enrollmentSource: null, exitReason: null, segment: null, segmentAttribute: null, drill: null, execution: null })}`)}>
            ← Workflows
          </a>
          <h1>
            {detail.data?.name ?? workflowId}{' '}
            {/* live only on a period that includes now: a past range does not change as events arrive */}
            {summary.data?.period.complete !== true && (
              <span className={`live live-${live}`} role="status" aria-live="polite" data-live={live}>
                <span className="live-dot" aria-hidden="true" />
                {LIVE_TEXT[live]}
              </span>
            )}
          </h1>
        </div>
        <div className="head-actions">
          <Filters view={view} detail={detail.data} onChange={setView} />
          <ExportMenu workflowId={workflowId} params={exportParams} />
        </div>
      </div>
      <DateControls view={view} onChange={setView} />
      <LiveAlertNotices notices={notices} onDismiss={(id, kind) => setNotices((all) => all.filter((x) => !(x.alert_id === id && x.kind === kind)))} locale={locale} />
      {view.alert && <AlertFromLink alertId={view.alert} onDismiss={() => setView({ ...view, alert: null })} locale={locale} />}
      {drilling ? (
        <Drilldown workflowId={workflowId} view={view} names={names} locale={locale} link={pageLink} />
      ) : (
        <>
          {summary.isError && !summary.data && <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />}

          <section aria-label="Summary" className={summary.isPlaceholderData ? 'is-stale' : ''}>
            <StaleNote query={summary} locale={locale} />
            {noData ? noDataText : summary.data ? <SummaryCards data={summary.data} locale={locale} href={(figure) => (CARD_DRILLS[figure] ? drillTo(CARD_DRILLS[figure]) : undefined)} /> : !summary.isError && <Skeleton height={180} label="Loading summary" />}
          </section>

          <section className="panel">
            <div className="panel-head">
              <h2>Trends</h2>
              <StaleNote query={summary} locale={locale} />
              <div className="chart-controls">
                <div className="segmented small" role="group" aria-label="Metrics">
                  {TREND_METRICS.map((m) => {
                    const on = view.metrics.includes(m.key);
                    return (
                      <button key={m.key} type="button" aria-pressed={on} onClick={() => setView({ ...view, metrics: on ? (view.metrics.length > 1 ? view.metrics.filter((x) => x !== m.key) : view.metrics) : TREND_METRICS.map((x) => x.key).filter((k) => k === m.key || view.metrics.includes(k)) })}>
                        {m.label}
                      </button>
                    );
                  })}
                </div>
                <label className="inline">
                  <span className="visually-hidden">Granularity</span>
                  <select value={view.granularity} onChange={(e) => setView({ ...view, granularity: e.target.value as View['granularity'] })} aria-label="Granularity">
                    {GRANULARITIES.map((g) => (
                      <option key={g} value={g} disabled={!granularityAllowed(view, g)}>
                        {g[0]!.toUpperCase() + g.slice(1)}
                      </option>
                    ))}
                  </select>
                </label>
                <div className="segmented small" role="group" aria-label="Chart style">
                  <button type="button" aria-pressed={!view.area} onClick={() => setView({ ...view, area: false })}>
                    Line
                  </button>
                  <button type="button" aria-pressed={view.area} onClick={() => setView({ ...view, area: true })}>
                    Area
                  </button>
                </div>
              </div>
            </div>
            {noData ? (
              noDataText
            ) : summary.data ? (
              <>
                <LazyChart options={trends!} label={`Trends: ${view.metrics.join(', ')} per bucket${summary.data.comparison ? ', previous period dashed' : ''}`} onPick={pickBucket} />
                <TrendBuckets rows={summary.data.trends} period={summary.data.period} view={view} locale={locale} href={drillTo} />
              </>
            ) : (
              !summary.isError && <Skeleton height={280} label="Loading trends" />
            )}
          </section>

          <InsightsPanel workflowId={workflowId} view={view} locale={locale} href={drillTo} />

          <AnomalyPanel workflowId={workflowId} view={view} onChange={setView} locale={locale} accent={accent} />

          <div className="grid-2">
            <section className="panel">
              <div className="panel-head">
                <h2>Funnel</h2>
                <StaleNote query={funnel} locale={locale} />
                {funnel.data && funnel.data.total_enrolled > 0 && (
                  <span className="muted small">
                    {formatPercent(funnel.data.overall_conversion, locale)} of {formatCount(funnel.data.total_enrolled, locale)} completed
                  </span>
                )}
              </div>
              {funnel.isError && !funnel.data ? (
                <ErrorState error={funnel.error} onRetry={() => void funnel.refetch()} />
              ) : !funnel.data ? (
                <Skeleton height={280} label="Loading funnel" />
              ) : funnel.data.total_enrolled === 0 ? (
                noDataText
              ) : funnel.data.funnel_steps.length === 0 ? (
                <Empty>No execution entered a step in this period.</Empty>
              ) : (
                <Funnel funnel={funnel.data} locale={locale} href={(step: string, stage: Stage) => drillTo({ step_id: step, stage })} />
              )}
            </section>
            <section className="panel">
              <div className="panel-head">
                <h2>Exits and sources</h2>
                <StaleNote query={summary} locale={locale} />
              </div>
              {s ? (
                <>
                  <p className="small ended">
                    <a {...linkProps(drillTo({ status: 'exited' }))} data-figure-link="exited" data-value={s.exited}>
                      {formatCountOf(s.exited, 'execution', locale)} exited
                    </a>{' '}
                    ·{' '}
                    <a {...linkProps(drillTo({ status: 'failed' }))} data-figure-link="errored" data-value={s.errored}>
                      {formatCount(s.errored, locale)} failed
                    </a>
                  </p>
                  <h3>Exit reasons</h3>
                  <Breakdown name="Exit reasons" counts={s.exit_reasons} empty="Nobody exited in this period." locale={locale} href={(reason) => drillTo({ exit_reason: reason })} />
                  {Object.keys(s.error_types).length > 0 && (
                    <>
                      <h3>Error types</h3>
                      <Breakdown name="Error types" counts={s.error_types} empty="" locale={locale} href={(type) => drillTo({ error_type: type })} />
                    </>
                  )}
                  <h3>Enrollment sources</h3>
                  <Breakdown name="Enrollment sources" counts={s.enrollment_sources} empty="Nobody enrolled in this period." locale={locale} href={(source) => drillTo({ enrollment_source: source })} />
                  {s.goals_achieved > 0 && (
                    <>
                      <h3>Goals</h3>
                      <Breakdown name="Goals" counts={s.goal_breakdown} empty="" locale={locale} href={(goal) => drillTo({ goal_type: goal })} />
                      {s.goal_value > 0 && <p className="muted small">Value of goals: {formatUsd(s.goal_value, locale)}</p>}
                    </>
                  )}
                </>
              ) : (
                !summary.isError && <Skeleton height={280} label="Loading breakdowns" />
              )}
            </section>
          </div>

          <section className="panel">
            <div className="panel-head">
              <h2>Action performance</h2>
              <StaleNote query={actions} locale={locale} />
            </div>
            {actions.isError && !actions.data ? <ErrorState error={actions.error} onRetry={() => void actions.refetch()} /> : actions.data ? <ActionsTable rows={actions.data.actions} locale={locale} /> : <Skeleton height={160} label="Loading actions" />}
            {s && (
              <p className="muted small" data-note="actions-drill">
                Action figures count runs by their own time, not the executions enrolled in the period, so a row has no list of executions of its own. The period’s{' '}
                <a {...linkProps(drillTo({ status: 'failed' }))}>{formatCountOf(s.errored, 'failed execution', locale)}</a>, at any step, are listed instead.
              </p>
            )}
          </section>

          <VersionsPanel workflowId={workflowId} params={params} locale={locale} />

          <SegmentsPanel workflowId={workflowId} view={view} params={params} onChange={setView} link={pageLink} locale={locale} />

          <CohortHeatmap workflowId={workflowId} params={params} locale={locale} />

          <UnifiedPanel workflowId={workflowId} params={params} locale={locale} />
        </>
      )}
    </>
  );
}

/** The choices of a filter: the workflow's, and the one in effect even before the workflow's details arrive (so the select never shows "All" while filtering). */
function choices<T>(known: T[] | undefined, current: T | null): T[] {
  const all = [...(known ?? [])];
  if (current !== null && !all.includes(current)) all.push(current);
  return all;
}

function Filters({ view, detail, onChange }: { view: View; detail: WorkflowDetail | undefined; onChange: (v: View) => void }) {
  return (
    <div className="filters">
      <label className="inline">
        <span className="muted">Version</span>
        <select aria-label="Version" value={view.version ?? ''} onChange={(e) => onChange({ ...view, version: e.target.value ? Number(e.target.value) : null })}>
          <option value="">All</option>
          {choices(detail?.versions, view.version).map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span className="muted">Variant</span>
        <select aria-label="Variant" value={view.variant ?? ''} onChange={(e) => onChange({ ...view, variant: e.target.value || null })} disabled={(detail?.variants.length ?? 0) === 0 && view.variant === null}>
          <option value="">All</option>
          {choices(detail?.variants, view.variant).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      {view.enrollmentSource !== null && (
        <button type="button" className="button small" data-filter="enrollment_source" onClick={() => onChange({ ...view, enrollmentSource: null })} aria-label={`Remove the filter: source ${view.enrollmentSource}`}>
          Source: {view.enrollmentSource} ✕
        </button>
      )}
      {view.exitReason !== null && (
        <button type="button" className="button small" data-filter="exit_reason" onClick={() => onChange({ ...view, exitReason: null })} aria-label={`Remove the filter: exit reason ${view.exitReason}`}>
          Exit reason: {view.exitReason} ✕
        </button>
      )}
    </div>
  );
}
