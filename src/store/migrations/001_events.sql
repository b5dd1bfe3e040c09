-- Raw events: the source of truth. One wide table for every event type (CONTRACT §4).
-- Ordered so a workflow's events of one type over a period are one range scan.
CREATE TABLE IF NOT EXISTS events
(
    account_id        LowCardinality(String),
    workflow_id       String,
    workflow_version  UInt32,
    execution_id      String,
    type              LowCardinality(String),
    event_id          String,
    ts                DateTime64(3, 'UTC'),
    received_at       DateTime64(3, 'UTC'),
    contact_id        String,
    enrollment_source LowCardinality(String),
    trigger_type      LowCardinality(String),
    variant           LowCardinality(String),
    user_id           String,
    exit_reason       LowCardinality(String),
    error_type        LowCardinality(String),
    error_message     String,
    step_id           LowCardinality(String),
    step_type         LowCardinality(String),
    action_type       LowCardinality(String),
    duration_ms       Nullable(Float64),
    credits           Float64,
    amount_usd        Float64,
    goal_id           LowCardinality(String),
    goal_type         LowCardinality(String),
    goal_value        Nullable(Float64),
    session_id        String,
    action            LowCardinality(String),
    resource          LowCardinality(String),
    resource_id       String,
    metadata          String,
    -- 1 = kept whatever the retention window (imported history)
    retain            UInt8 DEFAULT 0
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (account_id, workflow_id, type, ts);

-- Seen event ids (hashed, 128 bit), for exact deduplication across requests and restarts.
-- Small granules: a batch's lookup reads only the granules its ids fall into.
CREATE TABLE IF NOT EXISTS event_ids
(
    account_id LowCardinality(String),
    id_hash    UInt128,
    ts         DateTime64(3, 'UTC'),
    retain     UInt8
)
ENGINE = ReplacingMergeTree
ORDER BY (account_id, id_hash)
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_mv TO event_ids AS
SELECT account_id, reinterpretAsUInt128(sipHash128(event_id)) AS id_hash, ts, retain
FROM events
WHERE event_id != '';
