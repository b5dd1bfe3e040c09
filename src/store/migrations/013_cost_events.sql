-- The events that cost something (credits_used of a step event, credits or amount_usd of cost.recorded),
-- in time order, for the cost reports' raw paths (breakdowns, non-UTC days, month-to-date spend). In
-- `events` a period's costs are spread over wide granules of every event type (at 10M events: 2.3M rows
-- read for 30 days); here they are ≈0.65M narrow rows. Sums are unchanged (the events left out add
-- zero); a breakdown's `executions` counts the executions charged, i.e. with a cost in the period,
-- exactly (uniqExact of execution_key).
-- Fed by a materialized view; rebuilt with the other derived tables (src/ingest/derived.ts).
CREATE TABLE IF NOT EXISTS cost_events
(
    account_id        LowCardinality(String),
    ts                DateTime64(3, 'UTC'),
    workflow_id       String,
    workflow_version  UInt32,
    execution_id      String,
    -- the execution (workflow and id) as a 128-bit hash: what uniqExact would compute from the two
    -- strings on every read, computed once
    execution_key     UInt128,
    type              LowCardinality(String),
    step_id           LowCardinality(String),
    action_type       LowCardinality(String),
    credits           Float64,
    amount_usd        Float64,
    retain            UInt8
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (account_id, ts, workflow_id);

-- Filled from the events already stored; the view, created last, takes over from there (see 012).
TRUNCATE TABLE cost_events;

INSERT INTO cost_events
SELECT account_id, ts, workflow_id, workflow_version, execution_id,
       reinterpretAsUInt128(sipHash128(workflow_id, execution_id)) AS execution_key, type, step_id, action_type, credits, amount_usd, retain
FROM events
WHERE type IN ('step.completed', 'step.failed', 'step.skipped', 'cost.recorded') AND (credits != 0 OR amount_usd != 0);

CREATE MATERIALIZED VIEW IF NOT EXISTS cost_events_mv TO cost_events AS
SELECT account_id, ts, workflow_id, workflow_version, execution_id,
       reinterpretAsUInt128(sipHash128(workflow_id, execution_id)) AS execution_key, type, step_id, action_type, credits, amount_usd, retain
FROM events
WHERE type IN ('step.completed', 'step.failed', 'step.skipped', 'cost.recorded') AND (credits != 0 OR amount_usd != 0);
