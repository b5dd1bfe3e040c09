-- Dashboard sign-in sessions: the browser holds a random id in an HTTP-only cookie; only its hash is
-- stored. A session acts with the rights of the key it was opened with; signing out (or revoking the key)
-- ends it.
CREATE TABLE IF NOT EXISTS sessions
(
    session_hash String,
    key_id       String,
    account_id   LowCardinality(String),
    created_at   DateTime64(3, 'UTC'),
    expires_at   DateTime64(3, 'UTC'),
    ended_at     Nullable(DateTime64(3, 'UTC')),
    updated_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY session_hash
TTL toDateTime(expires_at) + INTERVAL 1 DAY;
