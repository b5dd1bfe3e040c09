/**
 * Settings › Budgets (admins): the account's monthly cost budgets with where they stand, one edited at a time
 * in a form. The API replaces the whole list (PUT /analytics/costs/budgets), so a save sends every budget with
 * this one changed, and the API's field errors for it (`/budgets/{i}/…`) show next to its inputs.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { DataTable } from '../../components/DataTable.js';
import { errorAt, Field, fieldErrors, FormProblem } from '../../components/FormErrors.js';
import { QueryState } from '../../components/States.js';
import { formatUsd } from '../../format.js';
import { budgetInput, listOf, settingsApi, settingsQueries, type BudgetInput, type BudgetOut } from '../../settings-queries.js';
import { useWorkflowList, useWorkflowNames } from '../platform/common.js';

interface BudgetForm {
  scope: 'account' | 'workflow';
  workflow_id: string;
  monthly_usd: string;
  thresholds: string;
  timezone: string;
  emails: string;
  webhook_url: string;
}

const EMPTY: BudgetForm = { scope: 'account', workflow_id: '', monthly_usd: '', thresholds: '80, 100', timezone: 'UTC', emails: '', webhook_url: '' };

function formOf(b: BudgetOut): BudgetForm {
  return {
    scope: b.scope === 'workflow' ? 'workflow' : 'account',
    workflow_id: b.workflow_id ?? '',
    monthly_usd: String(b.monthly_usd),
    thresholds: b.thresholds.join(', '),
    timezone: b.timezone,
    emails: b.notify.emails.join(', '),
    webhook_url: b.notify.webhook_url ?? '',
  };
}

/** The form as the API takes it; what cannot be read as a number goes as null, for the API to name. */
function inputOf(f: BudgetForm): BudgetInput {
  const num = (s: string) => (s.trim() === '' || Number.isNaN(Number(s)) ? (null as unknown as number) : Number(s));
  return {
    scope: f.scope,
    ...(f.scope === 'workflow' ? { workflow_id: f.workflow_id } : {}),
    monthly_usd: num(f.monthly_usd),
    thresholds: listOf(f.thresholds).map(num),
    timezone: f.timezone.trim() || 'UTC',
    notify: { emails: listOf(f.emails), ...(f.webhook_url.trim() ? { webhook_url: f.webhook_url.trim() } : {}) },
  };
}

const FIELDS = ['/scope', '/workflow_id', '/monthly_usd', '/thresholds', '/timezone', '/notify/emails', '/notify/webhook_url', '/'];

export function Budgets({ locale }: { locale?: string | undefined }) {
  const client = useQueryClient();
  const budgets = useQuery(settingsQueries.budgets());
  const name = useWorkflowNames();
  /** The budget being edited: its id, 'new', or none. */
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => settingsApi.saveBudgets((budgets.data?.budgets ?? []).filter((b) => b.budget_id !== id).map(budgetInput)),
    onSuccess: (d) => {
      client.setQueryData(settingsQueries.budgets().queryKey, d);
      void client.invalidateQueries({ queryKey: ['platform', 'budgets'] });
    },
  });
  // the API replaces the whole list: nothing is edited before the list is known, or a save would drop the others
  const loaded = budgets.data !== undefined;
  const list = budgets.data?.budgets ?? [];
  return (
    <section className="panel" aria-label="Budgets">
      <div className="panel-head">
        <h2>Monthly budgets</h2>
        {editing === null && loaded && (
          <button type="button" className="button" onClick={() => setEditing('new')}>
            New budget
          </button>
        )}
      </div>
      <p className="muted small">A budget for the whole account and one per workflow; an alert is sent when the month's spend, or its forecast, crosses a threshold.</p>
      {editing === 'new' && loaded && <BudgetEditor all={list} budget={null} onDone={() => setEditing(null)} />}
      <QueryState query={budgets} skeleton={120} label="Loading budgets" empty={(d) => d.budgets.length === 0 && editing !== 'new' && 'No budget yet: add one with “New budget”.'}>
        {(d) => (
          <DataTable
            label="Budgets"
            rows={d.budgets}
            rowKey={(b) => b.budget_id}
            rowData={(b) => ({ budget: b.budget_id })}
            columns={[
              { label: 'For', cell: (b) => (b.scope === 'account' ? 'The whole account' : name(b.workflow_id)) },
              { label: 'Per month', numeric: true, cell: (b) => formatUsd(b.monthly_usd, locale), value: (b) => b.monthly_usd },
              { label: 'Spent', numeric: true, cell: (b) => `${formatUsd(b.status.spent_usd, locale)} (${Math.round(b.status.spent_percent)}%)` },
              { label: 'Alerts at', cell: (b) => b.thresholds.map((t) => `${t}%`).join(', ') },
              { label: 'Notifies', cell: (b) => [...b.notify.emails, ...(b.notify.webhook_url ? ['webhook'] : [])].join(', ') || '—' },
              {
                label: <span className="visually-hidden">Actions</span>,
                cell: (b) =>
                  editing === b.budget_id ? null : (
                    <span className="row-actions">
                      <button type="button" className="button button-quiet" onClick={() => setEditing(b.budget_id)}>
                        Edit
                      </button>
                      <ConfirmButton label="Delete" question={`Delete this budget (${formatUsd(b.monthly_usd, locale)} a month)?`} confirm="Yes, delete" onConfirm={() => remove.mutate(b.budget_id)} disabled={remove.isPending} />
                    </span>
                  ),
              },
            ]}
          />
        )}
      </QueryState>
      <FormProblem error={remove.error} />
      {editing !== null && editing !== 'new' && list.some((b) => b.budget_id === editing) && (
        <BudgetEditor all={list} budget={list.find((b) => b.budget_id === editing)!} onDone={() => setEditing(null)} />
      )}
    </section>
  );
}

