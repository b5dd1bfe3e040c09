/**
 * The drill-down's model, pure: which executions a figure stands for (the filters of GET /api/v1/workflows/{id}/executions,
 * carried in the workflow page's URL as `?drill=`), the request for them with the page's period and filters, the
 * heading that says what was selected, a trend bucket's enrolment window, an execution's timeline in words, and
 * what an insight's drill-down lists. Tested without a browser (drilldown-model.test.ts).
 */
import type { ExecutionRow, InsightOut, TimelineEvent } from './api.js';
import { addDays, nextMonth, startOfLocalDay } from './calendar.js';
import { formatCount, formatCountOf, formatWindow } from './format.js';
import { RANGES, type Granularity, type View } from './view-state.js';

/** The drill-down's filters, in the order the URL writes them. */
export const DRILL_KEYS = ['status', 'exit_reason', 'error_type', 'enrollment_source', 'goal_type', 'step_id', 'stage', 'enrolled_from', 'enrolled_to', 'version', 'variant'] as const;
export type DrillKey = (typeof DRILL_KEYS)[number];
export type Drill = Partial<Record<DrillKey, string>>;

export const DRILL_STATUSES = ['active', 'succeeded', 'converted', 'exited', 'failed'] as const;
export type DrillStatus = (typeof DRILL_STATUSES)[number];
export const STAGES = ['entered', 'completed', 'dropped_off', 'in_progress', 'exited', 'lost_after'] as const;
export type Stage = (typeof STAGES)[number];

/** What `?drill=` says for "every execution of the period" (no filter). */
export const ALL = 'all';

/**
 * The filters of a `?drill=` value (or an insight's `drill`): known keys with a value only, each once; a step
 * without its stage (or a window without its end) is dropped, since the API refuses either alone.
 */
export function parseDrill(s: string | null | undefined): Drill {
  const q = new URLSearchParams(s ?? '');
  const d: Drill = {};
  for (const k of DRILL_KEYS) {
    const v = q.get(k);
    if (v) d[k] = v.slice(0, 256);
  }
  if (d.status && !(DRILL_STATUSES as readonly string[]).includes(d.status)) delete d.status;
  if (d.stage && !(STAGES as readonly string[]).includes(d.stage)) delete d.stage;
  if (!d.step_id || !d.stage) {
    delete d.step_id;
    delete d.stage;
  }
  if (!d.enrolled_from || !d.enrolled_to || Number.isNaN(Date.parse(d.enrolled_from)) || Number.isNaN(Date.parse(d.enrolled_to))) {
    delete d.enrolled_from;
    delete d.enrolled_to;
  }
  if (d.version !== undefined && !/^[1-9]\d{0,6}$/.test(d.version)) delete d.version;
  return d;
}

/** The `?drill=` value of a selection: its filters as a query in a fixed order (an instant's colons kept as they are), `all` for none. */
export function drillString(d: Drill): string {
  return DRILL_KEYS.filter((k) => d[k]).map((k) => `${k}=${encodeURIComponent(d[k]!).replaceAll('%3A', ':')}`).join('&') || ALL;
}

/** The executions request of a selection: the page's period, timezone, version and variant, the selection's own filters over them. */
export function executionsParams(view: View, d: Drill): Record<string, string | number | undefined> {
  return {
    ...(view.range ? { range: view.range } : { start_date: view.start ?? undefined, end_date: view.end ?? undefined }),
    timezone: view.timezone,
    version: view.version ?? undefined,
    variant: view.variant ?? undefined,
    enrollment_source: view.enrollmentSource ?? undefined,
    exit_reason: view.exitReason ?? undefined,
    ...d,
  };
}

/** The period of a view in words: "Last 30 days", "2026-03-08 to 2026-03-14". */
export function periodText(view: View): string {
  return view.range ? RANGES.find((r) => r.key === view.range)!.label : view.start === view.end ? `${view.start}` : `${view.start} to ${view.end}`;
}

export interface Names {
  /** A step's name by its id (the funnel's), or the id. */
  step: (id: string) => string;
  /** The step after a step in the funnel's order, if known. */
  next: (id: string) => string | null;
}

const words = (s: string) => s.replaceAll('_', ' ');
const quoted = (s: string) => `“${s}”`;

