/**
 * The alerts page's admin sections: the rules (a table with the detector in words; create and edit in a form with
 * threshold, change and anomaly detectors and email, Slack and webhook channels; delete; evaluate now, showing what
 * each evaluation found) and the silences (silence a rule, a workflow or everything for an hour or a day; end now).
 * The API refuses both to anyone but admins; the page shows them to admins only.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { detectorText, emptyChannel, emptyRuleForm, formOfRule, ruleOfForm, scopeText, SILENCE_FOR, silenceText, type Channel, type Detector, type RuleForm, type RuleInput, type RuleScope } from '../alert-model.js';
import { alertActions, alertQueries } from '../alert-queries.js';
import type { AlertRuleOut, RuleEvaluationsResponse } from '../api.js';
import { AlertStatusBadge, SeverityBadge } from '../components/AlertBits.js';
import { DataTable } from '../components/DataTable.js';
import { errorsNamed, FormProblem, mergeErrors } from '../components/FormErrors.js';
import { QueryState } from '../components/States.js';
import { DASH, formatAgo, formatBucket, formatInstant, formatMetricValue } from '../format.js';
import { metricCatalog, type MetricInfo } from '../metric-catalog.js';
import { useWorkflowList } from './platform/common.js';

type Info = (name: string) => MetricInfo;
type Names = (id: string | null) => string;

const TRANSITION: Record<string, string> = { open: 'opened an alert', fire: 'fired', resolve: 'resolved the alert', cancel: 'cancelled the pending alert', none: 'no change' };

/** The bucket an evaluation judged (epoch ms), as a UTC label. */
function judged(ms: number, locale?: string): string {
  return ms > 0 ? `${formatBucket(new Date(ms).toISOString(), 'hour', locale, 'UTC')} UTC` : DASH;
}

