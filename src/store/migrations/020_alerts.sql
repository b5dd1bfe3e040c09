-- Alerting (src/alerts): rules, the alerts they raise (cost budgets' too: a budget is a rule of the engine) (one row per alert, replaced as it moves from pending to
-- firing to resolved), every transition, the notification claims (written before sending: at most once, also across
-- restarts), every delivery attempt, and silences.
CREATE TABLE IF NOT EXISTS alert_rules
(
    account_id  String,
    rule_id     String,
    definition  String,                   -- JSON: src/alerts/rules.ts AlertRule
    updated_at  DateTime64(3, 'UTC'),
    is_deleted  UInt8
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, rule_id);

CREATE TABLE IF NOT EXISTS alerts
(
    account_id      String,
    alert_id        String,
    rule_id         String,
    scope_key       String,               -- the workflow watched, or '' for the account's workflows together
    status          LowCardinality(String),   -- pending | firing | resolved | cancelled
    started_at      DateTime64(3, 'UTC'),
    fired_at        Nullable(DateTime64(3, 'UTC')),
    resolved_at     Nullable(DateTime64(3, 'UTC')),
    acknowledged_at Nullable(DateTime64(3, 'UTC')),
    acknowledged_by String,
    bucket          DateTime64(3, 'UTC'),  -- the bucket last judged
    value           Nullable(Float64),
    expected        Nullable(Float64),
    lower           Nullable(Float64),
    upper           Nullable(Float64),
    score           Nullable(Float64),
    summary         String,
    details         String,               -- JSON, by kind of rule: a budget's month, threshold, trigger, amounts and delivery outcome
    updated_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, alert_id);

CREATE TABLE IF NOT EXISTS alert_history
(
    account_id  String,
    alert_id    String,
    at          DateTime64(3, 'UTC'),
    from_status LowCardinality(String),
    to_status   LowCardinality(String),
    value       Nullable(Float64),
    expected    Nullable(Float64),
    summary     String
)
ENGINE = MergeTree
ORDER BY (account_id, alert_id, at);

CREATE TABLE IF NOT EXISTS alert_notifications
(
    account_id  String,
    alert_id    String,
    kind        LowCardinality(String),   -- firing | resolved
    claimed_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(claimed_at)
ORDER BY (account_id, alert_id, kind);

CREATE TABLE IF NOT EXISTS alert_deliveries
(
    account_id  String,
    alert_id    String,
    kind        LowCardinality(String),
    channel     LowCardinality(String),   -- email | slack | webhook
    target      String,
    attempt     UInt8,
    at          DateTime64(3, 'UTC'),
    ok          UInt8,
    status      Nullable(Int32),
    error       String,
    duration_ms UInt32
)
ENGINE = MergeTree
ORDER BY (account_id, alert_id, at);

CREATE TABLE IF NOT EXISTS alert_silences
(
    account_id  String,
    silence_id  String,
    definition  String,                   -- JSON: matchers, starts_at, ends_at, comment, created_by
    ends_at     DateTime64(3, 'UTC'),
    updated_at  DateTime64(3, 'UTC'),
    is_deleted  UInt8
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, silence_id);
