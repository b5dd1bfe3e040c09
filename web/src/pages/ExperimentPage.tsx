/**
 * `/experiments/{id}`: an A/B experiment — its status and actions (start, evaluate, stop, decide, roll back;
 * hidden from viewers), the sample-ratio-mismatch warning, what the decision rule says and why, the variants
 * side by side, per variant against the control the primary metric's difference with its intervals as error
 * bars, the Bayesian and sequential figures, secondary metrics and guardrails, the sample's progress, and the
 * decisions taken.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { intervalChartHeight, intervalOptions, type IntervalRow, type IntervalVerdict } from '../../../src/charts/experiment-options.js';
import type { DecisionOut, ExperimentOut, ExperimentResultsResponse } from '../api.js';
import { ComparisonTable, Difference, SignificanceMark, VerdictBadge } from '../components/Comparison.js';
import { FormProblem } from '../components/FormErrors.js';
import { DataTable } from '../components/DataTable.js';
import { LazyChart, loadChart } from '../components/LazyChart.js';
import { Empty, ErrorState, QueryState, Skeleton } from '../components/States.js';
import { experimentAction, experimentQueries } from '../experiment-queries.js';
import {
  DASH, formatAmount, formatChange, formatCount, formatDays, formatDifference, formatInstant, formatInterval, formatMetricValue, formatP, formatProbability, formatPValue, formatShare,
} from '../format.js';
import { useMetricInfo, type MetricInfo } from '../metric-catalog.js';
import { linkProps } from '../router.js';
import { StatusBadge } from './ExperimentList.js';
import { useWorkflowNames } from './platform/common.js';
import { usePageTitle } from '../use-page-title.js';

type Results = ExperimentResultsResponse;
type Arm = Results['arms'][number];
type Info = (name: string) => MetricInfo;

export function ExperimentPage({ experimentId, locale, canChange }: { experimentId: string; locale?: string | undefined; canChange: boolean }) {
  const detail = useQuery(experimentQueries.detail(experimentId));
  // a running experiment's figures move as events arrive
  const results = useQuery({ ...experimentQueries.results(experimentId), refetchInterval: detail.data?.status === 'running' ? 60_000 : false });
  const decisions = useQuery(experimentQueries.decisions(experimentId));
  usePageTitle(detail.data?.name, 'Experiments');
  const info = useMetricInfo();
  const name = useWorkflowNames();
  useEffect(() => void loadChart(), []);

  const back = (
    <a className="small" {...linkProps('/experiments')}>
      ← Experiments
    </a>
  );
  if (detail.isError) {
    return (
      <>
        <p>{back}</p>
        <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
      </>
    );
  }
  const e = detail.data;
  return (
    <>
      <div className="page-head">
        <div>
          {back}
          <h1>
            {e?.name ?? 'Experiment'} {e && <StatusBadge status={e.status} />}
          </h1>
          {e && (
            <p className="muted small">
              On <a {...linkProps(`/workflows/${encodeURIComponent(e.workflow_id)}`)}>{name(e.workflow_id)}</a> · {e.variants.map((v) => v.key).join(' vs ')} · primary metric{' '}
              <strong>{info(e.primary_metric).label}</strong>
            </p>
          )}
        </div>
        {e && <ExperimentActions experiment={e} canChange={canChange} />}
      </div>
      {e ? <Facts e={e} info={info} locale={locale} /> : <Skeleton height={90} label="Loading experiment" />}

      <QueryState query={results} skeleton={320} label="Loading results" retry>
        {(r) => (
          <>
            {r.srm.flagged && <SrmBanner r={r} locale={locale} />}
            <Evaluation r={r} e={e} locale={locale} />
            <section className="panel">
              <div className="panel-head">
                <h2>Variants</h2>
                <span className="muted small">
                  enrolled since the start{r.window.to ? ` until the stop` : ''}; {r.control} is the control
                </span>
              </div>
              <VariantsTable r={r} e={e} info={info} locale={locale} />
            </section>
            {e && e.started_at === null ? (
              <Empty>Not started yet: results count the executions enrolled from the start on.</Empty>
            ) : (
              r.arms.map((arm) => <ArmPanel key={arm.variant} arm={arm} control={r.control} primary={info(arm.primary.metric)} info={info} suspect={r.srm.flagged} locale={locale} />)
            )}
            <Sample r={r} locale={locale} />
          </>
        )}
      </QueryState>

      <section className="panel">
        <div className="panel-head">
          <h2>Decisions</h2>
          <span className="muted small">newest first</span>
        </div>
        <QueryState query={decisions} skeleton={120} label="Loading decisions" empty={(d) => d.decisions.length === 0 && 'No decision yet.'}>
          {(d) => <Decisions rows={d.decisions} timezone={e?.timezone} locale={locale} />}
        </QueryState>
      </section>
    </>
  );
}

/** The definition: hypothesis, dates, what was planned and how the rule decides. */
function Facts({ e, info, locale }: { e: ExperimentOut; info: Info; locale?: string | undefined }) {
  const tz = e.timezone;
  const rule = e.decision_rule;
  const unit = info(e.primary_metric).unit;
  const method = rule.method === 'sequential' ? `always-valid p < ${rule.alpha}` : rule.method === 'bayesian' ? `chance to beat ≥ ${formatProbability(rule.chance_to_beat, locale)} and expected loss < ${formatAmount(rule.max_expected_loss, unit, locale)}` : `either the always-valid p < ${rule.alpha} or chance to beat ≥ ${formatProbability(rule.chance_to_beat, locale)}`;
  const facts: Array<[string, string, string]> = [
    ['started', 'Started', formatInstant(e.started_at, locale, tz)],
    ['stopped', 'Stopped', formatInstant(e.stopped_at, locale, tz)],
    ['decided', 'Decided', e.decided_at ? `${formatInstant(e.decided_at, locale, tz)}${e.winner ? ` · winner ${e.winner}` : ''}` : DASH],
    ['rollout', 'Assignment', e.rollout ? `every contact gets ${e.rollout}` : `split ${e.variants.map((v) => v.key).join('/')} by weight ${e.variants.map((v) => v.weight).join(':')}`],
    ['minimum', 'Minimum', `${formatCount(e.minimum_sample_per_variant, locale)} per variant, ${formatDays(e.minimum_days, locale)}`],
    ['rule', 'Decision rule', `${rule.method}: ${method}${rule.auto_rollout ? '; rolls the winner out' : ''}`],
  ];
  if (e.power) {
    const p = e.power;
    facts.push(['power', 'Planned for', `a ${formatChange(p.mde_relative_percent, locale)} relative change on ${formatMetricValue(p.baseline_rate_percent, 'percent', locale)} (α ${p.alpha}, power ${p.power}): ${formatCount(p.sample_size_per_variant, locale)} per variant`]);
  }
  return (
    <section className="panel facts-panel">
      {e.hypothesis && <p className="hypothesis">{e.hypothesis}</p>}
      <dl className="facts">
        {facts.map(([key, label, text]) => (
          <div key={key} data-fact={key}>
            <dt>{label}</dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">Dates in {tz}, the timezone of the experiment&rsquo;s daily looks.</p>
    </section>
  );
}

/** Start, evaluate, stop, decide by hand, roll back: what the status allows, for those who may change the experiment. */
function ExperimentActions({ experiment: e, canChange }: { experiment: ExperimentOut; canChange: boolean }) {
  const client = useQueryClient();
  const [confirmStop, setConfirmStop] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [winner, setWinner] = useState(e.variants[1]?.key ?? e.variants[0]!.key);
  const [rollout, setRollout] = useState(false);
  const act = useMutation({
    mutationFn: ({ action, body }: { action: 'start' | 'stop' | 'evaluate' | 'rollback' | 'decide'; body?: unknown }) => experimentAction(e.experiment_id, action, body),
    onMutate: () => setNote(null),
    onSuccess: (data, { action }) => {
      if (action === 'evaluate') {
        const answer = data as { results: ExperimentResultsResponse; decision: DecisionOut | null };
        client.setQueryData(experimentQueries.results(e.experiment_id).queryKey, answer.results);
        setNote(answer.decision ? `Decided: ${answer.decision.winner ?? 'no winner'}${answer.decision.rolled_out ? ', rolled out' : ''}.` : 'Evaluated: no decision yet.');
      }
      setConfirmStop(false);
      void client.invalidateQueries({ queryKey: ['experiments'] });
    },
  });
  if (!canChange) return <p className="muted small">Read-only: viewers see the results; admins and members run experiments.</p>;
  const busy = act.isPending;
  const decidable = e.status === 'running' || e.status === 'stopped';
  return (
    <div className="head-actions experiment-actions">
      {e.status === 'draft' && (
        <button type="button" className="button button-primary" disabled={busy} onClick={() => act.mutate({ action: 'start' })}>
          Start
        </button>
      )}
      {e.status === 'running' && (
        <button type="button" className="button" disabled={busy} onClick={() => act.mutate({ action: 'evaluate' })} title="Apply the decision rule now, as the scheduler does">
          Evaluate now
        </button>
      )}
      {e.status === 'running' &&
        (confirmStop ? (
          <span className="confirm">
            <span className="small">Stop counting enrollments?</span>
            <button type="button" className="button button-danger" disabled={busy} onClick={() => act.mutate({ action: 'stop' })}>
              Yes, stop
            </button>
            <button type="button" className="button button-quiet" onClick={() => setConfirmStop(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="button" disabled={busy} onClick={() => setConfirmStop(true)}>
            Stop
          </button>
        ))}
      {decidable && (
        <details className="menu">
          <summary className="button">Decide…</summary>
          <form
            className="menu-list decide-form"
            onSubmit={(ev) => {
              ev.preventDefault();
              act.mutate({ action: 'decide', body: { winner, rollout } });
              (ev.currentTarget.parentElement as HTMLDetailsElement).open = false;
            }}
          >
            <label>
              Winner{' '}
              <select value={winner} onChange={(ev) => setWinner(ev.target.value)} aria-label="Winner">
                {e.variants.map((v) => (
                  <option key={v.key} value={v.key}>
                    {v.key}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline toggle">
              <input type="checkbox" checked={rollout} onChange={(ev) => setRollout(ev.target.checked)} /> Roll out to every contact
            </label>
            <button type="submit" className="button button-primary" disabled={busy}>
              Decide
            </button>
          </form>
        </details>
      )}
      {e.rollout !== null && (
        <button type="button" className="button" disabled={busy} onClick={() => act.mutate({ action: 'rollback' })} title="Split contacts by the weights again">
          Roll back
        </button>
      )}
      {busy && <span className="muted small">Working…</span>}
      {note && (
        <span className="small" role="status">
          {note}
        </span>
      )}
      <FormProblem error={act.error} />
    </div>
  );
}

function SrmBanner({ r, locale }: { r: Results; locale?: string | undefined }) {
  const enrolled = r.variants.map((v) => `${v.key} ${formatCount(v.enrolled, locale)} (${formatShare(v.share, locale)})`).join(', ');
  const planned = r.variants.map((v) => `${v.key} ${formatShare(v.planned_share, locale)}`).join(', ');
  return (
    <div className="banner banner-danger" role="alert" data-srm="flagged">
      <strong>Sample-ratio mismatch: the split is broken, so no winner is picked.</strong>
      <p>
        Enrolled {enrolled} against the planned {planned}: a split this far off happens by chance with {formatP(r.srm.p_value, locale)} (χ² = {formatCount(r.srm.chi2, locale)}, flagged below {r.srm.threshold}). Something assigns or records variants unevenly — an assignment bug, a variant that loses or duplicates its events — so the differences below are not trustworthy. Fix the assignment before reading them.
      </p>
    </div>
  );
}

function Evaluation({ r, e, locale }: { r: Results; e: ExperimentOut | undefined; locale?: string | undefined }) {
  const ev = r.evaluation;
  return (
    <section className={`panel evaluation outcome-${ev.outcome}`} aria-label="Evaluation" data-outcome={ev.outcome}>
      <div className="panel-head">
        <h2>{ev.outcome === 'winner' ? <>The rule picks {ev.winner}</> : 'The rule says: keep running'}</h2>
        {e?.status === 'decided' && (
          <span className="small">
            Decided {formatInstant(e.decided_at, locale, e.timezone)}: <strong>{e.winner ?? 'no winner'}</strong>
            {e.rollout ? ', rolled out to every contact' : ''}
          </span>
        )}
      </div>
      <ul className="reasons" aria-label="Reasons">
        {ev.reasons.map((reason, i) => (
          <li key={i}>{reason}</li>
        ))}
      </ul>
    </section>
  );
}

/** The variants side by side: one column each, the control first. */
function VariantsTable({ r, e, info, locale }: { r: Results; e: ExperimentOut | undefined; info: Info; locale?: string | undefined }) {
  const measured = Object.keys(r.variants[0]?.metrics ?? {});
  const order = e ? [e.primary_metric, ...e.secondary_metrics, ...e.guardrail_metrics].filter((m, i, all) => all.indexOf(m) === i && measured.includes(m)) : measured;
  const metrics = [...order, ...measured.filter((m) => !order.includes(m))];
  const role = (m: string) => (e?.primary_metric === m ? 'primary' : e?.guardrail_metrics.includes(m as never) ? 'guardrail' : e?.secondary_metrics.includes(m as never) ? 'secondary' : '');
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Variants (scrolls sideways)">
      <table className="table side-by-side" aria-label="Variants">
        <thead>
          <tr>
            <th />
            {r.variants.map((v) => (
              <th key={v.key} className="num" data-variant={v.key}>
                {v.key}
                {v.key === r.control && <span className="badge baseline">control</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr data-figure="enrolled">
            <td>Enrolled</td>
            {r.variants.map((v) => (
              <td key={v.key} className="num strong" data-variant={v.key} data-value={v.enrolled}>
                {formatCount(v.enrolled, locale)}
              </td>
            ))}
          </tr>
          <tr data-figure="share">
            <td>
              Share <span className="muted small">(planned)</span>
            </td>
            {r.variants.map((v) => (
              <td key={v.key} className={`num${r.srm.flagged ? ' tone-down' : ''}`} data-variant={v.key} data-value={v.share ?? ''}>
                {formatShare(v.share, locale)} <span className="muted small">({formatShare(v.planned_share, locale)})</span>
              </td>
            ))}
          </tr>
          <tr data-figure="assigned">
            <td>
              Assigned <span className="muted small">(contacts asked for a variant)</span>
            </td>
            {r.variants.map((v) => (
              <td key={v.key} className="num" data-variant={v.key} data-value={v.assigned}>
                {formatCount(v.assigned, locale)}
              </td>
            ))}
          </tr>
          {metrics.map((m) => (
            <tr key={m} data-metric={m}>
              <td>
                {info(m).label} {role(m) && <span className={`badge role-${role(m)}`}>{role(m)}</span>}
              </td>
              {r.variants.map((v) => {
                const x = v.metrics[m];
                return (
                  <td key={v.key} className="num" data-variant={v.key} data-value={x?.value ?? ''}>
                    {formatMetricValue(x?.value, info(m).unit, locale)}
                    {x && <div className="muted small">n = {formatCount(x.n, locale)}</div>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Which way a significant always-valid interval points, for its colour. */
function sequentialVerdict(arm: Arm, better: string): IntervalVerdict {
  const s = arm.sequential;
  const d = arm.primary.difference;
  if (!s || d === null) return 'not_enough_data';
  if (!s.significant || better === 'neither') return 'no_difference';
  return (better === 'lower' ? d < 0 : d > 0) ? 'better' : 'worse';
}

function ArmPanel({ arm, control, primary, info, suspect, locale }: { arm: Arm; control: string; primary: MetricInfo; info: Info; suspect: boolean; locale?: string | undefined }) {
  const p = arm.primary;
  const s = arm.sequential;
  const b = arm.bayesian;
  const rows: IntervalRow[] = useMemo(
    () => [
      { label: p.ci ? '95% CI' : '95% CI (not enough data)', estimate: p.difference, ci: p.ci, verdict: p.verdict },
      ...(s ? [{ label: s.ci ? 'Always-valid CI' : 'Always-valid (no interval yet)', estimate: p.difference, ci: s.ci, verdict: sequentialVerdict(arm, primary.better) }] : []),
    ],
    [arm, primary.better],
  );
  const chart = useMemo(() => intervalOptions(rows, { format: (n) => formatDifference(n, primary.unit, locale) }), [rows, primary.unit, locale]);
  const drawable = rows.some((row) => row.ci !== null && row.estimate !== null);
  return (
    <section className="panel arm" data-arm={arm.variant} aria-label={`${arm.variant} against ${control}`}>
      <div className="panel-head">
        <h2>
          {arm.variant} against {control} <span className="muted small">(control)</span>
        </h2>
        <span className="head-actions">
          {suspect && (
            <span className="badge badge-danger" title="The split is broken (sample-ratio mismatch): these differences are not trustworthy">
              not trustworthy: SRM
            </span>
          )}
          <VerdictBadge verdict={p.verdict} />
        </span>
      </div>
      <div className="arm-grid">
        <div>
          <h3>{primary.label}: difference</h3>
          <p className="arm-figure">
            <Difference c={p} unit={primary.unit} locale={locale} /> <SignificanceMark c={p} locale={locale} />
          </p>
          <p className="muted small">
            {control} {formatMetricValue(p.baseline, primary.unit, locale)} → {arm.variant} {formatMetricValue(p.value, primary.unit, locale)}
            {p.relative_percent !== null && <> ({formatChange(p.relative_percent, locale)} relative)</>} · {formatP(p.p_value, locale)}
            {p.test && <> ({p.test.replaceAll('_', ' ')})</>}
          </p>
          {drawable ? (
            <LazyChart options={chart} height={intervalChartHeight(rows.length)} label={`${primary.label}: difference of ${arm.variant} against ${control} with its 95% confidence interval${s?.ci ? ' and its always-valid interval' : ''}`} />
          ) : (
            <Empty>Not enough data for an interval yet.</Empty>
          )}
        </div>
        <div>
          <h3>Bayesian</h3>
          {b ? (
            <dl className="figures" data-bayesian={arm.variant}>
              <div data-figure="chance_to_beat" data-value={b.chance_to_beat}>
                <dt>Chance to beat {control}</dt>
                <dd className="strong">{formatProbability(b.chance_to_beat, locale)}</dd>
              </div>
              <div data-figure="expected_loss" data-value={b.expected_loss}>
                <dt>Expected loss of choosing {arm.variant}</dt>
                <dd>{formatAmount(b.expected_loss, primary.unit, locale)}</dd>
              </div>
              <div>
                <dt>Posterior {control}</dt>
                <dd>
                  {formatMetricValue(b.control.mean, primary.unit, locale)} <span className="muted small">({formatMetricValue(b.control.ci[0], primary.unit, locale)} – {formatMetricValue(b.control.ci[1], primary.unit, locale)})</span>
                </dd>
              </div>
              <div>
                <dt>Posterior {arm.variant}</dt>
                <dd>
                  {formatMetricValue(b.variant.mean, primary.unit, locale)} <span className="muted small">({formatMetricValue(b.variant.ci[0], primary.unit, locale)} – {formatMetricValue(b.variant.ci[1], primary.unit, locale)})</span>
                </dd>
              </div>
            </dl>
          ) : (
            <p className="muted small">No Bayesian result: the primary metric is not a rate, or a variant has no enrollments.</p>
          )}
          <h3>Sequential (valid at every look)</h3>
          {s ? (
            <dl className="figures" data-sequential={arm.variant}>
              <div data-figure="sequential_p" data-value={s.p_value}>
                <dt>Always-valid p</dt>
                <dd className="strong">
                  {formatPValue(s.p_value, locale)} <span className={s.significant ? 'sig sig-yes' : 'sig muted'}>{s.significant ? '✓ significant' : 'not significant'}</span>
                </dd>
              </div>
              <div>
                <dt>Always-valid interval</dt>
                <dd>{formatInterval(s.ci, primary.unit, locale)}</dd>
              </div>
              <div>
                <dt>Daily looks</dt>
                <dd>{formatCount(s.looks, locale)}</dd>
              </div>
            </dl>
          ) : (
            <p className="muted small">No sequential test: no daily look has data on both sides yet, or the primary metric is a median.</p>
          )}
        </div>
      </div>
      {arm.secondary.length > 0 && (
        <>
          <h3>Secondary metrics</h3>
          <ComparisonTable label={`Secondary metrics of ${arm.variant}`} rows={arm.secondary} info={info} baseline={control} group={arm.variant} adjusted locale={locale} />
        </>
      )}
      {arm.guardrails.length > 0 && (
        <>
          <h3>Guardrails</h3>
          <ComparisonTable label={`Guardrails of ${arm.variant}`} rows={arm.guardrails} info={info} baseline={control} group={arm.variant} adjusted={false} locale={locale} />
          <p className="muted small">Guardrails are tested uncorrected, each at α: the cautious side when the question is harm. A guardrail significantly worse keeps its variant from winning.</p>
        </>
      )}
    </section>
  );
}

function Meter({ label, value, of, text, done, data }: { label: string; value: number; of: number; text: string; done: boolean; data: string }) {
  const percent = of > 0 ? Math.min(100, (value / of) * 100) : 100;
  return (
    <li data-progress={data} data-value={value}>
      <div className="budget-head">
        <strong>{label}</strong>
        <span className={`small ${done ? 'tone-up' : 'muted'}`}>
          {text}
          {done ? ' ✓' : ''}
        </span>
      </div>
      <div className="budget-track" role="meter" aria-valuemin={0} aria-valuemax={of} aria-valuenow={Math.min(value, of)} aria-label={`${label}: ${text}`}>
        <span className={`budget-spent${done ? ' is-done' : ''}`} style={{ width: `${percent}%` }} />
      </div>
    </li>
  );
}

function Sample({ r, locale }: { r: Results; locale?: string | undefined }) {
  const s = r.sample;
  return (
    <section className="panel" aria-label="Sample">
      <div className="panel-head">
        <h2>Sample</h2>
        <span className={`small ${s.reached && s.days_reached ? 'tone-up' : 'muted'}`}>{s.reached && s.days_reached ? 'Minimum sample and run time reached' : 'The rule waits for the minimum sample and run time'}</span>
      </div>
      <ul className="budgets">
        {r.variants.map((v) => (
          <Meter key={v.key} data={`variant-${v.key}`} label={v.key} value={v.enrolled} of={s.minimum_per_variant} done={v.enrolled >= s.minimum_per_variant} text={`${formatCount(v.enrolled, locale)} of ${formatCount(s.minimum_per_variant, locale)} enrolled`} />
        ))}
        <Meter data="days" label="Run time" value={s.days_running} of={s.minimum_days} done={s.days_reached} text={`${formatDays(s.days_running, locale)} of ${formatDays(s.minimum_days, locale)}`} />
      </ul>
    </section>
  );
}

function Decisions({ rows, timezone, locale }: { rows: DecisionOut[]; timezone: string | undefined; locale?: string | undefined }) {
  return (
    <DataTable
      label="Decisions"
      rows={rows}
      rowKey={(d) => d.decision_id}
      rowData={(d) => ({ source: d.source })}
      columns={[
        { label: 'When', cell: (d) => formatInstant(d.decided_at, locale, timezone), value: (d) => d.decided_at },
        { label: 'By', cell: (d) => <span className={`badge source-${d.source}`}>{d.source === 'rule' ? 'the rule' : d.source === 'manual' ? 'hand' : 'rollback'}</span> },
        { label: 'Winner', cell: (d) => (d.winner ? <strong>{d.winner}</strong> : DASH), value: (d) => d.winner },
        { label: 'Rolled out', cell: (d) => (d.rolled_out ? 'yes' : 'no') },
        {
          label: 'Why',
          className: () => 'small',
          cell: (d) => (
            <ul className="reasons">
              {d.reasons.map((x, i) => (
                <li key={i}>{x}</li>
              ))}
            </ul>
          ),
        },
        { label: 'Notified', className: () => 'small', cell: (d) => `webhook ${d.webhook_status}, email ${d.email_status}` },
      ]}
    />
  );
}
