/**
 * The insights panel: automated observations about one workflow over a period, in plain words with their numbers,
 * ranked by impact (about how many executions the observation concerns), each with the drill-down that shows them.
 * Every observation comes from answers the API gives already (the summary, funnel and actions with the previous
 * period, versions and variants compared, the anomaly bands), through the metrics query service, and says only what
 * a test on those numbers supports:
 *
 * - a cohort rate (completion, conversion, failure) that moved against the previous period: two-proportion z test,
 *   significant after Holm's correction across the three;
 * - where executions leave: the step most executions left at (entered, did not complete, ended), and the largest
 *   loss between two steps (completed one, never reached the next) with the reason most of them ended with;
 * - a step that does work (not a wait) whose median time grew by a quarter or more, on at least 20 executions in
 *   each period;
 * - an action whose error rate rose: two-proportion z test on its runs, p < 0.05, at least 20 runs in each period;
 * - a version, or an A/B variant, significantly better or worse than the first on a comparable metric (the tests
 *   of GET …/analytics/versions and experiments, Holm-corrected);
 * - days whose failure rate or enrollments fell outside the seasonal band (the alert engine's anomaly detector).
 */
import { alertsAnomalyBands } from './anomalies.js';
import type { InsightOut, InsightsResponse } from '../contract/insights.js';
import { metric, COMPARABLE } from '../metrics/definitions.js';
import { compareGroups } from '../metrics/group-comparison.js';
import { groupsPresent } from '../metrics/comparison.js';
import { PeriodOut } from '../metrics/panels.js';
import { previousPeriod, type Period } from '../metrics/period.js';
import type { MetricsQueryService } from '../metrics/query-service.js';
import type { Scope } from '../metrics/scope.js';
import { holm, twoProportionZ } from '../stats/hypothesis.js';
import { formatDifference, formatDuration, formatMetricValue, formatP, formatPercent } from '../format/index.js';

const MIN_RUNS = 20;
const ALPHA = 0.05;
// the shared formats (src/format), as the dashboard writes them
const L = 'en-US';
const pct = (x: number) => formatPercent(x, L);
const pts = (x: number) => formatDifference(x, 'percent', L);
const p3 = (p: number) => formatP(p, L);
const seconds = (s: number) => formatDuration(s, L);

type Insight = InsightOut;

/** Cohort rates against the previous period. */
function rateChanges(now: { n: number; completed: number; converted: number; failed: number }, before: { n: number; completed: number; converted: number; failed: number }): Insight[] {
  if (now.n < MIN_RUNS || before.n < MIN_RUNS) return [];
  const rates = [
    { name: 'completion_rate', label: 'Completion rate', a: before.completed, b: now.completed, drill: 'status=succeeded' },
    { name: 'conversion_rate', label: 'Conversion rate', a: before.converted, b: now.converted, drill: 'status=converted' },
    { name: 'failure_rate', label: 'Failure rate', a: before.failed, b: now.failed, drill: 'status=failed' },
  ];
  const tests = rates.map((r) => ({ r, t: twoProportionZ({ successes: r.a, n: before.n }, { successes: r.b, n: now.n }) }));
  const adjusted = holm(tests.map((x) => x.t.p_value), ALPHA);
  return tests.flatMap(({ r, t }, i) => {
    if (!adjusted[i]!.significant) return [];
    const diff = t.difference * 100;
    const good = (diff > 0) === (metric(r.name).better === 'higher');
    return [{
      kind: 'rate_change', tone: good ? 'good' : 'bad', metric: r.name,
      title: `${r.label} ${diff > 0 ? 'up' : 'down'} ${Math.abs(diff).toFixed(1)} points`,
      text: `${r.label} is ${pct(t.treatment * 100)} of ${now.n} executions enrolled in this period, against ${pct(t.baseline * 100)} of ${before.n} in the period before (${pts(diff)}, ${p3(t.p_value)}, significant after Holm's correction across the three rates).`,
      impact: Math.round(Math.abs(t.difference) * now.n), numbers: { value: t.treatment * 100, previous: t.baseline * 100, difference: diff, p_value: t.p_value, n: now.n, previous_n: before.n },
      drill: r.drill, drill_total: r.b,
    }];
  });
}

type FunnelSteps = Awaited<ReturnType<Awaited<ReturnType<MetricsQueryService['workflow']>>['funnel']>>['funnel_steps'];

