/**
 * The integrations page (`/integrations`): the account's connections to HubSpot, Salesforce and GA4 — each with its
 * last run and sync success rate; connect one (a form per kind, the API's field errors next to their inputs); sync
 * now; the run history (status, progress, counts, data-quality findings). Credentials are typed in and never shown:
 * the API only says which are set. Admins manage, members read; the API decides, the page hides what it would refuse.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import type { IntegrationOut, RunOut } from '../../../src/contract/index.js';
import { DataTable } from '../components/DataTable.js';
import { errorAt, Field, fieldErrors, FormProblem } from '../components/FormErrors.js';
import { QueryState } from '../components/States.js';
import { DASH, formatAgo, formatInstant, formatNumber, formatPercent } from '../format.js';

type Kind = 'hubspot' | 'salesforce' | 'ga4';
const KINDS: Record<Kind, { label: string; credentials: string[]; config: Array<{ name: string; hint: string }> }> = {
  hubspot: { label: 'HubSpot', credentials: ['access_token'], config: [{ name: 'contact_key_property', hint: 'the contact property holding your contact_id (default email)' }] },
  salesforce: { label: 'Salesforce', credentials: ['client_id', 'client_secret', 'refresh_token'], config: [{ name: 'contact_key_field', hint: 'the Lead field holding your contact_id (default Email)' }, { name: 'currency', hint: 'opportunity currency (default USD)' }] },
  ga4: { label: 'Google Analytics 4', credentials: ['access_token'], config: [{ name: 'property_id', hint: 'the GA4 property (digits)' }] },
};

interface RunsAnswer { runs: RunOut[]; success_rate: IntegrationOut['success_rate'] }
const keys = { list: ['integrations'] as const, runs: (id: string) => ['integrations', id, 'runs'] as const };
const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

function rate(r: IntegrationOut['success_rate'], locale?: string): string {
  return r.rate === null ? 'no runs yet' : `${formatPercent(r.rate * 100, locale)} of ${formatNumber(r.runs, locale)} run${r.runs === 1 ? '' : 's'}`;
}

export function IntegrationsPage({ locale, isAdmin }: { locale?: string | undefined; isAdmin: boolean }) {
  const client = useQueryClient();
  const list = useQuery({ queryKey: keys.list, queryFn: () => api<{ integrations: IntegrationOut[] }>('/api/v1/integrations'), refetchInterval: 5_000 });
  const [adding, setAdding] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const sync = useMutation({
    mutationFn: (id: string) => api<{ run_id: string }>(`/api/v1/integrations/${encodeURIComponent(id)}/sync`, { method: 'POST' }),
    onSuccess: (_r, id) => {
      setShown(id);
      void client.invalidateQueries({ queryKey: ['integrations'] });
    },
  });
  return (
    <div className="page">
      <h1>Integrations</h1>
      <section className="panel" aria-label="Connected services">
        <div className="panel-head">
          <h2>Connected services</h2>
          {isAdmin && !adding && (
            <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
              Connect a service
            </button>
          )}
        </div>
        {adding && <ConnectForm onDone={() => setAdding(false)} />}
        <QueryState query={list} label="Loading integrations" empty={(d) => (d.integrations.length === 0 ? 'No service connected yet.' : null)}>
          {(d) => (
            <DataTable
              label="Integrations"
              rows={d.integrations}
              rowKey={(i) => i.integration_id}
              rowData={(i) => ({ integration: i.name })}
              columns={[
                { label: 'Name', cell: (i) => i.name },
                { label: 'Service', cell: (i) => KINDS[i.kind as Kind]?.label ?? i.kind },
                { label: 'Schedule', cell: (i) => (i.schedule_minutes === 0 ? 'on demand' : `every ${formatNumber(i.schedule_minutes, locale)} min`) + (i.enabled ? '' : ' (paused)') },
                { label: 'Last run', cell: (i) => (i.last_run ? `${i.last_run.status} · ${formatAgo(i.last_run.started_at, Date.now(), locale)}` : DASH) },
                { label: 'Success rate', cell: (i) => rate(i.success_rate, locale), value: (i) => i.success_rate.rate },
                {
                  label: '',
                  cell: (i) => (
                    <span className="row-actions">
                      {isAdmin && (
                        <button type="button" className="button" disabled={sync.isPending && sync.variables === i.integration_id} onClick={() => sync.mutate(i.integration_id)}>
                          Sync now
                        </button>
                      )}
                      <button type="button" className="button" aria-expanded={shown === i.integration_id} onClick={() => setShown(shown === i.integration_id ? null : i.integration_id)}>
                        History
                      </button>
                    </span>
                  ),
                },
              ]}
            />
          )}
        </QueryState>
        {sync.isError && <FormProblem error={sync.error} />}
      </section>
      {shown && <History id={shown} name={list.data?.integrations.find((i) => i.integration_id === shown)?.name ?? shown} locale={locale} />}
    </div>
  );
}

function ConnectForm({ onDone }: { onDone: () => void }) {
  const client = useQueryClient();
  const [kind, setKind] = useState<Kind>('hubspot');
  const [name, setName] = useState('');
  const [schedule, setSchedule] = useState('60');
  const [values, setValues] = useState<Record<string, string>>({});
  const spec = KINDS[kind];
  const create = useMutation({
    mutationFn: () =>
      api<IntegrationOut>('/api/v1/integrations', {
        method: 'POST',
        body: {
          kind, name,
          schedule_minutes: Number(schedule),
          credentials: Object.fromEntries(spec.credentials.map((c) => [c, values[`credentials.${c}`] ?? ''])),
          config: Object.fromEntries(spec.config.map((c) => [c.name, values[`config.${c.name}`] ?? '']).filter(([, v]) => v !== '')),
        },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['integrations'] });
      onDone();
    },
  });
  const errors = fieldErrors(create.error);
  const set = (key: string, value: string) => setValues((v) => ({ ...v, [key]: value }));
  return (
    <form className="rule-form" aria-label="Connect a service" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
      <div className="form-grid">
      <Field label="Service" error={errorAt(errors, '/kind')}>
        {(p) => (
          <select {...p} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {Object.entries(KINDS).map(([k, s]) => <option key={k} value={k}>{s.label}</option>)}
          </select>
        )}
      </Field>
      <Field label="Name" error={errorAt(errors, '/name')}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Sync every (minutes)" hint="0: on demand only" error={errorAt(errors, '/schedule_minutes')}>
        {(p) => <input {...p} type="number" min={0} max={10080} value={schedule} onChange={(e) => setSchedule(e.target.value)} />}
      </Field>
      {spec.credentials.map((c) => (
        <Field key={`${kind}-${c}`} label={c.replace(/_/g, ' ')} hint="stored encrypted, never shown again" error={errorAt(errors, `/credentials/${c}`)}>
          {(p) => <input {...p} type="password" autoComplete="off" value={values[`credentials.${c}`] ?? ''} onChange={(e) => set(`credentials.${c}`, e.target.value)} />}
        </Field>
      ))}
      {spec.config.map((c) => (
        <Field key={`${kind}-${c.name}`} label={c.name.replace(/_/g, ' ')} hint={c.hint} error={errorAt(errors, `/config/${c.name}`)}>
          {(p) => <input {...p} value={values[`config.${c.name}`] ?? ''} onChange={(e) => set(`config.${c.name}`, e.target.value)} />}
        </Field>
      ))}
      </div>
      <FormProblem error={create.error} shown={Object.keys(errors)} />
      <div className="row-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>Connect</button>
        <button type="button" className="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}

function History({ id, name, locale }: { id: string; name: string; locale?: string | undefined }) {
  const runs = useQuery({ queryKey: keys.runs(id), queryFn: () => api<RunsAnswer>(`/api/v1/integrations/${encodeURIComponent(id)}/runs?limit=20`), refetchInterval: 2_000 });
  return (
    <section className="panel" aria-label={`Sync history of ${name}`}>
      <div className="panel-head">
        <h2>Sync history: {name}</h2>
        {runs.data && <span className="muted">Success rate {rate(runs.data.success_rate, locale)}</span>}
      </div>
      <QueryState query={runs} label="Loading runs" empty={(d) => (d.runs.length === 0 ? 'No run yet: sync now, or wait for the schedule.' : null)}>
        {(d) => (
          <>
            <DataTable
              label="Runs"
              rows={d.runs}
              rowKey={(r) => r.run_id}
              rowData={(r) => ({ status: r.status })}
              columns={[
                { label: 'Started', cell: (r) => formatInstant(r.started_at, locale) },
                { label: 'Trigger', cell: (r) => r.trigger },
                { label: 'Status', cell: (r) => (r.status === 'running' ? `running ${formatPercent(r.progress * 100, locale)}` : r.status) },
                { label: 'Fetched', numeric: true, cell: (r) => formatNumber(sum(r.fetched), locale), value: (r) => sum(r.fetched) },
                { label: 'New', numeric: true, cell: (r) => formatNumber(sum(r.inserted), locale) },
                { label: 'Updated', numeric: true, cell: (r) => formatNumber(sum(r.updated), locale) },
                { label: 'Conflicts', numeric: true, cell: (r) => formatNumber(sum(r.conflicts_resolved), locale) },
                { label: 'Duplicates', numeric: true, cell: (r) => formatNumber(sum(r.duplicates), locale) },
                { label: 'Missing ids', numeric: true, cell: (r) => formatNumber(sum(r.missing_ids), locale) },
                { label: 'Clock skew', numeric: true, cell: (r) => formatNumber(sum(r.clock_skew), locale) },
                { label: 'Retries', numeric: true, cell: (r) => formatNumber(r.rate_limited_retries, locale) },
                { label: 'Error', cell: (r) => r.error || DASH, className: () => 'small' },
              ]}
            />
            {d.runs[0]?.report && d.runs[0].report.findings.length > 0 && (
              <div className="evaluations">
                <h3>What the latest run found</h3>
                <ul className="evaluation-list">
                  {d.runs[0].report.findings.map((f, i) => <li key={i}>{f}</li>)}
                </ul>
              </div>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}
