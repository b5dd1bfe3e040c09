/**
 * Settings › ROI assumptions: the hourly cost of the work automations save and, per workflow, the time a
 * succeeded run saves (in place of the catalog's), kept in the account's settings (PUT /account/settings,
 * admins). Beside them, the last 30 days' return on investment (/analytics/roi) as those assumptions give it,
 * so a change shows its effect. Everyone else reads the assumptions in force, without a form.
 */
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.js';
import { DataTable } from '../../components/DataTable.js';
import { errorAt, Field, fieldErrors, FormProblem } from '../../components/FormErrors.js';
import { QueryState } from '../../components/States.js';
import { formatDuration, formatHours, formatRoi, formatUsd } from '../../format.js';
import type { RoiResponse, RoiRow } from '../../platform-api.js';
import { settingsApi, settingsQueries, type RoiSettings as Assumptions } from '../../settings-queries.js';
import { useWorkflowList, useWorkflowNames } from '../platform/common.js';

const roiPreview = { queryKey: ['platform', 'roi', 'settings-preview'], queryFn: ({ signal }: { signal: AbortSignal }) => api<RoiResponse>('/api/v1/analytics/roi?range=last_30_days', { signal }) };

export function RoiSettings({ canChange, locale }: { canChange: boolean; locale?: string | undefined }) {
  const roi = useQuery(roiPreview);
  return (
    <>
      <section className="panel" aria-label="Return on investment, last 30 days">
        <div className="panel-head">
          <h2>Return on investment, last 30 days</h2>
          <span className="muted small">with the assumptions below</span>
        </div>
        <QueryState query={roi} skeleton={60} label="Loading ROI">
          {(d) => (
            <dl className="figures-inline">
              <div>
                <dt>ROI</dt>
                <dd data-roi={d.totals.roi_percent ?? ''}>{formatRoi(d.totals.roi_percent, locale)}</dd>
              </div>
              <div>
                <dt>Value generated</dt>
                <dd data-value={d.totals.value_generated_usd ?? ''}>{formatUsd(d.totals.value_generated_usd, locale)}</dd>
              </div>
              <div>
                <dt>Time saved</dt>
                <dd>{formatHours(d.totals.time_saved_hours, locale)}</dd>
              </div>
              <div>
                <dt>Cost</dt>
                <dd>{formatUsd(d.totals.cost_usd, locale)}</dd>
              </div>
            </dl>
          )}
        </QueryState>
      </section>
      {canChange ? <RoiForm rows={roi.data?.workflows ?? []} locale={locale} /> : <RoiReadOnly query={roi} locale={locale} />}
    </>
  );
}

