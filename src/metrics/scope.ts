/**
 * Which executions a figure is about — the one query target of every figure: an account, one workflow (Scope)
 * or several (Target), and the filters (version, variant, enrollment source, exit reason). Turned here, and only here, into fixed SQL conditions
 * and the query parameters they bind; user input only ever travels as parameters. A new filter is one edit:
 * its field in Filters, its condition in filterSql, its parameter in filterParams.
 */
import type { Period } from './period.js';

/** The filters a request may put on the executions of its workflows. */
export interface Filters {
  version?: number;
  variant?: string;
  /** Only executions enrolled from this source (execution.started's enrollment_source). */
  enrollment_source?: string;
  /** Only executions that exited with this reason (an exited execution's exit_reason; '' for every other). */
  exit_reason?: string;
}

/** The filters as a request may give them (an absent one may be undefined). */
export type FilterInput = { [K in keyof Filters]?: Filters[K] | undefined };

/** The filter names, in the order answers echo them. */
export const FILTER_NAMES = ['version', 'variant', 'enrollment_source', 'exit_reason'] as const satisfies readonly (keyof Filters)[];

/** The filters the rollups know (the version only): any other is counted from the execution facts or raw events. */
export const rollupsKnow = (f: Filters): boolean => f.variant === undefined && f.enrollment_source === undefined && f.exit_reason === undefined;

/** The filters an answer was computed with, every one named (null: all). */
export function filtersOut(f: Filters): { version: number | null; variant: string | null; enrollment_source: string | null; exit_reason: string | null } {
  return { version: f.version ?? null, variant: f.variant ?? null, enrollment_source: f.enrollment_source ?? null, exit_reason: f.exit_reason ?? null };
}

/** One workflow of one account (the SPEC-WFL-009 panels, exports, reports, live streams). */
export interface Scope extends Filters {
  account: string;
  workflow: string;
}

/** Some workflows of one account (the platform pages: those the caller may read, or the ones it named). */
export interface Target extends Filters {
  account: string;
  /** The workflows counted (already filtered to what the caller may read). */
  workflows: string[];
}

/** The scope a request's filters (version, variant, enrollment_source, exit_reason) give for one workflow. */
export function scopeOf(account: string, workflow: string, filters: FilterInput): Scope {
  return { account, workflow, ...onlyFilters(filters) };
}

/** A scope as a target: its workflow alone, with its filters. */
export function targetOf(scope: Scope): Target {
  const { account, workflow, ...filters } = scope;
  return { account, workflows: [workflow], ...filters };
}

/** The filters given, without the absent ones (nor any other field of the request). */
export function onlyFilters(f: FilterInput): Filters {
  const out: Record<string, unknown> = {};
  for (const k of FILTER_NAMES) if (f[k] !== undefined) out[k] = f[k];
  return out as Filters;
}

/** The workflows' rows: `{workflow:String}` for a scope, `{workflows:Array(String)}` for a target. */
export const workflowsSql = (t: Scope | Target): string => ('workflows' in t ? 'workflow_id IN {workflows:Array(String)}' : 'workflow_id = {workflow:String}');

/**
 * The filters as conditions on the rows of a table ('1' when there are none):
 * - `facts`: execution_facts rows (the execution's version, variant, enrollment source and exit reason);
 * - `events`: raw events, or tables kept per event (the event's version; the others through its execution's
 *   facts row, as only the execution.started event carries them, or the terminal one);
 * - `rollup`: rollup rows, which know the version only (a request with another filter reads the execution
 *   facts or raw events instead: see rollupsKnow).
 */
export function filterSql(t: Scope | Target, rows: 'facts' | 'events' | 'rollup'): string {
  const conds: string[] = [];
  if (t.version !== undefined) conds.push('workflow_version = {version:UInt32}');
  const facts = factsOnly(t);
  if (facts.length && rows === 'facts') conds.push(...facts);
  if (facts.length && rows === 'events') {
    conds.push(`(workflow_id, execution_id) IN (SELECT workflow_id, execution_id FROM execution_facts FINAL
          WHERE account_id = {account:String} AND ${workflowsSql(t)} AND ${facts.join(' AND ')})`);
  }
  return conds.join(' AND ') || '1';
}

/** The conditions on columns only the execution facts have. */
function factsOnly(f: Filters): string[] {
  const c: string[] = [];
  if (f.variant !== undefined) c.push('variant = {variant:String}');
  if (f.enrollment_source !== undefined) c.push('enrollment_source = {enrollment_source:String}');
  if (f.exit_reason !== undefined) c.push('exit_reason = {exit_reason:String}');
  return c;
}

/** The parameters of filterSql's conditions. */
export function filterParams(f: Filters): Record<string, unknown> {
  return { ...onlyFilters(f) };
}

/**
 * The cohort as a row source: execution_facts rows (one per execution) of the target's workflows enrolled in
 * [{from}, {to}), filtered. (The one-workflow panels read `FACTS` of store/execution-facts.ts, the facts of the
 * workflow, with the cohort condition in their own pass: the summary and trends count several periods at once.)
 */
export const cohortFacts = (t: Scope | Target): string => `(
    SELECT * FROM execution_facts FINAL
    WHERE account_id = {account:String} AND ${workflowsSql(t)}
      AND ${IN_PERIOD('enrolled_at')} AND ${filterSql(t, 'facts')})`;

/** Conditions on execution_facts columns (the execution's version, variant, enrollment source, exit reason). */
export const factsFilter = (s: Scope | Target): string => filterSql(s, 'facts');

/** Column c in [{from}, {to}) (or between the parameters `from` and `to` name). */
export const IN_PERIOD = (c: string, from = 'from', to = 'to') => `(${c} >= {${from}:DateTime64(3, 'UTC')} AND ${c} < {${to}:DateTime64(3, 'UTC')})`;

/** The cohort: executions enrolled in [{from}, {to}) (or between the parameters `from` and `to` name). */
export const COHORT_IN = (from = 'from', to = 'to') => IN_PERIOD('enrolled_at', from, to);
export const COHORT = COHORT_IN();


/** The parameters of a scope's conditions over a period: account, workflow, [from, to), tz, the filters'. */
export function params(s: Scope, p: Period): Record<string, unknown> {
  return { account: s.account, workflow: s.workflow, from: p.from, to: p.to, tz: p.timezone, ...filterParams(s) };
}

/** Percent with 2 decimals; 0 when the denominator is 0. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? round2((part / whole) * 100) : 0;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A mean with 2 decimals, or null when there is nothing to average. */
export function mean2(sum: number, n: number): number | null {
  return n > 0 ? round2(sum / n) : null;
}

/** ClickHouse sumMap results ([keys], [counts]) as an object, largest first. */
export function countsOf(pair: [string[], number[]] | undefined): Record<string, number> {
  if (!pair) return {};
  const entries = pair[0].map((k, i) => [k, Number(pair[1][i])] as const).filter(([k]) => k !== '');
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return Object.fromEntries(entries);
}
