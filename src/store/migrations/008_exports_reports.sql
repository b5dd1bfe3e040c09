-- Export history (every export, streamed or stored as a file by a job), scheduled reports and their runs.
CREATE TABLE IF NOT EXISTS exports
(
    export_id   String,
    account_id  String,
    workflow_id String,
    format      LowCardinality(String),
    dataset     LowCardinality(String),
    params      String,
    mode        LowCardinality(String),   -- streamed | file
    status      LowCardinality(String),   -- queued | running | succeeded | failed | streamed
    rows        UInt64,
    bytes       UInt64,
    file        String,
    error       String,
    key_id      String,
    job_id      String,
    created_at  DateTime64(3, 'UTC'),
    expires_at  Nullable(DateTime64(3, 'UTC')),
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, export_id);

CREATE TABLE IF NOT EXISTS reports
(
    report_id   String,
    account_id  String,
    definition  String,                   -- JSON: name, workflow_id, template, formats, schedule, recipients
    created_by  String,
    created_at  DateTime64(3, 'UTC'),
    updated_at  DateTime64(3, 'UTC'),
    is_deleted  UInt8
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, report_id);

-- One row per (report, period it covers); the claim is written before sending, so a period is sent at
-- most once, also across restarts.
CREATE TABLE IF NOT EXISTS report_runs
(
    report_id   String,
    account_id  String,
    period_key  String,
    status      LowCardinality(String),   -- sending | sent | failed
    attempts    UInt32,
    error       String,
    recipients  Array(String),
    attachments Array(String),
    started_at  DateTime64(3, 'UTC'),
    finished_at Nullable(DateTime64(3, 'UTC')),
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, report_id, period_key);
