-- Integrations with outside services (src/integrations): the configured connections (one row per integration,
-- replaced on every change; credentials AES-256-GCM encrypted, src/integrations/secrets.ts), every sync run with its
-- progress, cursors (a run starts from the last finished run's cursor_after), counts and report (replaced as it moves queued → running → succeeded | failed), and the records
-- the syncs brought in (contacts, deals, leads, opportunities, GA4 traffic days), one current row per record.
CREATE TABLE IF NOT EXISTS integrations
(
    account_id       String,
    id               String,
    kind             LowCardinality(String),   -- ga4 | hubspot | salesforce
    name             String,
    config           Map(String, String),
    credentials_enc  String,                   -- base64 of iv ‖ tag ‖ AES-256-GCM ciphertext of the credentials JSON
    schedule_minutes UInt32,                   -- 0: on demand only
    enabled          UInt8,
    created_at       DateTime64(3, 'UTC'),
    updated_at       DateTime64(3, 'UTC'),
    is_deleted       UInt8
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, id);

CREATE TABLE IF NOT EXISTS integration_runs
(
    account_id           String,
    run_id               String,
    integration_id       String,
    trigger              LowCardinality(String),   -- schedule | manual
    status               LowCardinality(String),   -- queued | running | succeeded | failed
    progress             Float64,                  -- 0 … 1
    started_at           DateTime64(3, 'UTC'),
    finished_at          Nullable(DateTime64(3, 'UTC')),
    cursor_before        Map(String, String),
    cursor_after         Map(String, String),
    -- per object (contact, deal, lead, opportunity, traffic_day)
    fetched              Map(String, UInt64),
    inserted             Map(String, UInt64),
    updated              Map(String, UInt64),
    unchanged            Map(String, UInt64),
    conflicts_resolved   Map(String, UInt64),
    duplicates           Map(String, UInt64),
    missing_ids          Map(String, UInt64),
    clock_skew           Map(String, UInt64),
    rate_limited_retries UInt64,
    pushed               UInt64,
    push_rejected        UInt64,
    error                String,
    report               String,                   -- JSON: src/integrations/sync.ts RunReport
    updated_at           DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, integration_id, run_id);

-- One current row per outside record (the latest sync's, synced_at); fields as strings, with each field's
-- modification time as the conflict rule kept it (per field last-modified-wins, docs in src/integrations/sync.ts).
CREATE TABLE IF NOT EXISTS external_records
(
    account_id        String,
    integration_id    String,
    kind              LowCardinality(String),
    object            LowCardinality(String),
    external_id       String,
    contact_key       String,
    modified_at       DateTime64(3, 'UTC'),
    fields            Map(String, String),
    field_modified_at Map(String, DateTime64(3, 'UTC')),
    amount            Nullable(Float64),
    currency          LowCardinality(String),
    closed_won_at     Nullable(DateTime64(3, 'UTC')),
    synced_at         DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(synced_at)
ORDER BY (account_id, integration_id, object, external_id);
