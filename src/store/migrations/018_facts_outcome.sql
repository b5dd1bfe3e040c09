-- The summary groups a cohort by its outcome (status, exit reason, error type, enrollment source, goal
-- types) and folds the few dozen combinations. Grouping by those five columns (one an array) hashes them
-- for every execution; grouping by one LowCardinality column goes by its dictionary positions instead.
-- `outcome` is that column: the five values as a JSON array, computed by the engine on every facts write
-- (MATERIALIZED), so it can never disagree with them. Parts written before this migration get it from
-- the MATERIALIZE mutation below (until then the engine computes it as it reads them).
ALTER TABLE execution_facts ADD COLUMN IF NOT EXISTS outcome LowCardinality(String)
    MATERIALIZED toJSONString((status, exit_reason, error_type, enrollment_source, goal_types));
ALTER TABLE execution_facts MATERIALIZE COLUMN outcome;
