/** The insights panel: GET /api/v1/workflows/{id}/analytics/insights. */
import { Type, type Static } from '@sinclair/typebox';
import { Dict, NullNum, obj, PeriodSchema } from './common.js';

export const InsightOutSchema = obj({
  kind: Type.String({ description: 'rate_change | drop_off | loss_between_steps | slower_step | action_errors | version_difference | variant_difference | anomaly' }),
  tone: Type.Union([Type.Literal('good'), Type.Literal('bad'), Type.Literal('info')], { description: 'whether the move is good news for the metric (its `better` direction in the catalog)' }),
  metric: Type.String(),
  title: Type.String(),
  text: Type.String({ description: 'the observation in plain words, with its numbers and the test that supports it' }),
  impact: Type.Integer({ description: 'about how many executions it concerns: the ranking key' }),
  numbers: Dict(NullNum, 'the figures the text states'),
  drill: Type.Union([Type.String(), Type.Null()], { description: 'the query (after the period) of GET /api/v1/workflows/{id}/executions listing the executions concerned' }),
  drill_total: Type.Union([Type.Integer(), Type.Null()], { description: 'how many executions that list holds, when it is exactly what the observation counts (null when the list is only related: an action\'s failures are events, an anomalous day\'s rate is of the executions that finished that day)' }),
});
export type InsightOut = Static<typeof InsightOutSchema>;

export const InsightsResponse = obj({
  workflow_id: Type.String(),
  period: PeriodSchema,
  previous_period: PeriodSchema,
  insights: Type.Array(InsightOutSchema, { description: 'most impact first' }),
});
export type InsightsResponse = Static<typeof InsightsResponse>;
