-- step_fallback_durations (005) was ordered by time first, so the actions panel, which wants the
-- action steps only, read every step type's rows of the period with FINAL (at 1M enrollments ≈2.7M rows,
-- mostly wait steps, ≈135 ms of the panel's ≈146 ms). The same rows under a key that puts step_type
-- before time: a query for one step type reads only that type's granules. A row's identity (the key's
-- columns) is unchanged, so ReplacingMergeTree replaces exactly what it replaced before.
-- Idempotent when re-run after an interruption: the first statement gives the copy an (empty) source
-- again if the interruption came after the drop.
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

-- Step events that came without duration_ms, with the duration their execution's timestamps give
-- (completed or failed − the step's first step.started, when that start is not later; null without one).
-- Written with the facts (src/store/execution-facts.ts); a late step.started replaces a row's value (version).
CREATE TABLE IF NOT EXISTS step_durations_from_timestamps
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
ORDER BY (account_id, workflow_id, step_type, ts, step_id, execution_id, occurrence);

INSERT INTO step_durations_from_timestamps SELECT * FROM step_fallback_durations;

DROP TABLE IF EXISTS step_fallback_durations;
