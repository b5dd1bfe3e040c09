/**
 * Platform users' retention (GET /api/v1/analytics/activity/cohorts): rows are the weeks or months users were
 * first seen in, columns the periods since, cells how many of them were active then and their share.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CohortRow } from './cohorts.js';
import { Num, obj, PeriodSchema } from './common.js';

export const ActivityCohortsResponse = obj({
  period: PeriodSchema,
  cohort: Type.Union([Type.Literal('week'), Type.Literal('month')]),
  week_start: Type.Union([Type.Literal('monday'), Type.Literal('sunday')]),
  columns: Type.Integer({ description: 'periods since first seen: up to the one today falls in for the first cohort, at most 53 weeks or 36 months' }),
  source: Type.String({ description: 'the activity events, kept for the raw window: first seen is the earliest one still kept' }),
  matrix: Type.Array(CohortRow, { description: 'a row per week or month of the period users were first seen in (size: those users); a cell: how many of them were active in that period since (0: all of them), null where it has not begun' }),
  average_share: Type.Array(Type.Union([Num, Type.Null()]), { description: 'per column, the share over the cohorts that reached it, weighted by size' }),
});
export type ActivityCohortsResponse = Static<typeof ActivityCohortsResponse>;