/** Where executions leave: the step most left at, and the largest loss between two steps. */
function losses(steps: FunnelSteps, before: FunnelSteps | undefined): Insight[] {
  const out: Insight[] = [];
  const left = [...steps].filter((s) => s.exited > 0).sort((a, b) => b.exited - a.exited)[0];
  if (left) {
    const was = before?.find((s) => s.step_id === left.step_id);
    const share = (left.exited / left.entered) * 100;
    const wasShare = was && was.entered > 0 ? (was.exited / was.entered) * 100 : null;
    out.push({
      kind: 'drop_off', tone: 'bad', metric: 'step_exited',
      title: `${left.exited} left at "${left.step_name}"`,
      text: `${left.exited} of the ${left.entered} executions that reached "${left.step_name}" ended there without completing it (${pct(share)})${wasShare !== null ? `, against ${pct(wasShare)} in the period before` : ''}; ${left.in_progress} more are still in it.`,
      impact: left.exited, numbers: { exited: left.exited, entered: left.entered, share_percent: share, previous_share_percent: wasShare, in_progress: left.in_progress },
      drill: `step_id=${encodeURIComponent(left.step_id)}&stage=exited`, drill_total: left.exited,
    });
  }
  const lost = steps.map((s, i) => ({ s, prev: i > 0 ? steps[i - 1]! : null })).filter((x) => x.prev && x.s.lost_before > 0).sort((a, b) => b.s.lost_before - a.s.lost_before)[0];
  if (lost && lost.prev) {
    const [reason, n] = Object.entries(lost.s.lost_before_reasons).sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    out.push({
      kind: 'loss_between_steps', tone: 'bad', metric: 'lost_before',
      title: `${lost.s.lost_before} lost between "${lost.prev.step_name}" and "${lost.s.step_name}"`,
      text: `${lost.s.lost_before} executions completed "${lost.prev.step_name}" and ended without reaching "${lost.s.step_name}"${reason ? ` (${n} of them ${reason === 'failed' ? 'failed' : `exited: ${reason}`})` : ''}.`,
      impact: lost.s.lost_before, numbers: { lost: lost.s.lost_before, completed_previous_step: lost.prev.completed },
      drill: `step_id=${encodeURIComponent(lost.prev.step_id)}&stage=lost_after`, drill_total: lost.s.lost_before,
    });
  }
  return out;
}

/** A step doing work whose median time grew by a quarter or more. */
function slowerSteps(steps: FunnelSteps, before: FunnelSteps | undefined): Insight[] {
  if (!before) return [];
  return steps.flatMap((s) => {
    const was = before.find((b) => b.step_id === s.step_id);
    if (s.step_type === 'wait' || !was || s.p50_time_seconds === null || was.p50_time_seconds === null || was.p50_time_seconds <= 0) return [];
    if (s.entered < MIN_RUNS || was.entered < MIN_RUNS) return [];
    const growth = s.p50_time_seconds / was.p50_time_seconds - 1;
    if (growth < 0.25) return [];
    return [{
      kind: 'slower_step', tone: 'bad', metric: 'step_time_p50',
      title: `"${s.step_name}" ${Math.round(growth * 100)}% slower`,
      text: `The median time in "${s.step_name}" is ${seconds(s.p50_time_seconds)}, up from ${seconds(was.p50_time_seconds)} in the period before (+${Math.round(growth * 100)}%, over ${s.entered} and ${was.entered} executions).`,
      impact: Math.round(s.entered * Math.min(growth, 5)), numbers: { p50_seconds: s.p50_time_seconds, previous_p50_seconds: was.p50_time_seconds, growth_percent: growth * 100, entered: s.entered },
      drill: `step_id=${encodeURIComponent(s.step_id)}&stage=entered`, drill_total: s.entered,
    }];
  });
}

type ActionRows = Awaited<ReturnType<Awaited<ReturnType<MetricsQueryService['workflow']>>['actions']>>['actions'];

/** Actions whose error rate rose significantly. */
function actionErrors(actions: ActionRows, before: ActionRows | undefined): Insight[] {
  if (!before) return [];
  return actions.flatMap((a) => {
    const was = before.find((b) => b.action_id === a.action_id);
    if (!was || a.executions < MIN_RUNS || was.executions < MIN_RUNS) return [];
    const t = twoProportionZ({ successes: was.failures, n: was.executions }, { successes: a.failures, n: a.executions });
    if (!(t.difference > 0 && t.p_value < ALPHA)) return [];
    const [top] = Object.entries(a.error_types).sort((x, y) => y[1] - x[1]);
    return [{
      kind: 'action_errors', tone: 'bad', metric: 'action_error_rate',
      title: `"${a.action_name}" fails more: ${pct(a.error_rate)}`,
      text: `"${a.action_name}" failed ${a.failures} of ${a.executions} runs (${pct(a.error_rate)}), against ${pct(was.error_rate)} of ${was.executions} in the period before (${pts(t.difference * 100)}, ${p3(t.p_value)})${top ? `; most often ${top[0]} (${top[1]})` : ''}.`,
      impact: Math.round(t.difference * a.executions), numbers: { error_rate: a.error_rate, previous_error_rate: was.error_rate, failures: a.failures, runs: a.executions, p_value: t.p_value },
      // the executions of the period that ended at this step (an action's failures are events, counted by their own time)
      drill: `step_id=${encodeURIComponent(a.action_id)}&stage=exited`, drill_total: null,
    }];
  });
}

