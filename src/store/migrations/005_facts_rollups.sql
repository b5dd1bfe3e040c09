-- One row per enrolled execution, ordered by enrollment time, so that a cohort (executions enrolled
-- in a period) is a range scan. Written from execution_state (src/store/execution-facts.ts) by
-- src/ingest/derived.ts after every batch that touches an execution; a newer row replaces an older one (version), and a row whose
-- enrolled_at was superseded by an earlier execution.started is retracted (is_deleted = 1).
-- Read with FINAL; partitions (weeks of enrollment) that received writes are compacted by
-- src/ingest/derived.ts, so FINAL mostly reads single-part partitions and costs next to nothing.
CREATE TABLE IF NOT EXISTS execution_facts
(
    account_id        LowCardinality(String),
    workflow_id       String,
    enrolled_at       DateTime64(3, 'UTC'),
    execution_id      String,
    version           UInt64,
    is_deleted        UInt8,
    workflow_version  UInt32,
    variant           LowCardinality(String),
    contact_id        String,
    enrollment_source LowCardinality(String),
    trigger_type      LowCardinality(String),
    status            LowCardinality(String),
    completed_at      Nullable(DateTime64(3, 'UTC')),
    goal_achieved_at  Nullable(DateTime64(3, 'UTC')),
    exit_reason       LowCardinality(String),
    error_type        LowCardinality(String),
    current_step_id   String,
    goal_types        Array(LowCardinality(String)),
    goal_value        Float64,
    -- per step: (step id, first step.started in epoch ms or 0, completed after starting, seconds in step summed over
    -- its step.completed events, how many of them)
    steps             Array(Tuple(id String, started_ms Int64, completed UInt8, time_sum Float64, time_n UInt32)),
    credits           Float64,
    cost_usd          Float64,
    last_received_at  DateTime64(3, 'UTC'),
    retain            UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toMonday(enrolled_at)
ORDER BY (account_id, workflow_id, enrolled_at, execution_id);

-- Step events that came without duration_ms, with the duration their execution's timestamps give
-- (completed or failed − the step's first step.started, when that start is not later). Written with
-- the facts; a row's key never changes, a late step.started only replaces its value (version).
-- Summed next to the rollups, so action durations stay exact without joining raw events.
CREATE TABLE IF NOT EXISTS step_fallback_durations
(
    account_id   LowCardinality(String),
    workflow_id  String,
    ts           DateTime64(3, 'UTC'),
    step_id      LowCardinality(String),
    step_type    LowCardinality(String),
    workflow_version UInt32,
    execution_id String,
    occurrence   UInt32,
    version      UInt64,
    duration_ms  Nullable(Float64),
    retain       UInt8
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(ts)
ORDER BY (account_id, workflow_id, ts, step_id, execution_id, occurrence);

-- Event counts per hour, by what the panels group on. Exact sums of the raw events (which are
-- deduplicated at ingestion), so a period whose boundaries fall on whole UTC hours reads these
-- instead of the raw events. Daily and monthly tables are fed from the hourly one.
CREATE TABLE IF NOT EXISTS workflow_events_hourly
(
    account_id       LowCardinality(String),
    workflow_id      String,
    bucket           DateTime('UTC'),
    type             LowCardinality(String),
    workflow_version UInt32,
    step_id          LowCardinality(String),
    step_type        LowCardinality(String),
    action_type      LowCardinality(String),
    detail           LowCardinality(String),
    events           SimpleAggregateFunction(sum, UInt64),
    duration_sum     SimpleAggregateFunction(sum, Float64),
    duration_n       SimpleAggregateFunction(sum, UInt64),
    duration_q       AggregateFunction(quantilesTDigest(0.5, 0.95), Float64),
    credits          SimpleAggregateFunction(sum, Float64),
    amount_usd       SimpleAggregateFunction(sum, Float64),
    value_sum        SimpleAggregateFunction(sum, Float64),
    retain           SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (account_id, workflow_id, bucket, type, workflow_version, step_id, step_type, action_type, detail);

CREATE MATERIALIZED VIEW IF NOT EXISTS workflow_events_hourly_mv TO workflow_events_hourly AS
SELECT
    account_id,
    workflow_id,
    toStartOfHour(ts) AS bucket,
    type,
    workflow_version,
    step_id,
    step_type,
    action_type,
    multiIf(type IN ('step.failed', 'execution.failed'), error_type, type = 'execution.exited', exit_reason,
            type = 'goal.achieved', goal_type, '') AS detail,
    count() AS events,
    sum(ifNull(duration_ms, 0)) AS duration_sum,
    countIf(duration_ms IS NOT NULL) AS duration_n,
    quantilesTDigestStateIf(0.5, 0.95)(ifNull(duration_ms, 0), duration_ms IS NOT NULL) AS duration_q,
    sum(credits) AS credits,
    sum(amount_usd) AS amount_usd,
    sum(ifNull(goal_value, 0)) AS value_sum,
    max(retain) AS retain
FROM events
WHERE workflow_id != ''
GROUP BY account_id, workflow_id, bucket, type, workflow_version, step_id, step_type, action_type, detail;

CREATE TABLE IF NOT EXISTS workflow_events_daily AS workflow_events_hourly
ENGINE = AggregatingMergeTree
PARTITION BY toYear(bucket)
ORDER BY (account_id, workflow_id, bucket, type, workflow_version, step_id, step_type, action_type, detail);

CREATE MATERIALIZED VIEW IF NOT EXISTS workflow_events_daily_mv TO workflow_events_daily AS
SELECT
    account_id, workflow_id, toStartOfDay(bucket) AS bucket, type, workflow_version, step_id, step_type, action_type, detail,
    sum(events) AS events, sum(duration_sum) AS duration_sum, sum(duration_n) AS duration_n,
    quantilesTDigestMergeState(0.5, 0.95)(duration_q) AS duration_q,
    sum(credits) AS credits, sum(amount_usd) AS amount_usd, sum(value_sum) AS value_sum, max(retain) AS retain
FROM workflow_events_hourly
GROUP BY account_id, workflow_id, bucket, type, workflow_version, step_id, step_type, action_type, detail;

CREATE TABLE IF NOT EXISTS workflow_events_monthly AS workflow_events_hourly
ENGINE = AggregatingMergeTree
ORDER BY (account_id, workflow_id, bucket, type, workflow_version, step_id, step_type, action_type, detail);

CREATE MATERIALIZED VIEW IF NOT EXISTS workflow_events_monthly_mv TO workflow_events_monthly AS
SELECT
    account_id, workflow_id, toDateTime(toStartOfMonth(bucket), 'UTC') AS bucket, type, workflow_version, step_id, step_type, action_type, detail,
    sum(events) AS events, sum(duration_sum) AS duration_sum, sum(duration_n) AS duration_n,
    quantilesTDigestMergeState(0.5, 0.95)(duration_q) AS duration_q,
    sum(credits) AS credits, sum(amount_usd) AS amount_usd, sum(value_sum) AS value_sum, max(retain) AS retain
FROM workflow_events_daily
GROUP BY account_id, workflow_id, bucket, type, workflow_version, step_id, step_type, action_type, detail;