/**
 * What a selection lists, with its total, as a heading: "42 executions exited at “Score above 50?”", "5 executions
 * failed, enrolled Mar 2, 2026", "200 executions enrolled". The page's own filters are said beside it (scopeText).
 */
export function describeDrill(d: Drill, total: number, names: Names, locale?: string, timeZone = 'UTC'): string {
  const clauses: string[] = [];
  if (d.status) clauses.push({ active: 'still active', succeeded: 'completed', converted: 'achieved a goal', exited: 'exited', failed: 'failed' }[d.status as DrillStatus]);
  if (d.exit_reason) clauses.push(`exited with reason ${quoted(words(d.exit_reason))}`);
  if (d.error_type) clauses.push(`failed with ${quoted(d.error_type)}`);
  if (d.goal_type) clauses.push(`achieved the goal ${quoted(words(d.goal_type))}`);
  if (d.step_id && d.stage) {
    const step = quoted(names.step(d.step_id));
    const next = names.next(d.step_id);
    clauses.push(
      {
        entered: `entered ${step}`,
        completed: `completed ${step}`,
        dropped_off: `dropped off at ${step}`,
        in_progress: `still in ${step}`,
        exited: `exited at ${step}`,
        lost_after: next ? `lost between ${step} and ${quoted(next)}` : `lost after ${step}`,
      }[d.stage as Stage],
    );
  }
  if (d.enrollment_source) clauses.push(`enrolled from ${quoted(words(d.enrollment_source))}`);
  if (d.enrolled_from && d.enrolled_to) clauses.push(`enrolled ${formatWindow(d.enrolled_from, d.enrolled_to, locale, timeZone)}`);
  if (clauses.length === 0) clauses.push('enrolled');
  if (d.version) clauses.push(`in version ${d.version}`);
  if (d.variant) clauses.push(`in variant ${d.variant}`);
  return `${formatCountOf(total, 'execution', locale)} ${clauses.join(', ')}`;
}

/** The page's scope beside the heading: "Enrolled Last 30 days (UTC) · version 2 · variant B" (and a source or exit reason filter when set). */
export function scopeText(view: View, d: Drill): string {
  const parts = [`Enrolled ${view.range ? periodText(view).toLowerCase() : periodText(view)} (${view.timezone})`];
  if (!d.version) parts.push(view.version !== null ? `version ${view.version}` : 'all versions');
  if (!d.variant) parts.push(view.variant !== null ? `variant ${view.variant}` : 'all variants');
  if (view.enrollmentSource !== null && !d.enrollment_source) parts.push(`source ${view.enrollmentSource}`);
  if (view.exitReason !== null && !d.exit_reason) parts.push(`exited: ${view.exitReason}`);
  return parts.join(' · ');
}

/**
 * The enrolment window of a trend bucket: its start (the trend row's `date`: a local date for days, Monday weeks and
 * months, an instant with its offset for hours) to the next bucket's start, in the page's timezone, as UTC instants.
 */
export function bucketWindow(date: string, granularity: Granularity, timeZone: string): { enrolled_from: string; enrolled_to: string } {
  if (granularity === 'hourly') {
    const t = Date.parse(date);
    return { enrolled_from: new Date(t).toISOString(), enrolled_to: new Date(t + 3_600_000).toISOString() };
  }
  const day = date.slice(0, 10);
  const next = granularity === 'daily' ? addDays(day, 1) : granularity === 'weekly' ? addDays(day, 7) : nextMonth(day);
  return { enrolled_from: new Date(startOfLocalDay(day, timeZone)).toISOString(), enrolled_to: new Date(startOfLocalDay(next, timeZone)).toISOString() };
}

// ---- the list ----

/** An execution's status (ExecutionRow.status) in words. */
export function statusText(status: string): string {
  return ({ active: 'Active', completed: 'Completed', goal_achieved: 'Goal achieved', exited: 'Exited', error: 'Failed' } as Record<string, string>)[status] ?? words(status);
}

/** How an execution ended, if it did: its exit reason, or its error type. */
export function endReason(e: Pick<ExecutionRow, 'exit_reason' | 'error_type'>): string | null {
  return e.exit_reason ? words(e.exit_reason) : e.error_type ?? null;
}

// ---- the timeline ----