function BudgetEditor({ all, budget, onDone }: { all: BudgetOut[]; budget: BudgetOut | null; onDone: () => void }) {
  const client = useQueryClient();
  const workflows = useWorkflowList();
  const [f, setF] = useState<BudgetForm>(() => (budget ? formOf(budget) : EMPTY));
  const set = (patch: Partial<BudgetForm>) => setF((x) => ({ ...x, ...patch }));
  // this budget's place in the list sent: its own, or after the others
  const index = budget ? all.findIndex((b) => b.budget_id === budget.budget_id) : all.length;
  const save = useMutation({
    mutationFn: () => {
      const list = all.map(budgetInput);
      list.splice(index, budget ? 1 : 0, inputOf(f));
      return settingsApi.saveBudgets(list);
    },
    onSuccess: (d) => {
      client.setQueryData(settingsQueries.budgets().queryKey, d);
      void client.invalidateQueries({ queryKey: ['platform', 'budgets'] });
      onDone();
    },
  });
  const under = `/budgets/${index}`;
  const errors = fieldErrors(save.error, under);
  const title = budget ? 'Edit budget' : 'New budget';
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
      <h3>{title}</h3>
      <div className="form-grid">
        <Field label="For" error={errorAt(errors, '/scope')}>
          {(p) => (
            <select {...p} name="scope" value={f.scope} onChange={(e) => set({ scope: e.target.value as BudgetForm['scope'] })}>
              <option value="account">The whole account</option>
              <option value="workflow">One workflow</option>
            </select>
          )}
        </Field>
        {f.scope === 'workflow' && (
          <Field label="Workflow" error={errorAt(errors, '/workflow_id')}>
            {(p) => (
              <select {...p} name="workflow_id" value={f.workflow_id} onChange={(e) => set({ workflow_id: e.target.value })}>
                <option value="">Choose a workflow…</option>
                {workflows.map((w) => (
                  <option key={w.workflow_id} value={w.workflow_id}>
                    {w.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Budget per month (USD)" error={errorAt(errors, '/monthly_usd')}>
          {(p) => <input {...p} name="monthly_usd" type="text" inputMode="decimal" value={f.monthly_usd} onChange={(e) => set({ monthly_usd: e.target.value })} />}
        </Field>
        <Field label="Alert at (% of the budget)" error={errorAt(errors, '/thresholds')} hint="e.g. 80, 100">
          {(p) => <input {...p} name="thresholds" type="text" value={f.thresholds} onChange={(e) => set({ thresholds: e.target.value })} />}
        </Field>
        <Field label="Months in timezone" error={errorAt(errors, '/timezone')}>
          {(p) => <input {...p} name="timezone" type="text" value={f.timezone} onChange={(e) => set({ timezone: e.target.value })} />}
        </Field>
        <Field label="Email alerts to" error={errorAt(errors, '/notify/emails')} hint="addresses separated by commas" wide>
          {(p) => <input {...p} name="emails" type="text" value={f.emails} onChange={(e) => set({ emails: e.target.value })} />}
        </Field>
        <Field label="Webhook URL (optional)" error={errorAt(errors, '/notify/webhook_url')} wide>
          {(p) => <input {...p} name="webhook_url" type="url" value={f.webhook_url} onChange={(e) => set({ webhook_url: e.target.value })} placeholder="https://" />}
        </Field>
      </div>
      <div className="head-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          Save budget
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
      <FormProblem error={save.error} under={under} shown={FIELDS} />
    </form>
  );
}
