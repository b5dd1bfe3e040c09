/**
 * A dashboard widget's content from its data (GET …/dashboards/{id}/data, the preview, or a public link): a metric
 * card with its change, a chart of metrics per bucket, the funnel, a table, a weekday × hour heatmap, or a pie. Every
 * figure keeps its raw value in `data-value`, so a test reads the number the API answered.
 */
import { lazy, Suspense, useMemo, type CSSProperties } from 'react';
import { pieChartOptions, seriesChartOptions, COLORS } from '../dashboard-charts.js';
import type { WidgetDataOut, WidgetOut } from '../dashboard-queries.js';
import { DASH, describeChange, formatMetricValue } from '../format.js';
import { DataTable } from './DataTable.js';
import { Funnel } from './Funnel.js';
import { Skeleton } from './States.js';

const DashboardChart = lazy(() => import('./DashboardChart.js'));

function LazyDashboardChart({ options, label }: { options: Record<string, unknown>; label: string }) {
  return (
    <Suspense fallback={<Skeleton height={120} label="Loading chart" />}>
      <DashboardChart options={options} label={label} />
    </Suspense>
  );
}

function Card({ data, compare, locale }: { data: NonNullable<WidgetDataOut['card']>; compare: boolean; locale?: string | undefined }) {
  return (
    <div className="widget-card" data-figure="card" data-metric={data.metric} data-value={data.value ?? ''}>
      <div className="widget-card-value">{formatMetricValue(data.value, data.unit, locale)}</div>
      {compare && <CardChange data={data} locale={locale} />}
    </div>
  );
}

/** The card's change read as the figure cards read it (describeChange): points for rates, counts on a tiny base, coloured by the better direction. */
function CardChange({ data, locale }: { data: NonNullable<WidgetDataOut['card']>; locale?: string | undefined }) {
  const c = describeChange({ now: data.value, before: data.previous, unit: data.unit, better: data.better }, locale);
  return (
    <div className={`card-change tone-${c.tone}`} data-change={data.change_percent ?? ''} data-change-kind={c.kind}>
      {c.text} <span className="muted">vs {c.previous} before</span>
    </div>
  );
}

function Heatmap({ data, locale }: { data: NonNullable<WidgetDataOut['heatmap']>; locale?: string | undefined }) {
  const shade = (v: number): CSSProperties => ({ background: v > 0 ? `color-mix(in srgb, var(--accent) ${Math.round(15 + (85 * v) / (data.max || 1))}%, white)` : undefined });
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={`${data.label} by weekday and hour (${data.timezone}) (scrolls sideways)`}>
      <table className="heatmap" aria-label={`${data.label} by weekday and hour (${data.timezone})`}>
        <thead>
          <tr>
            <th scope="col"><span className="visually-hidden">Weekday</span></th>
            {Array.from({ length: 24 }, (_, h) => (
              <th key={h} scope="col">{h % 3 === 0 ? h : ''}<span className="visually-hidden">{h % 3 === 0 ? '' : h}</span></th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.cells.map((row, d) => (
            <tr key={d}>
              <th scope="row">{data.weekdays[d]}</th>
              {row.map((v, h) => (
                <td key={h} data-day={d} data-hour={h} data-value={v} style={shade(v)} title={`${data.weekdays[d]} ${String(h).padStart(2, '0')}:00 — ${formatMetricValue(v, undefined, locale)}`} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Pie({ data, locale }: { data: NonNullable<WidgetDataOut['pie']>; locale?: string | undefined }) {
  const options = useMemo(() => pieChartOptions(data), [data]);
  const total = data.slices.reduce((s, x) => s + x.value, 0);
  if (total === 0) return <p className="muted small widget-empty">Nothing in this period.</p>;
  return (
    <div className="widget-pie">
      <LazyDashboardChart options={options} label={`Pie by ${data.breakdown.replace('_', ' ')}`} />
      <ul className="pie-legend" aria-label="Slices">
        {data.slices.filter((x) => x.value > 0).map((x, i) => (
          <li key={x.key} data-slice={x.key} data-value={x.value}>
            <span className="pie-dot" style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" />
            {x.label} <span className="muted">{formatMetricValue(x.value, data.unit, locale)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The widget's content; a skeleton until its data answers, its error in words when it has one. */
export function WidgetBody({ widget, data, locale, accent }: { widget: WidgetOut; data: WidgetDataOut | undefined; locale?: string | undefined; accent?: string | undefined }) {
  const series = data?.series;
  const chartOptions = useMemo(() => (series && (widget.type === 'line' || widget.type === 'area' || widget.type === 'bar') ? seriesChartOptions(series, widget.type, accent, locale, data?.period.timezone) : null), [series, widget.type, accent, locale, data?.period.timezone]);
  if (!data) return <Skeleton height={Math.max(60, widget.h * 80 - 70)} label="Loading widget" />;
  if (data.error) return <p className="widget-error" role="note">{data.error}</p>;
  const body = (() => {
    switch (widget.type) {
      case 'metric':
        return data.card && <Card data={data.card} compare={widget.compare} locale={locale} />;
      case 'line':
      case 'area':
      case 'bar':
        return chartOptions && series && (
          <div className="widget-series" data-buckets={series.labels.length} data-values={JSON.stringify(series.metrics.map((m) => m.values))}>
            <LazyDashboardChart options={chartOptions} label={`${series.metrics.map((m) => m.label).join(', ')} per ${series.buckets === 'period' ? 'bucket' : series.buckets}`} />
          </div>
        );
      case 'funnel':
        return data.funnel && (data.funnel.funnel_steps.length === 0 ? <p className="muted small widget-empty">No steps registered or entered in this period.</p> : <Funnel funnel={data.funnel} {...(locale ? { locale } : {})} />);
      case 'table':
        return data.table && (
          <DataTable
            label={widget.title}
            rows={data.table.rows}
            rowKey={(r) => r.id}
            rowData={(r) => ({ row: r.id })}
            columns={[
              { label: widget.rows === 'actions' ? 'Action' : 'Workflow', cell: (r) => r.label },
              ...data.table.columns.map((c, i) => ({ label: c.label, numeric: true, cell: (r: { values: Array<number | null> }) => formatMetricValue(r.values[i], c.unit, locale), value: (r: { values: Array<number | null> }) => r.values[i] ?? null })),
            ]}
          />
        );
      case 'heatmap':
        return data.heatmap && <Heatmap data={data.heatmap} locale={locale} />;
      case 'pie':
        return data.pie && <Pie data={data.pie} locale={locale} />;
    }
  })();
  return (
    <>
      {body ?? <p className="muted small">{DASH}</p>}
      <p className="widget-meta muted small">
        {periodText(data.period)} · {data.period.timezone}
        {data.omitted_workflows > 0 && <> · {data.omitted_workflows === 1 ? '1 workflow' : `${data.omitted_workflows} workflows`} not shown</>}
        {data.note && (
          <span className="widget-note" title={data.note} data-note={data.note}>
            {' '}
            · how it is counted
          </span>
        )}
      </p>
    </>
  );
}

/** A widget's period as read: one date, or the first and last. */
export function periodText(p: WidgetDataOut['period']): string {
  return p.start_date === p.end_date ? p.start_date : `${p.start_date} – ${p.end_date}`;
}
