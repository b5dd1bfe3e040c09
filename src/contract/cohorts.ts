/**
 * Cohort matrices (GET /api/v1/workflows/{workflow_id}/analytics/cohorts): rows are enrolment cohorts (the
 * week or month executions enrolled in, in the request's timezone), columns the periods since enrolment,
 * cells counts and shares of the cohort — a retention / conversion matrix.
 */
import { Type, type Static } from '@sinclair/typebox';
import { FiltersSchema, Int, Num, obj, PeriodSchema } from './common.js';

export const CohortCell = Type.Union([
  obj({
    count: Int,
    share: Type.Number({ description: 'percent of the cohort, 2 decimals (0 for an empty cohort)' }),
  }),
  Type.Null(),
], { description: 'null where the period has not begun yet' });

export const CohortRow = obj({
  cohort: Type.String({ description: 'first day of the cohort\'s week or month (YYYY-MM-DD, in the timezone); a week or month the period cuts counts only the period\'s enrolments' }),
  size: Type.Integer({ description: 'executions enrolled in the cohort (within the period)' }),
  cells: Type.Array(CohortCell, { description: 'one per period since enrolment: index 0 is the enrolment week or month' }),
});
export type CohortRow = Static<typeof CohortRow>;

export const CohortsResponse = obj({
  workflow_id: Type.String(),
  period: PeriodSchema,
  filters: FiltersSchema,
  cohort: Type.Union([Type.Literal('week'), Type.Literal('month')]),
  week_start: Type.Union([Type.Literal('monday'), Type.Literal('sunday')]),
  metric: Type.Union([Type.Literal('completed'), Type.Literal('converted'), Type.Literal('active'), Type.Literal('errored')], {
    description: 'completed (or converted: a conversion completes), converted, errored: how many of the cohort had by the end of the period (cumulative); active: how many were still active then',
  }),
  columns: Type.Integer({ description: 'periods since enrolment shown: up to the one today falls in for the first cohort, at most 53 weeks or 36 months' }),
  source: Type.String({ description: 'execution_facts: one row per execution, kept as long as the daily aggregates (2 years by default), so exact at any day boundary of the timezone' }),
  matrix: Type.Array(CohortRow),
  average_share: Type.Array(Type.Union([Num, Type.Null()]), { description: 'per column, the share over the cohorts that reached it, weighted by size (null when none did)' }),
});
export type CohortsResponse = Static<typeof CohortsResponse>;
