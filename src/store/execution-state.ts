/**
 * Reading the derived per-execution state (CONTRACT §5). The SQL below merges the partial rows of
 * execution_state (one GROUP BY, no scan of raw events) and applies the status rules.
 */
import type { Store } from './store.js';

/** Restricts execution_state to the workflow of the parameters {account:String} and {workflow:String}. */
export const IN_WORKFLOW = 'account_id = {account:String} AND workflow_id = {workflow:String}';

/**
 * A subquery with one row per execution: account_id, workflow_id, execution_id, enrolled_at, status,
 * completed_at, goal_achieved_at, exit_reason, current_step_id, … `where` is a fixed SQL condition on
 * execution_state's partial rows (never user input); the default is one workflow (IN_WORKFLOW).
 */
export const executionsSql = (where = IN_WORKFLOW) => `
SELECT
    account_id,
    workflow_id,
    execution_id,
    enrolled_at,
    workflow_version,
    contact_id,
    enrollment_source,
    trigger_type,
    variant,
    user_id,
    goals,
    goal_value,
    goal_types,
    multiIf(goals > 0, 'goal_achieved', terminal.2 = 3, 'completed', terminal.2 = 1, 'exited', terminal.2 = 2, 'error', 'active') AS status,
    if(status IN ('completed', 'goal_achieved'), if(completed_raw IS NOT NULL, completed_raw, first_goal_at), NULL) AS completed_at,
    first_goal_at AS goal_achieved_at,
    if(status = 'exited', terminal.3, '') AS exit_reason,
    if(status = 'error', terminal.3, '') AS error_type,
    if(status = 'active', nullIf(current_step.2, ''), NULL) AS current_step_id,
    -- when the execution ended: completed (or converted), failed or exited; null while active
    if(status = 'active', NULL, if(status IN ('completed', 'goal_achieved'), completed_at, terminal.1)) AS ended_at,
    last_event_at,
    steps_started,
    steps_completed,
    step_started_ms,
    step_completed_ms,
    step_duration,
    credits,
    cost_usd,
    last_received_at,
    start_times,
    step_completions,
    retain,
    step_untimed
FROM (
    SELECT
        account_id,
        workflow_id,
        execution_id,
        min(enrolled_at) AS enrolled_at,
        max(workflow_version) AS workflow_version,
        max(contact_id) AS contact_id,
        max(enrollment_source) AS enrollment_source,
        max(trigger_type) AS trigger_type,
        max(variant) AS variant,
        max(user_id) AS user_id,
        min(completed_at) AS completed_raw,
        min(first_goal_at) AS first_goal_at,
        sum(goals) AS goals,
        sum(goal_value) AS goal_value,
        sumMap(goal_types) AS goal_types,
        max(terminal) AS terminal,
        max(current_step) AS current_step,
        max(last_event_at) AS last_event_at,
        groupUniqArrayArray(steps_started) AS steps_started,
        groupUniqArrayArray(steps_completed) AS steps_completed,
        minMap(step_started_ms) AS step_started_ms,
        minMap(step_completed_ms) AS step_completed_ms,
        sumMap(step_duration) AS step_duration,
        sum(credits) AS credits,
        sum(cost_usd) AS cost_usd,
        max(last_received_at) AS last_received_at,
        groupUniqArrayArray(start_times) AS start_times,
        sumMap(step_completions) AS step_completions,
        max(retain) AS retain,
        groupArrayArray(step_untimed) AS step_untimed
    FROM execution_state
    WHERE ${where}
    GROUP BY account_id, workflow_id, execution_id
)`;

export const EXECUTIONS_SQL = executionsSql();

export interface ExecutionState {
  execution_id: string;
  enrolled_at: string | null;
  status: 'active' | 'completed' | 'goal_achieved' | 'exited' | 'error';
  completed_at: string | null;
  goal_achieved_at: string | null;
  exit_reason: string;
  current_step_id: string | null;
  contact_id: string;
  enrollment_source: string;
  workflow_version: number;
  variant: string;
}

/** One execution's state, or null when no event names it. */
export async function getExecutionState(store: Store, accountId: string, workflowId: string, executionId: string): Promise<ExecutionState | null> {
  const rows = await store.query<ExecutionState>(
    `SELECT execution_id, toString(enrolled_at) AS enrolled_at, status, toString(completed_at) AS completed_at,
            toString(goal_achieved_at) AS goal_achieved_at, exit_reason, current_step_id, contact_id, enrollment_source,
            workflow_version, variant
     FROM (${EXECUTIONS_SQL}) WHERE execution_id = {execution:String}`,
    { account: accountId, workflow: workflowId, execution: executionId },
  );
  return rows[0] ?? null;
}
