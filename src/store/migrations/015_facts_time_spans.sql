-- The longest time between an execution's enrolment and its completion or conversion, per workflow
-- (either sign: timestamps from the engine may disagree). Trends count completions and conversions by their
-- own time, so they look at executions enrolled before the period too; those lie within this span of it,
-- which bounds the scan of execution_facts (at 1M enrollments over 90 days with spans under 6 days: 35 days
-- read instead of 90). Kept by a materialized view on every facts write; a row only ever raises the
-- maximum, so the bound never excludes a row that counts (retracted rows can only make it looser).
CREATE TABLE IF NOT EXISTS facts_time_spans
(
    account_id  LowCardinality(String),
    workflow_id String,
    max_span_ms SimpleAggregateFunction(max, Int64)
)
ENGINE = AggregatingMergeTree
ORDER BY (account_id, workflow_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS facts_time_spans_mv TO facts_time_spans AS
SELECT account_id, workflow_id,
       max(greatest(abs(toUnixTimestamp64Milli(ifNull(completed_at, enrolled_at)) - toUnixTimestamp64Milli(enrolled_at)),
                    abs(toUnixTimestamp64Milli(ifNull(goal_achieved_at, enrolled_at)) - toUnixTimestamp64Milli(enrolled_at)))) AS max_span_ms
FROM execution_facts
GROUP BY account_id, workflow_id;

-- The facts already written (a maximum: running this twice changes nothing).
INSERT INTO facts_time_spans
SELECT account_id, workflow_id,
       max(greatest(abs(toUnixTimestamp64Milli(ifNull(completed_at, enrolled_at)) - toUnixTimestamp64Milli(enrolled_at)),
                    abs(toUnixTimestamp64Milli(ifNull(goal_achieved_at, enrolled_at)) - toUnixTimestamp64Milli(enrolled_at)))) AS max_span_ms
FROM execution_facts
GROUP BY account_id, workflow_id;