/** What everyone may read: the hourly rate and each workflow's time saved that /analytics/roi used. */
function RoiReadOnly({ query, locale }: { query: UseQueryResult<RoiResponse>; locale?: string | undefined }) {
  const name = useWorkflowNames();
  return (
    <section className="panel" aria-label="ROI assumptions">
      <h2>ROI assumptions</h2>
      <QueryState query={query} skeleton={80}>
        {(d) => (
          <>
            <p>
              Hourly cost of the work saved: <strong data-hourly-rate={d.hourly_rate_usd ?? ''}>{d.hourly_rate_usd === null ? 'not set' : `${formatUsd(d.hourly_rate_usd, locale)} an hour`}</strong>
            </p>
            <DataTable
              label="Time saved per run"
              rows={d.workflows}
              rowKey={(w) => w.workflow_id}
              columns={[
                { label: 'Workflow', cell: (w) => name(w.workflow_id) },
                { label: 'Time saved per run', numeric: true, cell: (w) => formatDuration(w.time_saved_seconds_per_execution, locale) },
                { label: 'Set by', cell: (w) => (w.time_saved_from === 'account' ? 'the account' : w.time_saved_from === 'catalog' ? 'the workflow\'s catalog' : '—') },
              ]}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}

interface RoiForm {
  hourly: string;
  /** Minutes saved per run, by workflow; empty: the catalog's. */
  minutes: Record<string, string>;
}

function formOf(s: Assumptions): RoiForm {
  return {
    hourly: s.roi_hourly_rate_usd === null || s.roi_hourly_rate_usd === undefined ? '' : String(s.roi_hourly_rate_usd),
    minutes: Object.fromEntries((s.roi_time_saved ?? []).map((r) => [r.workflow_id, String(r.seconds_per_execution / 60)])),
  };
}

function RoiForm({ rows, locale }: { rows: RoiRow[]; locale?: string | undefined }) {
  const settings = useQuery(settingsQueries.account());
  return (
    <QueryState query={settings} skeleton={160} label="Loading ROI assumptions">
      {(s) => <RoiEditor settings={s} rows={rows} locale={locale} />}
    </QueryState>
  );
}

function RoiEditor({ settings, rows, locale }: { settings: Assumptions; rows: RoiRow[]; locale?: string | undefined }) {
  const client = useQueryClient();
  const workflows = useWorkflowList();
  const [f, setF] = useState<RoiForm>(() => formOf(settings));
  // what is sent: the hourly rate (null: none), and a row per workflow given a time — from the form's own list, so a
  // save before the workflow list has loaded keeps the times already set
  const timed = Object.keys(f.minutes).filter((id) => f.minutes[id]!.trim() !== '');
  const num = (s: string) => (Number.isNaN(Number(s)) ? (null as unknown as number) : Number(s));
  const save = useMutation({
    mutationFn: () =>
      settingsApi.saveRoi({
        roi_hourly_rate_usd: f.hourly.trim() === '' ? null : num(f.hourly),
        // what cannot be read as minutes goes as null, for the API to name (null × 60 would be a silent 0)
        roi_time_saved: timed.map((id) => ({ workflow_id: id, seconds_per_execution: Number.isNaN(Number(f.minutes[id])) ? num(f.minutes[id]!) : Number(f.minutes[id]) * 60 })),
      }),
    onSuccess: (d) => {
      client.setQueryData(settingsQueries.account().queryKey, d);
      void client.invalidateQueries({ queryKey: ['platform', 'roi'] });
      void client.invalidateQueries({ queryKey: ['platform', 'performance'] });
    },
  });
  const errors = fieldErrors(save.error);
  const catalogSeconds = (id: string) => rows.find((r) => r.workflow_id === id && r.time_saved_from === 'catalog')?.time_saved_seconds_per_execution ?? null;
  return (
    <section className="panel" aria-label="ROI assumptions">
      <h2>ROI assumptions</h2>
      <form
        className="settings-form"
        aria-label="ROI assumptions"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="form-grid">
          <Field label="Hourly cost of the work saved (USD)" error={errorAt(errors, '/roi_hourly_rate_usd')} hint="values the time saved; empty: time saved has no value">
            {(p) => <input {...p} name="hourly_rate" type="text" inputMode="decimal" value={f.hourly} onChange={(e) => setF({ ...f, hourly: e.target.value })} />}
          </Field>
        </div>
        <h3>Time saved per succeeded run (minutes)</h3>
        <p className="muted small">Empty: the time the workflow's catalog gives, if any.</p>
        <div className="form-grid">
          {workflows.map((w) => {
            const i = timed.indexOf(w.workflow_id);
            const fromCatalog = catalogSeconds(w.workflow_id);
            return (
              <Field key={w.workflow_id} label={w.name} error={i < 0 ? undefined : errorAt(errors, `/roi_time_saved/${i}`)} hint={fromCatalog === null ? undefined : `catalog: ${formatDuration(fromCatalog, locale)}`}>
                {(p) => (
                  <input
                    {...p}
                    name={`minutes-${w.workflow_id}`}
                    type="text"
                    inputMode="decimal"
                    value={f.minutes[w.workflow_id] ?? ''}
                    onChange={(e) => setF({ ...f, minutes: { ...f.minutes, [w.workflow_id]: e.target.value } })}
                  />
                )}
              </Field>
            );
          })}
        </div>
        <div className="head-actions">
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            Save assumptions
          </button>
          {save.isSuccess && !save.isPending && (
            <span className="muted small" role="status">
              Saved.
            </span>
          )}
        </div>
        <FormProblem error={save.error} shown={['/roi_hourly_rate_usd', '/roi_time_saved']} />
      </form>
    </section>
  );
}
