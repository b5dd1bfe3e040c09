-- When each execution ended (completed or converted, failed, exited; null while active), so that cohort
-- matrices (src/metrics/cohorts.ts) can say in which period after enrolment an execution failed or stopped
-- being active. Written with the facts from now on (src/store/execution-facts.ts); facts written before this
-- migration have none, and the cohorts read their last received time instead for an ended execution.
ALTER TABLE execution_facts ADD COLUMN IF NOT EXISTS ended_at Nullable(DateTime64(3, 'UTC'));
