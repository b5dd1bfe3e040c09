-- Backfill (events older than the raw window, issue 31) is written with an insert deduplication token, so that
-- a batch cut short by a crash is completed by inserting the same rows again with the same token: every table
-- the insert reaches (events and each table its materialized views feed) keeps a window of the tokens it saw
-- and adds the block only where it is missing. Other inserts carry no token and are never deduplicated
-- (insert_deduplicate = 0 on the connection, src/store/store.ts).
ALTER TABLE events MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE event_ids MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE execution_state MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE workflow_events_hourly MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE workflow_events_daily MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE workflow_events_monthly MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE workflows_seen MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE failure_events MODIFY SETTING non_replicated_deduplication_window = 1000;

ALTER TABLE cost_events MODIFY SETTING non_replicated_deduplication_window = 1000;