export interface TimelineEntry {
  event: TimelineEvent;
  /** Milliseconds since the first event. */
  elapsed: number;
  /** What happened, in words: "Started “Email”", "Failed “CRM”: auth_expired". */
  what: string;
  /** How long the step took: its duration_ms, else the time since the step's start (null for other events). */
  took: number | null;
  tone: 'good' | 'bad' | 'info';
}

/** An execution's events in time order, each in words with how long its step took. */
export function timelineEntries(events: readonly TimelineEvent[], stepName: (id: string) => string): TimelineEntry[] {
  const first = events.length ? Date.parse(events[0]!.at) : 0;
  const started = new Map<string, number>();
  return events.map((e) => {
    const at = Date.parse(e.at);
    const step = e.step_id ? quoted(stepName(e.step_id)) : '';
    const kind = e.step_type ? ` (${words(e.step_type)}${e.action_type ? `: ${words(e.action_type)}` : ''})` : '';
    let took: number | null = null;
    if (e.type.startsWith('step.') && e.step_id) {
      if (e.type === 'step.started') started.set(e.step_id, at);
      else took = e.duration_ms ?? (started.has(e.step_id) ? at - started.get(e.step_id)! : null);
    }
    const err = [e.error_type, e.error_message].filter(Boolean).join(' — ');
    const [what, tone]: [string, TimelineEntry['tone']] =
      e.type === 'execution.started' ? ['Enrolled', 'info']
      : e.type === 'step.started' ? [`Started ${step}${kind}`, 'info']
      : e.type === 'step.completed' ? [`Completed ${step}`, 'good']
      : e.type === 'step.skipped' ? [`Skipped ${step}`, 'info']
      : e.type === 'step.failed' ? [`Failed ${step}${err ? `: ${err}` : ''}`, 'bad']
      : e.type === 'goal.achieved' ? [`Goal achieved${e.goal_id ? `: ${words(e.goal_id)}` : ''}`, 'good']
      : e.type === 'cost.recorded' ? [`Cost recorded${step ? ` at ${step}` : ''}${e.action_type ? ` (${words(e.action_type)})` : ''}`, 'info']
      : e.type === 'execution.completed' ? ['Completed the workflow', 'good']
      : e.type === 'execution.exited' ? [`Exited${e.exit_reason ? `: ${words(e.exit_reason)}` : ''}`, 'bad']
      : e.type === 'execution.failed' ? [`Failed${err ? `: ${err}` : ''}`, 'bad']
      : [words(e.type), 'info'];
    return { event: e, elapsed: at - first, what, took, tone };
  });
}

// ---- insights ----

/**
 * How many executions an insight's drill-down lists, where the observation states it: the step's exits, the loss
 * between two steps, the executions in the slower step, the version's or variant's, those of a rate's status
 * (the rate × the executions); null where it states none (the action's failures and the anomalous days are not
 * counts of the list: insightNote says what the list is then).
 */
export function insightCount(i: Pick<InsightOut, 'kind' | 'numbers'>): number | null {
  const n = i.numbers;
  const num = (k: string) => (typeof n[k] === 'number' ? (n[k] as number) : null);
  switch (i.kind) {
    case 'drop_off': return num('exited');
    case 'loss_between_steps': return num('lost');
    case 'slower_step': return num('entered');
    case 'version_difference':
    case 'variant_difference': return num('n');
    case 'rate_change': {
      const value = num('value');
      const of = num('n');
      return value === null || of === null ? null : Math.round((value * of) / 100);
    }
    default: return null;
  }
}

/** What an insight's drill-down lists when it is not the observation's own count. */
export function insightNote(i: Pick<InsightOut, 'kind' | 'metric' | 'drill'>): string | null {
  if (i.kind === 'action_errors') return 'The list is the period’s executions that ended at this step without completing it: the action’s figures count its runs by their own time, not executions.';
  if (i.kind === 'anomaly') {
    return i.metric === 'execution_failure_rate'
      ? 'The list is the executions enrolled that day (UTC) that failed; the rate counts those that finished that day.'
      : 'The list is the executions of the period enrolled that day (UTC).';
  }
  return null;
}

/** The link text of an insight's drill-down: "List the 40 executions", or without a count where it states none. */
export function insightLinkText(i: Pick<InsightOut, 'kind' | 'numbers'>, locale?: string): string {
  const n = insightCount(i);
  return n === null ? 'List the executions' : `List the ${n === 1 ? 'execution' : `${formatCount(n, locale)} executions`}`;
}
