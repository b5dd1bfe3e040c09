/**
 * Segments of a workflow's cohort (GET /api/v1/workflows/{workflow_id}/analytics/segments): the executions
 * enrolled in the period split by enrollment source, version, variant, exit reason or an attribute of their
 * execution.started event; per segment the catalog's cohort figures, the largest first, the rest folded.
 */
import { Type, type Static } from '@sinclair/typebox';
import { FiltersSchema, Int, Num, obj, PeriodSchema } from './common.js';

const figures = {
  enrolled: Type.Integer({ description: 'executions enrolled in the period (metric enrolled)' }),
  completed: Type.Integer({ description: 'of them, completed or converted (metric completed)' }),
  completion_rate: Type.Number({ description: 'completed ÷ enrolled × 100, 2 decimals (metric completion_rate; 0 when none enrolled)' }),
  converted: Type.Integer({ description: 'of them, achieved a goal (metric converted)' }),
  conversion_rate: Type.Number({ description: 'converted ÷ enrolled × 100 (metric conversion_rate)' }),
  failed: Type.Integer({ description: 'of them, failed (metric failed)' }),
};

export const SegmentFigures = obj(figures);

export const SegmentRow = obj({
  value: Type.Union([Type.String(), Type.Null()], { description: 'the segment\'s value; null: executions without one (no source, no variant, did not exit, attribute absent)' }),
  ...figures,
  share_of_enrolled: Num,
});

export const SegmentsResponse = obj({
  workflow_id: Type.String(),
  period: PeriodSchema,
  filters: FiltersSchema,
  by: Type.Union([Type.Literal('enrollment_source'), Type.Literal('version'), Type.Literal('variant'), Type.Literal('exit_reason'), Type.Literal('attribute')]),
  attribute: Type.Union([Type.String(), Type.Null()], { description: 'with by=attribute: the execution.started metadata key' }),
  top: Int,
  source: Type.String({ description: 'what was read: execution_facts, or with an attribute also the raw execution.started events (kept for the raw window only)' }),
  segments: Type.Array(SegmentRow, { description: 'the largest `top` segments by enrolled (ties by value), largest first' }),
  other: Type.Union([obj({ segments: Type.Integer({ description: 'how many segments were folded' }), ...figures, share_of_enrolled: Num }), Type.Null()], { description: 'the segments after the top ones, together; null when none' }),
  totals: SegmentFigures,
});
export type SegmentsResponse = Static<typeof SegmentsResponse>;
