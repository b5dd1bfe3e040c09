-- The failures (execution.failed, step.failed) of every workflow, in time order, for the errors report.
-- In `events` (ordered by workflow, type, time) an account's failures of a period are a few hundred rows
-- in each of hundreds of granules (at 10M events: 2.4M rows read for 16K failures); here they are
-- contiguous. Fed by a materialized view; rebuilt with the other derived tables (src/ingest/derived.ts).
CREATE TABLE IF NOT EXISTS failure_events
(
    account_id        LowCardinality(String),
    ts                DateTime64(3, 'UTC'),
    workflow_id       String,
    workflow_version  UInt32,
    execution_id      String,
    type              LowCardinality(String),
    step_id           LowCardinality(String),
    error_type        LowCardinality(String),
    error_message     String,
    retain            UInt8
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (account_id, ts, workflow_id);

-- Filled from the events already stored; the view, created last, takes over from there. Migrations run
-- before anything is ingested, so an interrupted run starts again from an empty table.
TRUNCATE TABLE failure_events;

INSERT INTO failure_events
SELECT account_id, ts, workflow_id, workflow_version, execution_id, type, step_id, error_type, error_message, retain
FROM events
WHERE type IN ('execution.failed', 'step.failed');

CREATE MATERIALIZED VIEW IF NOT EXISTS failure_events_mv TO failure_events AS
SELECT account_id, ts, workflow_id, workflow_version, execution_id, type, step_id, error_type, error_message, retain
FROM events
WHERE type IN ('execution.failed', 'step.failed');
