-- The seed's PostgreSQL design (seeds 000 "Data Model" and 001 "Database Design"), used only as a
-- benchmark reference. Where the seed's tables cannot give CONTRACT §6's figures, a column or table is
-- added and marked "added:". IDs are TEXT because the demo's ids are not UUIDs.

-- The workflow catalog the seed's foreign keys point at (step names and order for funnel and actions).
CREATE TABLE workflow_steps (
  workflow_id TEXT NOT NULL,
  step_id     TEXT NOT NULL,
  name        TEXT NOT NULL,
  step_order  INTEGER NOT NULL,
  type        TEXT NOT NULL,
  action_type TEXT,
  PRIMARY KEY (workflow_id, step_id)
);

-- WorkflowExecution entity ("for real-time tracking"): one row per execution.
CREATE TABLE workflow_executions (
  id                TEXT PRIMARY KEY,
  workflow_id       TEXT NOT NULL,
  contact_id        TEXT,
  status            TEXT NOT NULL CHECK (status IN ('active', 'completed', 'goal_achieved', 'exited', 'error')),
  current_step_id   TEXT,
  enrolled_at       TIMESTAMPTZ NOT NULL,
  completed_at      TIMESTAMPTZ,
  goal_achieved_at  TIMESTAMPTZ,
  enrollment_source TEXT CHECK (enrollment_source IN ('trigger', 'bulk', 'api', 'manual')),
  exit_reason       TEXT,
  goal_type         TEXT  -- added: goal_breakdown counts cohort executions by goal type
);

-- added: the step table at event granularity. The seed's workflow_step_metrics is per step and day of
-- the step event, which cannot answer CONTRACT §6's cohort funnel (steps of the executions enrolled in
-- the period, whenever their step events happened); the funnel joins the cohort to these rows.
CREATE TABLE workflow_step_events (
  execution_id TEXT NOT NULL,
  workflow_id  TEXT NOT NULL,
  step_id      TEXT NOT NULL,
  step_type    TEXT NOT NULL,
  action_type  TEXT,
  event_type   TEXT NOT NULL,  -- step.started | step.completed | step.failed
  occurred_at  TIMESTAMPTZ NOT NULL,
  duration_ms  DOUBLE PRECISION
);

-- WorkflowStepMetrics entity: per step and UTC day (of the step event), written by the aggregation worker.
CREATE TABLE workflow_step_metrics (
  id           BIGSERIAL PRIMARY KEY,
  workflow_id  TEXT NOT NULL,
  step_id      TEXT NOT NULL,
  date         DATE NOT NULL,
  entered      INTEGER NOT NULL,
  completed    INTEGER NOT NULL,
  dropped_off  INTEGER NOT NULL,
  step_conversion_rate DECIMAL(5,2),
  average_time_in_step_seconds INTEGER,
  executions   INTEGER NOT NULL,
  successes    INTEGER NOT NULL,
  failures     INTEGER NOT NULL,
  step_type    TEXT,              -- added: actions are the steps of type 'action'
  action_type  TEXT,              -- added
  duration_sum_ms DOUBLE PRECISION NOT NULL,  -- added: an exact mean over days needs sum and count,
  duration_n      INTEGER NOT NULL,           --        not a per-day rounded average
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- WorkflowAnalytics entity: per workflow and UTC day.
CREATE TABLE workflow_analytics (
  id              BIGSERIAL PRIMARY KEY,
  workflow_id     TEXT NOT NULL,
  date            DATE NOT NULL,
  new_enrollments INTEGER NOT NULL,
  completions     INTEGER NOT NULL,  -- added: trends count completions and conversions by their own day
  conversions     INTEGER NOT NULL,  -- added
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Staging for the execution-level events (execution.*, goal.achieved) the workflow service would have
-- applied to workflow_executions one by one; dropped after the load.
CREATE UNLOGGED TABLE execution_events_staging (
  execution_id      TEXT NOT NULL,
  workflow_id       TEXT NOT NULL,
  type              TEXT NOT NULL,
  ts                TIMESTAMPTZ NOT NULL,
  contact_id        TEXT,
  enrollment_source TEXT,
  detail            TEXT  -- exit_reason of execution.exited, goal_type of goal.achieved
);
