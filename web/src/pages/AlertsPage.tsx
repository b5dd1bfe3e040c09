/**
 * `/alerts`: the open alerts first (severity, rule, workflow, status, since when, the sentence saying what moved,
 * the value against the expected value or band, Acknowledge for those who may), then the recently resolved and
 * cancelled ones; one alert's history (`?alert=<id>`: its transitions and every delivery attempt). For admins, the
 * rules (create, edit, delete, evaluate now) and the silences.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, type ReactNode } from 'react';
import { alertSince, orderOpen } from '../alert-model.js';
import { alertQueries } from '../alert-queries.js';
import type { AlertHistoryResponse, AlertRecordOut } from '../api.js';
import { Acknowledge, AlertFigures, AlertStatusBadge, SeverityBadge } from '../components/AlertBits.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, QueryState } from '../components/States.js';
import { DASH, formatAgo, formatCount, formatInstant, formatMetricValue } from '../format.js';
import { useMetricInfo, type MetricInfo } from '../metric-catalog.js';
import { linkProps } from '../router.js';
import { RulesPanel, SilencesPanel } from './AlertAdmin.js';
import { useWorkflowNames } from './platform/common.js';
import { usePageTitle } from '../use-page-title.js';

type Info = (name: string) => MetricInfo;
type Names = (id: string | null) => string;

const CLOSED = new Set(['resolved', 'cancelled']);

export function AlertsPage({ search, locale, canChange, isAdmin }: { search: string; locale?: string | undefined; canChange: boolean; isAdmin: boolean }) {
  const selected = new URLSearchParams(search).get('alert');
  const open = useQuery(alertQueries.open());
  const recent = useQuery(alertQueries.recent());
  const info = useMetricInfo();
  const name = useWorkflowNames();
  const props = { info, name, locale, canChange, selected };
  usePageTitle('Alerts');
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <p className="muted small">What the alert rules found on the watched metrics: open alerts first; pick one for its history.</p>
        </div>
      </div>
      {selected && <AlertHistory key={selected} id={selected} info={info} name={name} locale={locale} canChange={canChange} />}
      <section className="panel" aria-label="Open alerts">
        <div className="panel-head">
          <h2>Open</h2>
          {open.data && <span className="muted small">{formatCount(open.data.alerts.length, locale)} firing or pending</span>}
        </div>
        <QueryState query={open} skeleton={140} label="Loading open alerts" retry empty={(d) => d.alerts.length === 0 && 'No open alert: every watched metric is where its rules want it.'}>
          {(d) => <AlertList alerts={orderOpen(d.alerts)} label="Open alerts" {...props} />}
        </QueryState>
      </section>
      <section className="panel" aria-label="Recent alerts">
        <div className="panel-head">
          <h2>Resolved and cancelled</h2>
          <span className="muted small">the most recent</span>
        </div>
        <QueryState query={recent} skeleton={120} label="Loading recent alerts" retry empty={(d) => !d.alerts.some((a) => CLOSED.has(a.status)) && 'No alert has resolved yet.'}>
          {(d) => <AlertList alerts={d.alerts.filter((a) => CLOSED.has(a.status))} label="Resolved and cancelled alerts" {...props} />}
        </QueryState>
      </section>
      {isAdmin ? (
        <>
          <RulesPanel info={info} name={name} locale={locale} />
          <SilencesPanel name={name} locale={locale} />
        </>
      ) : (
        <p className="muted small">Admins define the alert rules and silences.</p>
      )}
    </>
  );
}

function AlertList({ alerts, label, info, name, locale, canChange, selected }: { alerts: AlertRecordOut[]; label: string; info: Info; name: Names; locale?: string | undefined; canChange: boolean; selected: string | null }) {
  const now = Date.now();
  return (
    <ul className="alert-list" aria-label={label}>
      {alerts.map((a) => {
        const m = info(a.metric);
        const since = alertSince(a);
        return (
          <li key={a.alert_id} className={`alert-item severity-edge-${a.severity}${selected === a.alert_id ? ' is-selected' : ''}`} data-alert={a.alert_id} data-status={a.status}>
            <div className="alert-line">
              <SeverityBadge severity={a.severity} />
              <a className="strong" {...linkProps(`/alerts?alert=${encodeURIComponent(a.alert_id)}`)} title="Its history: transitions and deliveries">
                {a.rule_name}
              </a>
              <AlertStatusBadge status={a.status} />
              <span className="muted small">
                {a.workflow_id ? <a {...linkProps(workflowLink(a))}>{name(a.workflow_id)}</a> : 'all workflows'} · {m.label} ·{' '}
                <span title={formatInstant(since, locale)}>
                  {a.status === 'firing' ? 'fired' : a.status === 'pending' ? 'breach began' : a.status} {formatAgo(since, now, locale)}
                </span>
              </span>
            </div>
            <p className="alert-summary">{a.summary}</p>
            <div className="alert-line">
              <AlertFigures a={a} unit={m.unit} locale={locale} />
              <Acknowledge a={a} canChange={canChange} locale={locale} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** The workflow page at the alert's metric, over the last 7 days (hourly bands, the alert's buckets among them). */
