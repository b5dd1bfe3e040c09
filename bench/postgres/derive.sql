-- The load after COPY: what the workflow service and the seed's aggregation worker would have written.
-- Executions per CONTRACT §5 (the same rules as Flowlens' execution_state).
-- added: the funnel's join from the cohort to its step events
CREATE INDEX idx_step_events_execution ON workflow_step_events (execution_id, step_id);

INSERT INTO workflow_executions (id, workflow_id, contact_id, status, current_step_id, enrolled_at, completed_at,
                                 goal_achieved_at, enrollment_source, exit_reason, goal_type)
SELECT x.execution_id, x.workflow_id, x.contact_id, x.status,
       CASE WHEN x.status = 'active' THEN (
         SELECT s.step_id FROM workflow_step_events s
         WHERE s.execution_id = x.execution_id AND s.event_type = 'step.started'
         ORDER BY s.occurred_at DESC, s.step_id DESC LIMIT 1) END,
       x.enrolled_at,
       CASE WHEN x.status IN ('completed', 'goal_achieved') THEN coalesce(x.completed_raw, x.first_goal) END,
       x.first_goal, x.enrollment_source,
       CASE WHEN x.status = 'exited' THEN x.terminal_detail END,
       x.goal_type
FROM (
  SELECT execution_id, workflow_id, enrolled_at, contact_id, enrollment_source, completed_raw, first_goal, goal_type,
         terminal_detail,
         CASE WHEN goals > 0 THEN 'goal_achieved'
              WHEN terminal = 'execution.completed' THEN 'completed'
              WHEN terminal = 'execution.exited' THEN 'exited'
              WHEN terminal = 'execution.failed' THEN 'error'
              ELSE 'active' END AS status
  FROM (
    SELECT execution_id,
           max(workflow_id) AS workflow_id,
           min(ts) FILTER (WHERE type = 'execution.started') AS enrolled_at,
           max(contact_id) AS contact_id,
           max(enrollment_source) AS enrollment_source,
           min(ts) FILTER (WHERE type = 'execution.completed') AS completed_raw,
           min(ts) FILTER (WHERE type = 'goal.achieved') AS first_goal,
           count(*) FILTER (WHERE type = 'goal.achieved') AS goals,
           min(detail) FILTER (WHERE type = 'goal.achieved') AS goal_type,
           -- latest terminal event by time (ties: completed > failed > exited, as Flowlens)
           (array_agg(type ORDER BY ts DESC, CASE type WHEN 'execution.completed' THEN 3 WHEN 'execution.failed' THEN 2 ELSE 1 END DESC)
              FILTER (WHERE type IN ('execution.completed', 'execution.exited', 'execution.failed')))[1] AS terminal,
           (array_agg(detail ORDER BY ts DESC, CASE type WHEN 'execution.completed' THEN 3 WHEN 'execution.failed' THEN 2 ELSE 1 END DESC)
              FILTER (WHERE type IN ('execution.completed', 'execution.exited', 'execution.failed')))[1] AS terminal_detail
    FROM execution_events_staging
    GROUP BY execution_id
  ) a
  WHERE enrolled_at IS NOT NULL
) x;

-- Per step and UTC day. A completion or failure without duration_ms gets the time since the step's first
-- step.started in that execution (none when that start is later), as CONTRACT §6 and Flowlens do.
INSERT INTO workflow_step_metrics (workflow_id, step_id, date, entered, completed, dropped_off, step_conversion_rate,
                                   average_time_in_step_seconds, executions, successes, failures, step_type, action_type,
                                   duration_sum_ms, duration_n)
SELECT workflow_id, step_id, date, entered, completed, greatest(entered - completed, 0),
       CASE WHEN entered > 0 THEN least(round(100.0 * completed / entered, 2), 999.99) END,
       CASE WHEN duration_n > 0 THEN round(duration_sum_ms / duration_n / 1000) END,
       completed + failed, completed, failed, step_type, action_type, duration_sum_ms, duration_n
FROM (
  SELECT e.workflow_id, e.step_id, (e.occurred_at AT TIME ZONE 'UTC')::date AS date,
         max(e.step_type) AS step_type, max(e.action_type) AS action_type,
         count(*) FILTER (WHERE e.event_type = 'step.started') AS entered,
         count(*) FILTER (WHERE e.event_type = 'step.completed') AS completed,
         count(*) FILTER (WHERE e.event_type = 'step.failed') AS failed,
         coalesce(sum(coalesce(e.duration_ms, CASE WHEN s.first_start <= e.occurred_at THEN extract(epoch FROM e.occurred_at - s.first_start) * 1000 END))
                    FILTER (WHERE e.event_type <> 'step.started'), 0) AS duration_sum_ms,
         count(coalesce(e.duration_ms, CASE WHEN s.first_start <= e.occurred_at THEN 0 END))
                    FILTER (WHERE e.event_type <> 'step.started') AS duration_n
  FROM workflow_step_events e
  LEFT JOIN LATERAL (
    SELECT min(f.occurred_at) AS first_start FROM workflow_step_events f
    WHERE e.duration_ms IS NULL AND e.event_type <> 'step.started'
      AND f.execution_id = e.execution_id AND f.step_id = e.step_id AND f.event_type = 'step.started'
  ) s ON true
  GROUP BY 1, 2, 3
) d;

INSERT INTO workflow_analytics (workflow_id, date, new_enrollments, completions, conversions)
SELECT workflow_id, date, sum(e), sum(c), sum(v) FROM (
  SELECT workflow_id, (enrolled_at AT TIME ZONE 'UTC')::date AS date, 1 AS e, 0 AS c, 0 AS v FROM workflow_executions
  UNION ALL
  SELECT workflow_id, (completed_at AT TIME ZONE 'UTC')::date, 0, 1, 0 FROM workflow_executions WHERE status IN ('completed', 'goal_achieved')
  UNION ALL
  SELECT workflow_id, (goal_achieved_at AT TIME ZONE 'UTC')::date, 0, 0, 1 FROM workflow_executions WHERE status = 'goal_achieved'
) u GROUP BY 1, 2;

DROP TABLE execution_events_staging;

-- The seed's indexes (001, "Indexing Strategy")
CREATE INDEX idx_workflow_analytics_workflow_date ON workflow_analytics (workflow_id, date DESC);
CREATE INDEX idx_step_metrics_workflow_step ON workflow_step_metrics (workflow_id, step_id, date DESC);
CREATE INDEX idx_executions_workflow_status ON workflow_executions (workflow_id, status, enrolled_at DESC);
CREATE INDEX idx_executions_active ON workflow_executions (workflow_id, current_step_id) WHERE status = 'active';
-- added: a cohort is a range of enrolled_at over every status
CREATE INDEX idx_executions_workflow_enrolled ON workflow_executions (workflow_id, enrolled_at);

VACUUM ANALYZE workflow_executions;
VACUUM ANALYZE workflow_step_events;
VACUUM ANALYZE workflow_step_metrics;
VACUUM ANALYZE workflow_analytics;
