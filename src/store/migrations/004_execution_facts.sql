-- execution_state is recreated with what the analytics need: when an execution was last written (so
-- the facts of 005 can be brought up to date incrementally), every execution.started timestamp (so a
-- superseded enrolled_at can be retracted), how many step.completed each step had (time-in-step
-- fallback), the retain flag of imported history, the step events that came without a duration; and
-- small granules, so that rewriting the facts of a batch's few thousand executions reads only theirs.
-- Its rows are rebuilt from the raw events at start (src/ingest/derived.ts: an empty execution_state
-- next to non-empty events is rebuilt).
DROP VIEW IF EXISTS execution_state_mv;

DROP TABLE IF EXISTS execution_state;

CREATE TABLE IF NOT EXISTS execution_state
(
    account_id        LowCardinality(String),
    workflow_id       String,
    execution_id      String,
    enrolled_at       SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    workflow_version  SimpleAggregateFunction(max, UInt32),
    contact_id        SimpleAggregateFunction(max, String),
    enrollment_source SimpleAggregateFunction(max, LowCardinality(String)),
    trigger_type      SimpleAggregateFunction(max, LowCardinality(String)),
    variant           SimpleAggregateFunction(max, LowCardinality(String)),
    user_id           SimpleAggregateFunction(max, String),
    completed_at      SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_goal_at     SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    goals             SimpleAggregateFunction(sum, UInt64),
    goal_value        SimpleAggregateFunction(sum, Float64),
    goal_types        SimpleAggregateFunction(sumMap, Tuple(Array(String), Array(UInt64))),
    -- latest terminal event: (timestamp, code 1 exited | 2 error | 3 completed, exit reason or error type)
    terminal          SimpleAggregateFunction(max, Tuple(DateTime64(3, 'UTC'), UInt8, String)),
    -- latest step.started: (timestamp, step id)
    current_step      SimpleAggregateFunction(max, Tuple(DateTime64(3, 'UTC'), String)),
    last_event_at     SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    steps_started     SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    steps_completed   SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    -- per step: earliest step.started / step.completed (epoch ms), for the time-in-step fallback
    step_started_ms   SimpleAggregateFunction(minMap, Tuple(Array(String), Array(Int64))),
    step_completed_ms SimpleAggregateFunction(minMap, Tuple(Array(String), Array(Int64))),
    -- per step: sum of duration_ms sent on step.completed, and how many step.completed carried one
    step_duration     SimpleAggregateFunction(sumMap, Tuple(Array(String), Array(Float64), Array(UInt64))),
    credits           SimpleAggregateFunction(sum, Float64),
    cost_usd          SimpleAggregateFunction(sum, Float64),
    last_received_at  SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    start_times       SimpleAggregateFunction(groupUniqArrayArray, Array(DateTime64(3, 'UTC'))),
    step_completions  SimpleAggregateFunction(sumMap, Tuple(Array(String), Array(UInt64))),
    retain            SimpleAggregateFunction(max, UInt8),
    -- step.completed / step.failed that came without duration_ms: (step id, step type, timestamp, version)
    step_untimed      SimpleAggregateFunction(groupArrayArray, Array(Tuple(String, String, DateTime64(3, 'UTC'), UInt32)))
)
ENGINE = AggregatingMergeTree
ORDER BY (account_id, workflow_id, execution_id)
SETTINGS index_granularity = 1024;

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
    max(retain) AS retain,
    groupArrayIf((toString(step_id), toString(step_type), ts, events.workflow_version), type IN ('step.completed', 'step.failed') AND duration_ms IS NULL) AS step_untimed
FROM events
WHERE execution_id != ''
GROUP BY account_id, workflow_id, execution_id;
