-- Accounts, API keys, the workflow catalog and jobs: small replacing tables; read with FINAL.
CREATE TABLE IF NOT EXISTS accounts
(
    account_id String,
    name       String,
    settings   String DEFAULT '{}',
    created_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY account_id;

CREATE TABLE IF NOT EXISTS api_keys
(
    key_hash    String,
    key_id      String,
    account_id  String,
    name        String,
    role        LowCardinality(String),
    user_id     String,
    is_operator UInt8,
    prefix      String,
    created_at  DateTime64(3, 'UTC'),
    expires_at  Nullable(DateTime64(3, 'UTC')),
    revoked_at  Nullable(DateTime64(3, 'UTC')),
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY key_hash;

CREATE TABLE IF NOT EXISTS workflows
(
    account_id       String,
    workflow_id      String,
    version          UInt32,
    name             String,
    owner_user_id    String,
    steps            String,
    time_saved_seconds_per_execution Nullable(Float64),
    value_per_conversion_usd         Nullable(Float64),
    registered_at    DateTime64(3, 'UTC'),
    updated_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, workflow_id, version);

-- Workflows seen in events (first/last event time), kept by ClickHouse.
CREATE TABLE IF NOT EXISTS workflows_seen
(
    account_id  LowCardinality(String),
    workflow_id String,
    versions    SimpleAggregateFunction(groupUniqArrayArray, Array(UInt32)),
    first_event SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_event  SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    events      SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY (account_id, workflow_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS workflows_seen_mv TO workflows_seen AS
SELECT account_id, workflow_id, groupUniqArray(workflow_version) AS versions,
       min(ts) AS first_event, max(ts) AS last_event, count() AS events
FROM events
WHERE workflow_id != ''
GROUP BY account_id, workflow_id;

CREATE TABLE IF NOT EXISTS jobs
(
    job_id      String,
    account_id  String,
    kind        LowCardinality(String),
    status      LowCardinality(String),
    progress    Float64,
    params      String,
    result      String,
    error       String,
    created_at  DateTime64(3, 'UTC'),
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY job_id;
