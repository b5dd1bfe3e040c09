-- Sharing (who may read a workflow besides its owner) and the audit log (CONTRACT §2).
CREATE TABLE IF NOT EXISTS workflow_access
(
    account_id  String,
    workflow_id String,
    user_ids    Array(String),
    updated_by  String,
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, workflow_id);

-- One row per audited request: who (key, user, role), what (action, method, path, workflow,
-- parameters), when, and the outcome. Read newest first by account.
CREATE TABLE IF NOT EXISTS audit_log
(
    account_id  LowCardinality(String),
    at          DateTime64(6, 'UTC'),
    entry_id    String,
    key_id      String,
    user_id     String,
    role        LowCardinality(String),
    action      LowCardinality(String),
    method      LowCardinality(String),
    path        String,
    workflow_id String,
    params      String,
    status      UInt16,
    outcome     LowCardinality(String),
    ip          String,
    duration_ms Float64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (account_id, at, entry_id);
