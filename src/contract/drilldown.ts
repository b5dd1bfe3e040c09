/** Drill-down: the executions behind a figure (GET /api/v1/workflows/{id}/executions) and one execution's timeline. */
import { Type, type Static } from '@sinclair/typebox';
import { Int, NullNum, NullStr, Num, obj } from './common.js';

export const ExecutionRowOut = obj({
  execution_id: Type.String(),
  contact_id: Type.String(),
  enrolled_at: Type.String(),
  status: Type.String({ description: 'active | completed | goal_achieved | exited | error' }),
  completed_at: NullStr,
  goal_achieved_at: NullStr,
  duration_hours: NullNum,
  exit_reason: NullStr,
  error_type: NullStr,
  current_step_id: NullStr,
  workflow_version: Int,
  variant: NullStr,
  enrollment_source: Type.String(),
  cost_usd: Num,
  run: Type.Optional(obj({
    at: Type.String(), outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]), duration_ms: NullNum, error_type: NullStr,
  }, 'with action_id: the run of the action this row is (an execution retrying it appears once per run)')),
});

export const ExecutionsPageResponse = obj({
  total: Type.Integer({ description: 'how many executions the selection holds: the figure it was opened from' }),
  executions: Type.Array(ExecutionRowOut, { description: 'newest enrolment first' }),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as cursor for the next page; null on the last' }),
});
export type ExecutionsPageResponse = Static<typeof ExecutionsPageResponse>;

export const ExecutionTimelineResponse = obj({
  execution: ExecutionRowOut,
  events: Type.Array(obj({
    at: Type.String(), type: Type.String(), step_id: NullStr, step_type: NullStr, action_type: NullStr, duration_ms: NullNum,
    error_type: NullStr, error_message: NullStr, exit_reason: NullStr, goal_id: NullStr, goal_value: NullNum, amount_usd: Num, credits: Num,
  }), { description: 'every event of the execution, in time order' }),
});
export type ExecutionTimelineResponse = Static<typeof ExecutionTimelineResponse>;
