-- A/B experiments (src/experiments): their definitions and state, the contacts assigned, and the decisions taken.
CREATE TABLE IF NOT EXISTS experiments
(
    account_id    String,
    experiment_id String,
    workflow_id   String,
    status        LowCardinality(String),   -- draft | running | stopped | decided
    definition    String,                   -- JSON: the whole experiment (src/contract/comparison.ts ExperimentOut)
    updated_at    DateTime64(3, 'UTC'),
    is_deleted    UInt8
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, experiment_id);

-- One row per (experiment, contact): the variant last answered to POST /api/v1/experiments/{id}/assign.
CREATE TABLE IF NOT EXISTS experiment_assignments
(
    account_id    String,
    experiment_id String,
    contact_id    String,
    variant       String,
    reason        LowCardinality(String),   -- split | rollout
    assigned_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(assigned_at)
ORDER BY (account_id, experiment_id, contact_id);

-- Every decision (by the rule, by hand, a rollback) with the evidence it was taken on and how it was notified.
CREATE TABLE IF NOT EXISTS experiment_decisions
(
    account_id     String,
    experiment_id  String,
    decision_id    String,
    decided_at     DateTime64(3, 'UTC'),
    source         LowCardinality(String),   -- rule | manual | rollback
    winner         Nullable(String),
    rolled_out     UInt8,
    reasons        Array(String),
    evidence       String,                   -- JSON: the results the decision was taken on
    webhook_status String,
    email_status   String,
    updated_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (account_id, experiment_id, decision_id);