export function RulesPanel({ info, name, locale }: { info: Info; name: Names; locale?: string | undefined }) {
  const client = useQueryClient();
  const rules = useQuery(alertQueries.rules());
  const [editing, setEditing] = useState<AlertRuleOut | 'new' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [evaluated, setEvaluated] = useState<{ rule: AlertRuleOut; result: RuleEvaluationsResponse } | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ['alerts'] });
  const evaluate = useMutation({
    mutationFn: (r: AlertRuleOut) => alertActions.evaluate(r.rule_id),
    onMutate: () => setEvaluated(null),
    onSuccess: (result, rule) => {
      setEvaluated({ rule, result });
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => alertActions.deleteRule(id),
    onSuccess: () => {
      setConfirmDelete(null);
      refresh();
    },
  });
  return (
    <section className="panel" aria-label="Alert rules">
      <div className="panel-head">
        <h2>Rules</h2>
        {editing === null && (
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            New rule
          </button>
        )}
      </div>
      {editing !== null && <RuleEditor key={editing === 'new' ? 'new' : editing.rule_id} rule={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      <QueryState query={rules} skeleton={140} label="Loading alert rules" retry empty={(d) => d.rules.length === 0 && 'No alert rule yet: create one to watch a metric.'}>
        {(d) => (
          <DataTable
            label="Alert rules"
            rows={d.rules}
            rowKey={(r) => r.rule_id}
            rowData={(r) => ({ rule: r.rule_id, enabled: String(r.enabled) })}
            columns={[
              {
                label: 'Rule',
                cell: (r) => (
                  <>
                    <span className="strong">{r.name}</span>
                    {r.description && <div className="muted small">{r.description}</div>}
                  </>
                ),
              },
              { label: 'Metric', cell: (r) => info(r.metric).label },
              { label: 'Scope', cell: (r) => scopeText(r.scope as RuleScope, (id) => name(id)) },
              { label: 'Breaches when', cell: (r) => detectorText(r.detector as Detector, (n) => formatMetricValue(n, info(r.metric).unit, locale)) },
              {
                label: 'Bucket',
                className: () => 'small',
                cell: (r) => (
                  <>
                    {r.bucket === 'hour' ? 'last hour' : 'last day'}
                    <div className="muted">
                      every {r.interval_minutes} min{r.for_minutes > 0 ? `, lasting ${r.for_minutes} min` : ''}
                    </div>
                  </>
                ),
              },
              { label: 'Severity', cell: (r) => <SeverityBadge severity={r.severity} /> },
              { label: 'Enabled', cell: (r) => (r.enabled ? 'on' : <span className="muted">off</span>) },
              {
                label: <span className="visually-hidden">Actions</span>,
                cell: (r) =>
                  confirmDelete === r.rule_id ? (
                    <span className="confirm">
                      <span className="small">Delete (its open alert resolves)?</span>
                      <button type="button" className="button button-danger" disabled={remove.isPending} onClick={() => remove.mutate(r.rule_id)}>
                        Yes, delete
                      </button>
                      <button type="button" className="button button-quiet" onClick={() => setConfirmDelete(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <span className="row-actions">
                      <button type="button" className="button" disabled={evaluate.isPending} onClick={() => evaluate.mutate(r)} title="Judge the last bucket now, as the scheduler does">
                        Evaluate now
                      </button>
                      <button type="button" className="button button-quiet" onClick={() => setEditing(r)}>
                        Edit
                      </button>
                      <button type="button" className="button button-quiet" onClick={() => setConfirmDelete(r.rule_id)}>
                        Delete
                      </button>
                    </span>
                  ),
              },
            ]}
          />
        )}
      </QueryState>
      {evaluate.isPending && <p className="muted small">Evaluating…</p>}
      {[evaluate, remove].map((m, i) =>
        m.isError ? (
          <p key={i} className="form-error small" role="alert">
            {m.error.message}
          </p>
        ) : null,
      )}
      {evaluated && <Evaluations rule={evaluated.rule} result={evaluated.result} name={name} locale={locale} />}
    </section>
  );
}

function Evaluations({ rule, result, name, locale }: { rule: AlertRuleOut; result: RuleEvaluationsResponse; name: Names; locale?: string | undefined }) {
  return (
    <div className="evaluations" role="status" aria-label="Evaluation" data-rule={rule.rule_id}>
      <h3>Evaluated “{rule.name}” now</h3>
      {result.evaluations.length === 0 ? (
        <p className="muted small">Nothing to judge: the rule's scope has no workflow.</p>
      ) : (
        <ul className="evaluation-list">
          {result.evaluations.map((e, i) => (
            <li key={i} data-workflow={e.workflow_id ?? ''} data-status={e.status} data-transition={e.transition} data-breached={String(e.evaluation.breached)}>
              <strong>{e.workflow_id ? name(e.workflow_id) : 'All workflows'}</strong> <AlertStatusBadge status={e.status} />{' '}
              <span className="small">
                {e.evaluation.breached ? 'breached' : 'within the rule'}, {TRANSITION[e.transition] ?? e.transition} · bucket {judged(e.evaluation.bucket, locale)}
              </span>
              <div className="small">{e.evaluation.summary}</div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Field({ label, error, children, wide }: { label: string; error?: string | undefined; children: ReactNode; wide?: boolean }) {
  return (
    <label className={`field${wide ? ' field-wide' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {error && <span className="form-error small">{error}</span>}
    </label>
  );
}

const UNIT_HINT: Record<string, string> = { percent: 'in percent', hours: 'in hours', milliseconds: 'in ms', seconds: 'in seconds', usd: 'in USD', executions: 'executions', events: 'events', credits: 'credits' };

/** Where the API's messages about a rule (problem+json pointers into its body) show in the editor. */
function rulePointerName(pointer: string): string | undefined {
  const channel = /^\/channels\/(\d+)/.exec(pointer);
  if (channel) return `channel-${channel[1]}`;
  if (pointer.startsWith('/scope')) return 'workflow_id';
  if (pointer.startsWith('/detector/threshold')) return 'threshold';
  if (pointer.startsWith('/detector/percent')) return 'percent';
  return /^\/(name|min_volume|interval_minutes|for_minutes|labels)(\/|$)/.exec(pointer)?.[1];
}
const RULE_POINTERS = ['/name', '/scope', '/detector/threshold', '/detector/percent', '/min_volume', '/interval_minutes', '/for_minutes', '/labels', '/channels'];

function RuleEditor({ rule, onDone }: { rule: AlertRuleOut | null; onDone: () => void }) {
  const client = useQueryClient();
  const catalog = useQuery(metricCatalog);
  const workflows = useWorkflowList();
  const [f, setF] = useState<RuleForm>(() => (rule ? formOfRule(rule) : emptyRuleForm()));
  const [ownErrors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: RuleInput) => (rule ? alertActions.updateRule(rule.rule_id, body) : alertActions.createRule(body)),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['alerts'] });
      onDone();
    },
  });
  // the form's own checks, then what the API refused, each beside its input
  const errors = mergeErrors(ownErrors, errorsNamed(save.error, rulePointerName));
  const set = (patch: Partial<RuleForm>) => setF((x) => ({ ...x, ...patch }));
  const setChannel = (i: number, patch: Partial<RuleForm['channels'][number]>) => set({ channels: f.channels.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const watchable = catalog.data?.metrics.filter((m) => m.watchable) ?? [];
  const unit = watchable.find((m) => m.name === f.metric)?.unit;
  const hint = unit ? ` (${UNIT_HINT[unit] ?? unit})` : '';
  return (
    <form
      className="rule-form"
      aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'}
      onSubmit={(e) => {
        e.preventDefault();
        const r = ruleOfForm(f);
        setErrors(r.errors ?? {});
        if (r.body) save.mutate(r.body);
      }}
    >
      <h3>{rule ? `Edit “${rule.name}”` : 'New rule'}</h3>
      <div className="form-grid">
        <Field label="Name" error={errors.name} wide>
          <input type="text" name="name" value={f.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} />
        </Field>
        <Field label="Metric">
          <select name="metric" value={f.metric} onChange={(e) => set({ metric: e.target.value })}>
            {!watchable.some((m) => m.name === f.metric) && <option value={f.metric}>{f.metric}</option>}
            {watchable.map((m) => (
              <option key={m.name} value={m.name}>
                {m.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Scope" error={errors.workflow_id}>
          <span className="inline">
            <select name="scope" value={f.scope} onChange={(e) => set({ scope: e.target.value as RuleForm['scope'] })}>
              <option value="workflow">One workflow</option>
              <option value="each_workflow">Each workflow (an alert each)</option>
              <option value="account">All workflows together</option>
            </select>
            {f.scope === 'workflow' && (
              <select name="workflow_id" aria-label="Workflow" value={f.workflow_id} onChange={(e) => set({ workflow_id: e.target.value })}>
                <option value="">Pick a workflow…</option>
                {!workflows.some((w) => w.workflow_id === f.workflow_id) && f.workflow_id && <option value={f.workflow_id}>{f.workflow_id}</option>}
                {workflows.map((w) => (
                  <option key={w.workflow_id} value={w.workflow_id}>
                    {w.name}
                  </option>
                ))}
              </select>
            )}
          </span>
        </Field>
        <Field label="Detector">
          <select name="detector" value={f.detector} onChange={(e) => set({ detector: e.target.value as RuleForm['detector'] })}>
            <option value="threshold">Threshold</option>
            <option value="change">Relative change</option>
            <option value="anomaly">Seasonal anomaly</option>
          </select>
        </Field>
        {f.detector === 'threshold' && (
          <Field label={`Breaches when${hint}`} error={errors.threshold}>
            <span className="inline">
              <select name="threshold_direction" aria-label="Direction" value={f.threshold_direction} onChange={(e) => set({ threshold_direction: e.target.value as 'above' | 'below' })}>
                <option value="above">above</option>
                <option value="below">below</option>
              </select>
              <input type="text" inputMode="decimal" name="threshold" aria-label="Threshold" value={f.threshold} onChange={(e) => set({ threshold: e.target.value })} size={8} />
            </span>
          </Field>
        )}
        {f.detector === 'change' && (
          <Field label="Breaches when it" error={errors.percent}>
            <span className="inline">
              <select name="change_direction" aria-label="Direction" value={f.change_direction} onChange={(e) => set({ change_direction: e.target.value as RuleForm['change_direction'] })}>
                <option value="both">moves</option>
                <option value="above">rises</option>
                <option value="below">falls</option>
              </select>
              by more than
              <input type="text" inputMode="decimal" name="percent" aria-label="Percent" value={f.percent} onChange={(e) => set({ percent: e.target.value })} size={5} />% against
              <select name="against" aria-label="Against" value={f.against} onChange={(e) => set({ against: e.target.value as RuleForm['against'] })}>
                <option value="previous">the bucket before</option>
                <option value="day_before">a day before</option>
                <option value="week_before">a week before</option>
              </select>
            </span>
          </Field>
        )}
        {f.detector === 'anomaly' && (
          <Field label="Breaches when it is">
            <span className="inline">
              <select name="anomaly_direction" aria-label="Direction" value={f.anomaly_direction} onChange={(e) => set({ anomaly_direction: e.target.value as RuleForm['anomaly_direction'] })}>
                <option value="both">outside</option>
                <option value="above">above</option>
                <option value="below">below</option>
              </select>
              the seasonal band, sensitivity
              <select name="sensitivity" aria-label="Sensitivity" value={f.sensitivity} onChange={(e) => set({ sensitivity: e.target.value as RuleForm['sensitivity'] })}>
                <option value="low">low</option>
                <option value="medium">medium</option>
                <option value="high">high</option>
              </select>
            </span>
          </Field>
        )}
        <Field label="Bucket judged">
          <select name="bucket" value={f.bucket} onChange={(e) => set({ bucket: e.target.value as 'hour' | 'day' })}>
            <option value="hour">The last complete hour</option>
            <option value="day">The last complete day (UTC)</option>
          </select>
        </Field>
        <Field label="Minimum volume" error={errors.min_volume}>
          <input type="text" inputMode="numeric" name="min_volume" value={f.min_volume} placeholder="default" onChange={(e) => set({ min_volume: e.target.value })} size={8} />
        </Field>
        <Field label="Evaluate every (min)" error={errors.interval_minutes}>
          <input type="text" inputMode="numeric" name="interval_minutes" value={f.interval_minutes} onChange={(e) => set({ interval_minutes: e.target.value })} size={6} />
        </Field>
        <Field label="Fire after lasting (min)" error={errors.for_minutes}>
          <input type="text" inputMode="numeric" name="for_minutes" value={f.for_minutes} onChange={(e) => set({ for_minutes: e.target.value })} size={6} />
        </Field>
        <Field label="Severity">
          <select name="severity" value={f.severity} onChange={(e) => set({ severity: e.target.value as RuleForm['severity'] })}>
            <option value="info">info</option>
            <option value="warning">warning</option>
            <option value="critical">critical</option>
          </select>
        </Field>
        <Field label="Labels (key=value, …)" error={errors.labels}>
          <input type="text" name="labels" value={f.labels} placeholder="team=ops" onChange={(e) => set({ labels: e.target.value })} />
        </Field>
        <Field label="Timezone of the seasons">
          <input type="text" name="timezone" value={f.timezone} onChange={(e) => set({ timezone: e.target.value })} size={16} />
        </Field>
        <label className="inline toggle field">
          <input type="checkbox" name="enabled" checked={f.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
        </label>
      </div>
      <fieldset className="channels">
        <legend>Channels</legend>
        {f.channels.length === 0 && <p className="muted small">No channel: the alert shows here and on the live pages only.</p>}
        {f.channels.map((c, i) => (
          <div key={i} className="channel" data-channel={c.type}>
            <strong className="small">{c.type === 'email' ? 'Email' : c.type === 'slack' ? 'Slack' : 'Webhook'}</strong>
            {c.type === 'email' ? (
              <input type="text" aria-label="Email addresses" placeholder="ops@example.com, oncall@example.com" value={c.to} onChange={(e) => setChannel(i, { to: e.target.value })} />
            ) : (
              <input type="url" aria-label={c.type === 'slack' ? 'Slack incoming webhook URL' : 'Webhook URL'} placeholder={c.type === 'slack' ? 'https://hooks.slack.com/services/…' : 'https://example.com/hooks/flowlens'} value={c.url} onChange={(e) => setChannel(i, { url: e.target.value })} />
            )}
            {c.type === 'webhook' && (
              <input type="password" aria-label="Signing secret" placeholder="signing secret (16+ characters)" value={c.secret} autoComplete="off" onChange={(e) => setChannel(i, { secret: e.target.value })} />
            )}
            <button type="button" className="button button-quiet" onClick={() => set({ channels: f.channels.filter((_, j) => j !== i) })} aria-label={`Remove the ${c.type} channel`}>
              ✕
            </button>
            {errors[`channel-${i}`] && <span className="form-error small">{errors[`channel-${i}`]}</span>}
          </div>
        ))}
        <div className="head-actions">
          {(['email', 'slack', 'webhook'] as Channel['type'][]).map((t) => (
            <button key={t} type="button" className="button button-quiet" onClick={() => set({ channels: [...f.channels, emptyChannel(t)] })}>
              + {t === 'email' ? 'Email' : t === 'slack' ? 'Slack' : 'Webhook'}
            </button>
          ))}
        </div>
      </fieldset>
      <div className="head-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : rule ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
        <FormProblem error={save.error} shown={RULE_POINTERS} />
      </div>
    </form>
  );
}

export function SilencesPanel({ name, locale }: { name: Names; locale?: string | undefined }) {
  const client = useQueryClient();
  const silences = useQuery(alertQueries.silences());
  const rules = useQuery(alertQueries.rules());
  const workflows = useWorkflowList();
  const [target, setTarget] = useState('');
  const [duration, setDuration] = useState<(typeof SILENCE_FOR)[number]['key']>('1h');
  const [comment, setComment] = useState('');
  const refresh = () => void client.invalidateQueries({ queryKey: ['alerts', 'silences'] });
  const create = useMutation({
    mutationFn: () => {
      const ms = SILENCE_FOR.find((d) => d.key === duration)!.ms;
      const [kind, id] = target.split(':', 2) as [string, string | undefined];
      return alertActions.silence({
        ...(kind === 'rule' && id ? { rule_id: id } : {}),
        ...(kind === 'workflow' && id ? { workflow_id: id } : {}),
        ends_at: new Date(Date.now() + ms).toISOString(),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
    },
    onSuccess: () => {
      setComment('');
      refresh();
    },
  });
  const end = useMutation({ mutationFn: (id: string) => alertActions.endSilence(id), onSuccess: refresh });
  const ruleName = (id: string) => rules.data?.rules.find((r) => r.rule_id === id)?.name ?? id;
  const now = Date.now();
  return (
    <section className="panel" aria-label="Silences">
      <div className="panel-head">
        <h2>Silences</h2>
        <span className="muted small">A silenced alert still opens; its notification waits until the silence ends, and goes out then if it still fires.</span>
      </div>
      <form
        className="silence-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="inline">
          Silence
          <select aria-label="What to silence" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">every alert</option>
            {(rules.data?.rules ?? []).map((r) => (
              <option key={r.rule_id} value={`rule:${r.rule_id}`}>
                rule: {r.name}
              </option>
            ))}
            {workflows.map((w) => (
              <option key={w.workflow_id} value={`workflow:${w.workflow_id}`}>
                workflow: {w.name}
              </option>
            ))}
          </select>
        </label>
        <span className="inline">
          for
          <span className="segmented small" role="group" aria-label="For how long">
            {SILENCE_FOR.map((d) => (
              <button key={d.key} type="button" aria-pressed={duration === d.key} onClick={() => setDuration(d.key)}>
                {d.label}
              </button>
            ))}
          </span>
        </span>
        <input type="text" aria-label="Comment" placeholder="why (optional)" value={comment} maxLength={1000} onChange={(e) => setComment(e.target.value)} />
        <button type="submit" className="button" disabled={create.isPending}>
          Silence
        </button>
        {[create, end].map((m, i) =>
          m.isError ? (
            <span key={i} className="form-error small" role="alert">
              {m.error.message}
            </span>
          ) : null,
        )}
      </form>
      <QueryState query={silences} skeleton={80} label="Loading silences" retry empty={(d) => d.silences.length === 0 && 'No silence in effect.'}>
        {(d) => (
          <DataTable
            label="Silences"
            rows={d.silences}
            rowKey={(s) => s.silence_id}
            rowData={(s) => ({ silence: s.silence_id })}
            columns={[
              { label: 'Holds back', cell: (s) => silenceText(s, ruleName, (id) => name(id)) },
              { label: 'From', cell: (s) => formatInstant(s.starts_at, locale), value: (s) => s.starts_at },
              { label: 'Until', cell: (s) => <span title={formatInstant(s.ends_at, locale)}>{formatAgo(s.ends_at, now, locale)}</span>, value: (s) => s.ends_at },
              { label: 'Comment', className: () => 'small', cell: (s) => s.comment || DASH },
              { label: 'By', cell: (s) => s.created_by || DASH },
              {
                label: <span className="visually-hidden">Actions</span>,
                cell: (s) =>
                  Date.parse(s.ends_at) > now ? (
                    <button type="button" className="button button-quiet" disabled={end.isPending} onClick={() => end.mutate(s.silence_id)}>
                      End now
                    </button>
                  ) : (
                    <span className="muted small">ended</span>
                  ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