function workflowLink(a: Pick<AlertRecordOut, 'workflow_id' | 'metric' | 'alert_id'>): string {
  return `/workflows/${encodeURIComponent(a.workflow_id ?? '')}?range=last_7_days&metric=${encodeURIComponent(a.metric)}&alert=${encodeURIComponent(a.alert_id)}`;
}

function AlertHistory({ id, info, name, locale, canChange }: { id: string; info: Info; name: Names; locale?: string | undefined; canChange: boolean }) {
  const history = useQuery(alertQueries.history(id));
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (history.isSuccess) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [history.isSuccess]);
  return (
    <section className="panel alert-history" aria-label="Alert history" data-alert={id} ref={ref}>
      <div className="panel-head">
        <h2>{history.data ? history.data.alert.rule_name : 'Alert'}</h2>
        <a className="small" {...linkProps('/alerts')}>
          Close ✕
        </a>
      </div>
      <QueryState query={history} skeleton={200} label="Loading the alert's history" retry>
        {(h) => <HistoryBody h={h} info={info} name={name} locale={locale} canChange={canChange} />}
      </QueryState>
    </section>
  );
}

function HistoryBody({ h, info, name, locale, canChange }: { h: AlertHistoryResponse; info: Info; name: Names; locale?: string | undefined; canChange: boolean }) {
  const a = h.alert;
  const m = info(a.metric);
  const facts: Array<[string, string, ReactNode]> = [
    ['workflow', 'Workflow', a.workflow_id ? <a {...linkProps(workflowLink(a))}>{name(a.workflow_id)} · anomaly chart →</a> : 'all workflows together'],
    ['metric', 'Metric', m.label],
    ['started', 'Breach began', formatInstant(a.started_at, locale)],
    ['fired', 'Fired', formatInstant(a.fired_at, locale)],
    ['resolved', a.status === 'cancelled' ? 'Cancelled' : 'Resolved', formatInstant(a.resolved_at, locale)],
    ['bucket', 'Last bucket judged', a.bucket ? formatInstant(a.bucket, locale) : DASH],
    ['value', 'Value', <AlertFigures key="v" a={a} unit={m.unit} locale={locale} />],
    ['score', 'Robust score', a.score === null ? DASH : formatMetricValue(a.score, undefined, locale)],
  ];
  return (
    <>
      <div className="alert-line">
        <SeverityBadge severity={a.severity} />
        <AlertStatusBadge status={a.status} />
        {Object.entries(a.labels).map(([k, v]) => (
          <span key={k} className="badge">
            {k}={v}
          </span>
        ))}
        <Acknowledge a={a} canChange={canChange} locale={locale} />
      </div>
      <p className="alert-summary">{a.summary}</p>
      <dl className="facts">
        {facts.map(([key, label, value]) => (
          <div key={key} data-fact={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>Transitions</h3>
      {h.transitions.length === 0 ? (
        <Empty>No transition recorded.</Empty>
      ) : (
        <ol className="timeline" aria-label="Transitions">
          {h.transitions.map((t, i) => (
            <li key={i} data-from={t.from_status} data-to={t.to_status}>
              <span className="timeline-when small muted" title={t.at}>
                {formatInstant(t.at, locale)}
              </span>
              <span className="timeline-what">
                <AlertStatusBadge status={t.from_status} /> → <AlertStatusBadge status={t.to_status} />{' '}
                {t.value !== null && (
                  <span className="small">
                    {formatMetricValue(t.value, m.unit, locale)}
                    {t.expected !== null && <> (expected {formatMetricValue(t.expected, m.unit, locale)})</>}
                  </span>
                )}
              </span>
              <span className="small">{t.summary}</span>
            </li>
          ))}
        </ol>
      )}
      <h3>Deliveries</h3>
      {h.deliveries.length === 0 ? (
        <Empty>No delivery attempt: the rule has no channel, or nothing was sent yet (pending, silenced or acknowledged).</Empty>
      ) : (
        <DataTable
          label="Deliveries"
          rows={h.deliveries}
          rowKey={(d) => `${d.kind}/${d.channel}/${d.target}/${d.attempt}/${d.at}`}
          rowData={(d) => ({ channel: d.channel, ok: String(d.ok) })}
          columns={[
            { label: 'When', cell: (d) => formatInstant(d.at, locale), value: (d) => d.at },
            { label: 'Notice', cell: (d) => d.kind },
            { label: 'Channel', cell: (d) => d.channel },
            { label: 'Target', className: () => 'small break', cell: (d) => d.target },
            { label: 'Attempt', numeric: true, cell: (d) => formatCount(d.attempt, locale), value: (d) => d.attempt },
            { label: 'Result', cell: (d) => <span className={`badge ${d.ok ? 'level-high' : 'badge-danger'}`}>{d.ok ? 'ok' : 'failed'}</span> },
            { label: 'Status', numeric: true, cell: (d) => (d.status === null ? DASH : String(d.status)), value: (d) => d.status },
            { label: 'Error', className: () => 'small', cell: (d) => d.error ?? DASH },
            { label: 'Took', numeric: true, cell: (d) => formatMetricValue(d.duration_ms, 'milliseconds', locale), value: (d) => d.duration_ms },
          ]}
        />
      )}
    </>
  );
}
