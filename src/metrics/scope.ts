/**
 * Which executions a figure is about — the one query target of every figure: an account, one workflow (Scope)
 * or several (Target), and the filters (version, variant). Turned here, and only here, into fixed SQL conditions
 * and the query parameters they bind; user input only ever travels as parameters. A new filter is one edit:
 * its field in Filters, its condition in filterSql, its parameter in filterParams.
 */
import type { Period } from './period.js';

/** The filters a request may put on the executions of its workflows. */
export interface Filters {
  version?: number;
  variant?: string;
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

/** The scope a request's `version` and `variant` filters give for one workflow. */
export function scopeOf(account: string, workflow: string, filters: { version?: number | undefined; variant?: string | undefined }): Scope {
  return { account, workflow, ...onlyFilters(filters) };
}

function onlyFilters(f: { version?: number | undefined; variant?: string | undefined }): Filters {
  return { ...(f.version !== undefined ? { version: f.version } : {}), ...(f.variant !== undefined ? { variant: f.variant } : {}) };
}

/** The workflows' rows: `{workflow:String}` for a scope, `{workflows:Array(String)}` for a target. */
export const workflowsSql = (t: Scope | Target): string => ('workflows' in t ? 'workflow_id IN {workflows:Array(String)}' : 'workflow_id = {workflow:String}');

/**
 * The filters as conditions on the rows of a table ('1' when there are none):
 * - `facts`: execution_facts rows (the execution's version and variant);
 * - `events`: raw events, or tables kept per event (the event's version; the variant through its execution's
 *   facts row, as events do not carry it);
 * - `rollup`: rollup rows, which know the version only (a request with a variant reads raw events instead).
 */
export function filterSql(t: Scope | Target, rows: 'facts' | 'events' | 'rollup'): string {
  const conds: string[] = [];
  if (t.version !== undefined) conds.push('workflow_version = {version:UInt32}');
  if (t.variant !== undefined && rows === 'facts') conds.push('variant = {variant:String}');
  if (t.variant !== undefined && rows === 'events') {
    conds.push(`(workflow_id, execution_id) IN (SELECT workflow_id, execution_id FROM execution_facts FINAL
          WHERE account_id = {account:String} AND ${workflowsSql(t)} AND variant = {variant:String})`);
  }
  return conds.join(' AND ') || '1';
}

/** The parameters of filterSql's conditions. */
export function filterParams(f: Filters): Record<string, unknown> {
  return { ...(f.version !== undefined ? { version: f.version } : {}), ...(f.variant !== undefined ? { variant: f.variant } : {}) };
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

/** Conditions on execution_facts columns (version and variant of the execution). */
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
