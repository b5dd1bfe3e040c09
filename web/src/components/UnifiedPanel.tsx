/**
 * The workflow page's unified report: the workflow's own figures for the page's period beside GA4 traffic of its
 * campaigns and the CRM deals attributed to it, under the attribution model chosen here (first touch, last touch,
 * linear), with the figures derived from both and where each outside figure came from (its integration and last
 * successful sync). Where an integration is missing, the panel says which one to connect.
 */
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { UnifiedResponse } from '../../../src/contract/unified.js';
import { api, query } from '../api.js';
import { DASH, formatCount, formatInstant, formatNumber, formatPercent, formatUsd, nf } from '../format.js';
import type { Params } from '../workflow-queries.js';
import { QueryState } from './States.js';

const MODELS = [
  ['linear', 'Linear'],
  ['first_touch', 'First touch'],
  ['last_touch', 'Last touch'],
] as const;
type Model = (typeof MODELS)[number][0];

/** The unified report is asked for the page's period, timezone and filters (no comparison, no buckets). */
const unifiedQuery = (id: string, p: Params, model: Model) => {
  const params = { range: p.range, start_date: p.start_date, end_date: p.end_date, timezone: p.timezone, version: p.version, variant: p.variant, enrollment_source: p.enrollment_source, exit_reason: p.exit_reason, model };
  return queryOptions({
    queryKey: ['wf', id, 'unified', params],
    queryFn: ({ signal }) => api<UnifiedResponse>(`/api/v1/workflows/${encodeURIComponent(id)}/analytics/unified${query(params)}`, { signal }),
  });
};

const money = (list: { currency: string; amount: number }[], locale?: string) =>
  list.length === 0 ? DASH : list.map((m) => nf(locale, { style: 'currency', currency: m.currency, maximumFractionDigits: 2 }).format(m.amount)).join(' + ');

export function UnifiedPanel({ workflowId, params, locale }: { workflowId: string; params: Params; locale?: string | undefined }) {
  const [model, setModel] = useState<Model>('linear');
  const report = useQuery({ ...unifiedQuery(workflowId, params, model), placeholderData: keepPreviousData });
  return (
    <section className="panel" aria-label="Unified report">
      <div className="panel-head">
        <h2>Unified report</h2>
        <div className="chart-controls">
          <label className="small">
            Attribution model{' '}
            <select value={model} onChange={(e) => setModel(e.target.value as Model)} aria-label="Attribution model">
              {MODELS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <QueryState query={report} skeleton={180} label="Loading the unified report" retry>
        {(d) => <UnifiedTable data={d} locale={locale} />}
      </QueryState>
    </section>
  );
}

function Row({ name, figure, value, source }: { name: string; figure: string; value: string; source?: string }) {
  return (
    <tr data-unified={figure}>
      <td>{name}</td>
      <td className="num" data-value={value}>
        {value}
      </td>
      <td className="muted small">{source ?? ''}</td>
    </tr>
  );
}

function UnifiedTable({ data, locale }: { data: UnifiedResponse; locale?: string | undefined }) {
  const from = (figures: 'ga4' | 'crm') =>
    data.sources
      .filter((s) => s.figures === figures)
      .map((s) => `${s.name}: ${s.last_successful_sync_at ? `synced ${formatInstant(s.last_successful_sync_at, locale)}` : 'never synced'}`)
      .join('; ');
  const i = data.internal;
  const modelName = MODELS.find(([m]) => m === data.model)?.[1] ?? data.model;
  return (
    <>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Unified report figures (scrolls sideways)">
        <table className="table" aria-label="Unified report figures">
          <thead>
            <tr>
              <th>Figure</th>
              <th className="num">Value</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            <Row name="Enrolled" figure="enrolled" value={formatCount(i.enrolled, locale)} source="Flowlens" />
            <Row name="Completed" figure="completed" value={formatCount(i.completed, locale)} source="Flowlens" />
            <Row name="Converted" figure="converted" value={i.enrolled > 0 ? `${formatCount(i.converted, locale)} (${formatPercent(i.conversion_rate, locale)})` : formatCount(i.converted, locale)} source="Flowlens" />
            <Row name="Cost" figure="cost" value={formatUsd(i.cost_usd, locale)} source="Flowlens" />
            {data.ga4 && (
              <>
                <Row name="Sessions" figure="sessions" value={formatCount(data.ga4.sessions, locale)} source={from('ga4')} />
                <Row name="Users" figure="users" value={formatCount(data.ga4.users, locale)} source={from('ga4')} />
                <Row name="Key events" figure="key_events" value={formatCount(data.ga4.key_events, locale)} source={from('ga4')} />
                <Row name="Sessions per enrolment" figure="sessions_per_enrolment" value={formatNumber(data.derived.sessions_per_enrolment, locale)} />
              </>
            )}
            {data.crm && (
              <>
                <Row name={`Deals won (${modelName})`} figure="deals_won" value={formatNumber(data.crm.deals_won, locale)} source={from('crm')} />
                <Row name={`Revenue (${modelName})`} figure="revenue" value={money(data.crm.revenue, locale)} source={from('crm')} />
                <Row name="Contacts credited" figure="contacts" value={formatCount(data.crm.contacts, locale)} source={from('crm')} />
                <Row name="Cost per deal" figure="cost_per_deal" value={formatUsd(data.derived.cost_per_deal_usd, locale)} />
                <Row name="Revenue per enrolment" figure="revenue_per_enrolment" value={money(data.derived.revenue_per_enrolment, locale)} />
              </>
            )}
          </tbody>
        </table>
      </div>
      {data.ga4 && <p className="muted small">GA4 traffic of the campaigns {data.ga4.campaigns.join(', ')} (utm_campaign) on the period’s dates.</p>}
      {data.not_connected.map((what) => (
        <p key={what} className="muted small" data-empty={what}>
          {what === 'ga4'
            ? 'No Google Analytics 4 integration: connect one (Integrations, kind ga4) to see this workflow’s sessions, users and key events.'
            : 'No CRM integration: connect HubSpot or Salesforce (Integrations) to see the deals and revenue attributed to this workflow.'}
        </p>
      ))}
    </>
  );
}
