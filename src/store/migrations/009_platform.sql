-- Platform analytics (issue 8): monthly cost budgets per account or workflow, and the alerts raised
-- when spend (actual or forecast) crosses a budget's thresholds.
-- One row per account holding its whole list of budgets (JSON); the newest row wins (read with FINAL).
CREATE TABLE IF NOT EXISTS cost_budgets
(
    account_id String,
    budgets    String,
    updated_by String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY account_id;

-- One alert per budget, month and threshold: written ('sending') before anything is sent, so an
-- alert is sent at most once, also across restarts; then updated with what each channel answered.
CREATE TABLE IF NOT EXISTS cost_budget_alerts
(
    account_id       String,
    budget_id        String,
    month            String,
    threshold        UInt16,
    alert_id         String,
    workflow_id      String,
    trigger          LowCardinality(String),
    budget_usd       Float64,
    spent_usd        Float64,
    forecast_usd     Float64,
    raised_at        DateTime64(3, 'UTC'),
    webhook_status   String,
    email_status     String,
    updated_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, budget_id, month, threshold);
