-- Saved dashboards (src/dashboards): one row per dashboard, replaced on every change (its whole definition — widgets
-- with their grid positions and queries, shares, allowed embed origins — as JSON), and their public links, each
-- known only by the SHA-256 hash of its token (the token itself is shown once, when the link is made).
CREATE TABLE IF NOT EXISTS dashboards
(
    account_id   String,
    dashboard_id String,
    definition   String,                   -- JSON: src/dashboards/model.ts Dashboard
    updated_at   DateTime64(3, 'UTC'),
    is_deleted   UInt8
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, dashboard_id);

-- Looked up by token hash when a public link or an embed page is opened; listed per dashboard by its owner.
CREATE TABLE IF NOT EXISTS dashboard_links
(
    token_hash   String,                   -- hex SHA-256 of the token
    link_id      String,
    account_id   String,
    dashboard_id String,
    prefix       String,                   -- the token's first characters, to tell links apart
    created_by   String,
    created_at   DateTime64(3, 'UTC'),
    expires_at   Nullable(DateTime64(3, 'UTC')),
    revoked_at   Nullable(DateTime64(3, 'UTC')),
    updated_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY token_hash;