/** Versions, or variants, significantly better or worse than the first on a comparable metric. */
async function groupDifferences(queries: MetricsQueryService, scope: Scope, period: Period, by: 'version' | 'variant'): Promise<Insight[]> {
  const groups = (await groupsPresent(queries.store, scope, period, by, 10)).filter((g) => g !== '');
  if (groups.length < 2) return [];
  const answer = await queries.groups(scope, period, by, groups, COMPARABLE);
  const comparisons = compareGroups(answer.totals, COMPARABLE, answer.ranks);
  const name = (g: string) => (by === 'version' ? `version ${g}` : `variant ${g}`);
  return comparisons.flatMap((row, j) => row.filter((c) => c.significant && (c.verdict === 'better' || c.verdict === 'worse')).map((c) => {
    const m = metric(c.metric);
    const unit = (x: number) => formatMetricValue(x, m.unit, L);
    const n = answer.totals[j + 1]!.enrolled;
    const diffText = formatDifference(c.difference, m.unit, L);
    return {
      kind: by === 'version' ? 'version_difference' : 'variant_difference', tone: c.verdict === 'better' ? 'good' : 'bad', metric: c.metric,
      title: `${name(groups[j + 1]!)[0]!.toUpperCase()}${name(groups[j + 1]!).slice(1)} ${c.verdict} on ${m.label.toLowerCase()}`,
      text: `${m.label}: ${unit(c.value!)} for ${name(groups[j + 1]!)} against ${unit(c.baseline!)} for ${name(groups[0]!)} (${diffText}, ${p3(c.p_value!)}, significant after Holm's correction across every metric and ${by}).`,
      impact: m.unit === 'percent' ? Math.round((Math.abs(c.difference!) / 100) * n) : Math.round(n * Math.min(1, Math.abs(c.relative_percent ?? 0) / 100)),
      numbers: { value: c.value, baseline: c.baseline, difference: c.difference, p_value: c.p_value, adjusted_p: c.adjusted_p, n, baseline_n: answer.totals[0]!.enrolled },
      drill: by === 'version' ? `version=${groups[j + 1]}` : `variant=${encodeURIComponent(groups[j + 1]!)}`, drill_total: n,
    } satisfies Insight;
  }));
}

/** The observations about a workflow over a period, most impact first (at most `limit`). */
export async function insights(queries: MetricsQueryService, scope: Scope, period: Period, limit = 10): Promise<InsightsResponse> {
  const panels = await queries.workflow(scope, period, true);
  const [summary, funnel, actions] = await Promise.all([panels.summary(), panels.funnel(), panels.actions()]);
  const prev = summary.comparison?.summary;
  const found: Insight[] = [];
  if (prev) {
    const s = summary.summary;
    found.push(...rateChanges(
      { n: s.total_enrolled, completed: s.completed, converted: s.goals_achieved, failed: s.errored },
      { n: prev.total_enrolled, completed: prev.completed, converted: prev.goals_achieved, failed: prev.errored },
    ));
  }
  found.push(...losses(funnel.funnel_steps, funnel.comparison?.funnel_steps));
  found.push(...slowerSteps(funnel.funnel_steps, funnel.comparison?.funnel_steps));
  found.push(...actionErrors(actions.actions, actions.comparison?.actions));
  if (scope.version === undefined) found.push(...(await groupDifferences(queries, scope, period, 'version')));
  if (scope.variant === undefined) found.push(...(await groupDifferences(queries, scope, period, 'variant')));
  found.push(...(await alertsAnomalyBands(queries, scope, period)));
  found.sort((a, b) => b.impact - a.impact || a.kind.localeCompare(b.kind));
  return { workflow_id: scope.workflow, period: PeriodOut(period), previous_period: PeriodOut(previousPeriod(period)), insights: found.slice(0, limit) };
}
