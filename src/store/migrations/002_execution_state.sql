-- Per-execution state (CONTRACT §5), kept by ClickHouse: every event folds into one row per
-- execution, whatever order events arrive in. Read with GROUP BY and the -Merge-free
-- SimpleAggregateFunctions (see src/metrics/executions-sql.ts).
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
    cost_usd          SimpleAggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
ORDER BY (account_id, workflow_id, execution_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS execution_state_mv TO execution_state AS
SELECT
    account_id,
    workflow_id,
    execution_id,
    if(type = 'execution.started', ts, NULL) AS enrolled_at,
    if(type = 'execution.started', workflow_version, 0) AS workflow_version,
    if(type = 'execution.started', contact_id, '') AS contact_id,
    if(type = 'execution.started', enrollment_source, '') AS enrollment_source,
    if(type = 'execution.started', trigger_type, '') AS trigger_type,
    if(type = 'execution.started', variant, '') AS variant,
    if(type = 'execution.started', user_id, '') AS user_id,
    if(type = 'execution.completed', ts, NULL) AS completed_at,
    if(type = 'goal.achieved', ts, NULL) AS first_goal_at,
    toUInt64(type = 'goal.achieved') AS goals,
    if(type = 'goal.achieved', ifNull(goal_value, 0), 0) AS goal_value,
    if(type = 'goal.achieved', ([goal_type], [toUInt64(1)]), ([], [])) AS goal_types,
    multiIf(
        type = 'execution.completed', (ts, toUInt8(3), ''),
        type = 'execution.failed', (ts, toUInt8(2), toString(error_type)),
        type = 'execution.exited', (ts, toUInt8(1), toString(exit_reason)),
        (toDateTime64(0, 3, 'UTC'), toUInt8(0), '')
    ) AS terminal,
    if(type = 'step.started', (ts, toString(step_id)), (toDateTime64(0, 3, 'UTC'), '')) AS current_step,
    ts AS last_event_at,
    if(type = 'step.started', [toString(step_id)], []) AS steps_started,
    if(type = 'step.completed', [toString(step_id)], []) AS steps_completed,
    if(type = 'step.started', ([toString(step_id)], [toUnixTimestamp64Milli(ts)]), ([], [])) AS step_started_ms,
    if(type = 'step.completed', ([toString(step_id)], [toUnixTimestamp64Milli(ts)]), ([], [])) AS step_completed_ms,
    if(type = 'step.completed' AND duration_ms IS NOT NULL,
       ([toString(step_id)], [assumeNotNull(duration_ms)], [toUInt64(1)]),
       ([], [], [])) AS step_duration,
    if(type IN ('step.completed', 'step.failed', 'step.skipped', 'cost.recorded'), credits, 0) AS credits,
    if(type = 'cost.recorded', amount_usd, 0) AS cost_usd
FROM events
WHERE execution_id != '';
