-- execution_state gains what the analytics need: when an execution was last written (so the facts
-- below can be brought up to date incrementally), every execution.started timestamp (so a superseded
-- enrolled_at can be retracted), how many step.completed each step had (time-in-step fallback), and
-- the retain flag of imported history.
ALTER TABLE execution_state
    ADD COLUMN IF NOT EXISTS last_received_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS start_times SimpleAggregateFunction(groupUniqArrayArray, Array(DateTime64(3, 'UTC'))),
    ADD COLUMN IF NOT EXISTS step_completions SimpleAggregateFunction(sumMap, Tuple(Array(String), Array(UInt64))),
    ADD COLUMN IF NOT EXISTS retain SimpleAggregateFunction(max, UInt8);

DROP VIEW IF EXISTS execution_state_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS execution_state_mv TO execution_state AS
SELECT
    account_id,
    workflow_id,
    execution_id,
    if(countIf(type = 'execution.started') > 0, minIf(ts, type = 'execution.started'), NULL) AS enrolled_at,
    maxIf(workflow_version, type = 'execution.started') AS workflow_version,
    maxIf(contact_id, type = 'execution.started') AS contact_id,
    maxIf(enrollment_source, type = 'execution.started') AS enrollment_source,
    maxIf(trigger_type, type = 'execution.started') AS trigger_type,
    maxIf(variant, type = 'execution.started') AS variant,
    maxIf(user_id, type = 'execution.started') AS user_id,
    if(countIf(type = 'execution.completed') > 0, minIf(ts, type = 'execution.completed'), NULL) AS completed_at,
    if(countIf(type = 'goal.achieved') > 0, minIf(ts, type = 'goal.achieved'), NULL) AS first_goal_at,
    countIf(type = 'goal.achieved') AS goals,
    sumIf(ifNull(goal_value, 0), type = 'goal.achieved') AS goal_value,
    sumMapIf(([toString(goal_type)], [toUInt64(1)]), type = 'goal.achieved') AS goal_types,
    max(multiIf(
        type = 'execution.completed', (ts, toUInt8(3), ''),
        type = 'execution.failed', (ts, toUInt8(2), toString(error_type)),
        type = 'execution.exited', (ts, toUInt8(1), toString(exit_reason)),
        (toDateTime64(0, 3, 'UTC'), toUInt8(0), '')
    )) AS terminal,
    max(if(type = 'step.started', (ts, toString(step_id)), (toDateTime64(0, 3, 'UTC'), ''))) AS current_step,
    max(ts) AS last_event_at,
    groupUniqArrayIf(toString(step_id), type = 'step.started') AS steps_started,
    groupUniqArrayIf(toString(step_id), type = 'step.completed') AS steps_completed,
    minMapIf(([toString(step_id)], [toUnixTimestamp64Milli(ts)]), type = 'step.started') AS step_started_ms,
    minMapIf(([toString(step_id)], [toUnixTimestamp64Milli(ts)]), type = 'step.completed') AS step_completed_ms,
    sumMapIf(([toString(step_id)], [ifNull(duration_ms, 0)], [toUInt64(1)]), type = 'step.completed' AND duration_ms IS NOT NULL) AS step_duration,
    sumIf(credits, type IN ('step.completed', 'step.failed', 'step.skipped', 'cost.recorded')) AS credits,
    sumIf(amount_usd, type = 'cost.recorded') AS cost_usd,
    max(received_at) AS last_received_at,
    groupUniqArrayIf(ts, type = 'execution.started') AS start_times,
    sumMapIf(([toString(step_id)], [toUInt64(1)]), type = 'step.completed') AS step_completions,
    max(retain) AS retain
FROM events
WHERE execution_id != ''
GROUP BY account_id, workflow_id, execution_id;

-- Rows written before this migration lack the new columns. They are rebuilt from the raw events at
-- start (src/metrics/derived.ts: an empty execution_state next to non-empty events is rebuilt).
TRUNCATE TABLE execution_state;
