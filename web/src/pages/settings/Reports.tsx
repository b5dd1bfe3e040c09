/**
 * Settings › Scheduled reports (admins): the account's reports (a workflow or all, a template, PDF and/or CSV, a
 * schedule in a timezone, recipients), created, edited and deleted in a form over POST/PUT/DELETE /reports; the
 * API's field errors (`/recipients/1`, `/schedule/timezone`, …) show next to their inputs.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { DataTable } from '../../components/DataTable.js';
import { errorAt, Field, fieldErrors, FormProblem } from '../../components/FormErrors.js';
import { QueryState } from '../../components/States.js';
import { listOf, settingsApi, settingsQueries, type ReportInput, type ReportOut } from '../../settings-queries.js';
import { useWorkflowList, useWorkflowNames } from '../platform/common.js';

const TEMPLATES = [
  ['executive', 'Executive: the headline figures and trends on one page'],
  ['detailed', 'Detailed: every figure, the funnel, actions and costs'],
] as const;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface ReportForm {
  name: string;
  workflow_id: string;
  template: ReportOut['template'];
  pdf: boolean;
  csv: boolean;
  frequency: ReportOut['schedule']['frequency'];
  time: string;
  timezone: string;
  day_of_week: string;
  day_of_month: string;
  recipients: string;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const emptyForm = (): ReportForm => ({ name: '', workflow_id: '*', template: 'executive', pdf: true, csv: false, frequency: 'weekly', time: '08:00', timezone: browserZone(), day_of_week: '1', day_of_month: '1', recipients: '' });

function formOf(r: ReportOut): ReportForm {
  return {
    name: r.name,
    workflow_id: r.workflow_id,
    template: r.template,
    pdf: r.formats.includes('pdf'),
    csv: r.formats.includes('csv'),
    frequency: r.schedule.frequency,
    time: r.schedule.time,
    timezone: r.schedule.timezone,
    day_of_week: String(r.schedule.day_of_week ?? 1),
    day_of_month: String(r.schedule.day_of_month ?? 1),
    recipients: r.recipients.join(', '),
  };
}

function inputOf(f: ReportForm): ReportInput {
  return {
    name: f.name.trim(),
    workflow_id: f.workflow_id,
    template: f.template,
    formats: [...(f.pdf ? ['pdf' as const] : []), ...(f.csv ? ['csv' as const] : [])],
    schedule: {
      frequency: f.frequency,
      time: f.time,
      timezone: f.timezone.trim(),
      ...(f.frequency === 'weekly' ? { day_of_week: Number(f.day_of_week) } : {}),
      ...(f.frequency === 'monthly' ? { day_of_month: Number(f.day_of_month) } : {}),
    },
    recipients: listOf(f.recipients),
  };
}

function scheduleText(s: ReportOut['schedule']): string {
  const when = s.frequency === 'daily' ? 'Every day' : s.frequency === 'weekly' ? `Every ${WEEKDAYS[(s.day_of_week ?? 1) - 1]}` : `Monthly on day ${s.day_of_month ?? 1}`;
  return `${when} at ${s.time} (${s.timezone})`;
}

const FIELDS = ['/name', '/workflow_id', '/template', '/formats', '/schedule', '/recipients'];

export function Reports({ locale: _locale }: { locale?: string | undefined }) {
  const client = useQueryClient();
  const reports = useQuery(settingsQueries.reports());
  const name = useWorkflowNames();
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useMutation({ mutationFn: (id: string) => settingsApi.deleteReport(id), onSuccess: () => void client.invalidateQueries({ queryKey: ['settings', 'reports'] }) });
  const current = reports.data?.reports.find((r) => r.report_id === editing) ?? null;
  return (
    <section className="panel" aria-label="Scheduled reports">
      <div className="panel-head">
        <h2>Scheduled reports</h2>
        {editing === null && (
          <button type="button" className="button" onClick={() => setEditing('new')}>
            New report
          </button>
        )}
      </div>
      <p className="muted small">Each run covers the last complete day, week or month and is emailed to its recipients.</p>
      {editing === 'new' && <ReportEditor report={null} onDone={() => setEditing(null)} />}
      {current && <ReportEditor key={current.report_id} report={current} onDone={() => setEditing(null)} />}
      <QueryState query={reports} skeleton={120} label="Loading reports" empty={(d) => d.reports.length === 0 && editing !== 'new' && 'No scheduled report yet: add one with “New report”.'}>
        {(d) => (
          <DataTable
            label="Scheduled reports"
            rows={d.reports}
            rowKey={(r) => r.report_id}
            rowData={(r) => ({ report: r.report_id })}
            columns={[
              { label: 'Name', cell: (r) => r.name },
              { label: 'Workflow', cell: (r) => (r.dashboard_id ? 'a dashboard' : r.workflow_id === '*' ? 'All workflows' : name(r.workflow_id)) },
              { label: 'Template', cell: (r) => r.template },
              { label: 'Formats', cell: (r) => r.formats.join(', ').toUpperCase() },
              { label: 'Schedule', cell: (r) => scheduleText(r.schedule) },
              { label: 'Recipients', cell: (r) => r.recipients.join(', ') },
              {
                label: <span className="visually-hidden">Actions</span>,
                cell: (r) => (
                  <span className="row-actions">
                    {!r.dashboard_id && (
                      <button type="button" className="button button-quiet" onClick={() => setEditing(r.report_id)} disabled={editing !== null}>
                        Edit
                      </button>
                    )}
                    <ConfirmButton label="Delete" question={`Delete the report “${r.name}”?`} confirm="Yes, delete" onConfirm={() => remove.mutate(r.report_id)} disabled={remove.isPending} />
                  </span>
                ),
              },
            ]}
          />
        )}
      </QueryState>
      <FormProblem error={remove.error} />
    </section>
  );
}

function ReportEditor({ report, onDone }: { report: ReportOut | null; onDone: () => void }) {
  const client = useQueryClient();
  const workflows = useWorkflowList();
  const [f, setF] = useState<ReportForm>(() => (report ? formOf(report) : emptyForm()));
  const set = (patch: Partial<ReportForm>) => setF((x) => ({ ...x, ...patch }));
  const save = useMutation({
    mutationFn: () => (report ? settingsApi.updateReport(report.report_id, inputOf(f)) : settingsApi.createReport(inputOf(f))),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['settings', 'reports'] });
      onDone();
    },
  });
  const errors = fieldErrors(save.error);
  const title = report ? `Edit report ${report.name}` : 'New report';
  return (
    <form
      className="settings-form"
      aria-label={title}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h3>{report ? `Edit “${report.name}”` : 'New report'}</h3>
      <div className="form-grid">
        <Field label="Name" error={errorAt(errors, '/name')}>
          {(p) => <input {...p} name="name" type="text" value={f.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />}
        </Field>
        <Field label="Workflow" error={errorAt(errors, '/workflow_id')}>
          {(p) => (
            <select {...p} name="workflow_id" value={f.workflow_id} onChange={(e) => set({ workflow_id: e.target.value })}>
              <option value="*">All workflows</option>
              {workflows.map((w) => (
                <option key={w.workflow_id} value={w.workflow_id}>
                  {w.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Template" error={errorAt(errors, '/template')} wide>
          {(p) => (
            <select {...p} name="template" value={f.template} onChange={(e) => set({ template: e.target.value as ReportForm['template'] })}>
              {TEMPLATES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="field" aria-describedby={errorAt(errors, '/formats') ? 'report-formats-error' : undefined}>
          <legend className="field-label">Formats</legend>
          <span className="inline">
            <label className="inline">
              <input type="checkbox" name="pdf" checked={f.pdf} onChange={(e) => set({ pdf: e.target.checked })} /> PDF
            </label>
            <label className="inline">
              <input type="checkbox" name="csv" checked={f.csv} onChange={(e) => set({ csv: e.target.checked })} /> CSV
            </label>
          </span>
          {errorAt(errors, '/formats') && (
            <span className="form-error small" id="report-formats-error" data-field-error="">
              {errorAt(errors, '/formats')}
            </span>
          )}
        </fieldset>
        <Field label="Frequency" error={errorAt(errors, '/schedule/frequency')}>
          {(p) => (
            <select {...p} name="frequency" value={f.frequency} onChange={(e) => set({ frequency: e.target.value as ReportForm['frequency'] })}>
              <option value="daily">Daily</option>
              <option value="weekly">Weekly</option>
              <option value="monthly">Monthly</option>
            </select>
          )}
        </Field>
        {f.frequency === 'weekly' && (
          <Field label="On" error={errorAt(errors, '/schedule/day_of_week')}>
            {(p) => (
              <select {...p} name="day_of_week" value={f.day_of_week} onChange={(e) => set({ day_of_week: e.target.value })}>
                {WEEKDAYS.map((d, i) => (
                  <option key={d} value={String(i + 1)}>
                    {d}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {f.frequency === 'monthly' && (
          <Field label="On day (1–28)" error={errorAt(errors, '/schedule/day_of_month')}>
            {(p) => <input {...p} name="day_of_month" type="text" inputMode="numeric" value={f.day_of_month} onChange={(e) => set({ day_of_month: e.target.value })} />}
          </Field>
        )}
        <Field label="At (local time)" error={errorAt(errors, '/schedule/time')}>
          {(p) => <input {...p} name="time" type="time" value={f.time} onChange={(e) => set({ time: e.target.value })} />}
        </Field>
        <Field label="Timezone" error={errorAt(errors, '/schedule/timezone')}>
          {(p) => <input {...p} name="timezone" type="text" value={f.timezone} onChange={(e) => set({ timezone: e.target.value })} />}
        </Field>
        <Field label="Recipients" error={errorAt(errors, '/recipients')} hint="email addresses separated by commas" wide>
          {(p) => <input {...p} name="recipients" type="text" value={f.recipients} onChange={(e) => set({ recipients: e.target.value })} />}
        </Field>
      </div>
      <div className="head-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {report ? 'Save report' : 'Schedule report'}
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
      <FormProblem error={save.error} shown={FIELDS} />
    </form>
  );
}
