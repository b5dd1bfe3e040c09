-- Secrets shared by every instance on the same store (e.g. the key that signs stream tokens).
CREATE TABLE IF NOT EXISTS server_secrets
(
    name       String,
    value      String,
    created_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(created_at)
ORDER BY name;
