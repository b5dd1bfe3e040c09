/**
 * What every analytics query is about: one workflow of one account, optionally one version and one
 * A/B variant, over a period. Turns that into fixed SQL conditions and the query parameters they bind.
 */
import type { Period } from './period.js';

export interface Scope {
  account: string;
  workflow: string;
  version?: number;
  variant?: string;
}

/** The scope a request's `version` and `variant` filters give for one workflow. */
export function scopeOf(account: string, workflow: string, filters: { version?: number | undefined; variant?: string | undefined }): Scope {
  return {
    account,
    workflow,
    ...(filters.version !== undefined ? { version: filters.version } : {}),
    ...(filters.variant !== undefined ? { variant: filters.variant } : {}),
  };
}

/** Conditions on execution_facts columns (version and variant of the execution). */
export function factsFilter(s: Scope): string {
  return [
    s.version !== undefined ? 'workflow_version = {version:UInt32}' : '',
    s.variant !== undefined ? 'variant = {variant:String}' : '',
  ].filter(Boolean).join(' AND ') || '1';
}

/** Column c in [{from}, {to}) (or between the parameters `from` and `to` name). */
export const IN_PERIOD = (c: string, from = 'from', to = 'to') => `(${c} >= {${from}:DateTime64(3, 'UTC')} AND ${c} < {${to}:DateTime64(3, 'UTC')})`;

/** The cohort: executions enrolled in [{from}, {to}) (or between the parameters `from` and `to` name). */
export const COHORT_IN = (from = 'from', to = 'to') => IN_PERIOD('enrolled_at', from, to);
export const COHORT = COHORT_IN();


export function params(s: Scope, p: Period): Record<string, unknown> {
  return {
    account: s.account,
    workflow: s.workflow,
    from: p.from,
    to: p.to,
    tz: p.timezone,
    ...(s.version !== undefined ? { version: s.version } : {}),
    ...(s.variant !== undefined ? { variant: s.variant } : {}),
  };
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
