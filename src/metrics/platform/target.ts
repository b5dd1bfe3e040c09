/**
 * What a platform analytics query is about: some workflows of one account (those the caller may read,
 * or the ones it named), optionally one version and one A/B variant, over a period. Turns that into
 * fixed SQL sources and the query parameters they bind; user input only ever travels as parameters.
 */
import type { Period } from '../period.js';
import { filterParams, filterSql, IN_PERIOD, type Target } from '../scope.js';

export type { Target } from '../scope.js';

/** The instants a query covers: [from, to), bucketed in `tz`. */
export interface Span {
  from: Date;
  to: Date;
  tz: string;
}

export const spanOf = (p: Period): Span => ({ from: p.from, to: p.to, tz: p.timezone });

/** A column within the span: the panels' own condition. */
export const IN_SPAN = IN_PERIOD;


/** Conditions on raw events of the target's workflows with their own timestamp in the span. */
export const EVENTS_OF = (t: Target) =>
  `account_id = {account:String} AND workflow_id IN {workflows:Array(String)} AND ${IN_SPAN('ts')} AND ${filterSql(t, 'events')}`;

export function targetParams(t: Target, s: Span): Record<string, unknown> {
  return {
    account: t.account,
    workflows: t.workflows,
    from: s.from,
    to: s.to,
    tz: s.tz,
    ...filterParams(t),
  };
}


/** A number with 2 decimals, or null. */
export function r2(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 100) / 100;
}
