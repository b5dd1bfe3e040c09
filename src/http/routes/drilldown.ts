/**
 * Drill-down: `GET /api/v1/workflows/{id}/executions` — the executions behind a figure of the summary, funnel or
 * trends (the same period, timezone, version and variant, narrowed by status, exit reason, error type, source, goal,
 * a step and stage, an enrolment window), paged by cursor, or as CSV; and `GET …/executions/{execution_id}`, one
 * execution's timeline. The selection is src/metrics/drilldown.ts's; handlers parse and answer.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Readable } from 'node:stream';
import { principalOf } from '../../auth/principal.js';
import { ExecutionsPageResponse, ExecutionTimelineResponse } from '../../contract/index.js';
import { executionsCsv } from '../../exports/datasets.js';
import { actionRunsPage, DRILL_STATUSES, drillParams, drillSql, executionRow, executionsPage, timeline, type Drill } from '../../metrics/drilldown.js';
import { STEP_STAGES, type StepStage } from '../../metrics/funnel.js';
import { parsePeriod } from '../../metrics/period.js';
import { scopeOf } from '../../metrics/scope.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../problem.js';
import { PeriodParams, VersionFilter } from '../schemas.js';

const Text = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 256, description }));

const DrillQuery = Type.Object(
  {
    ...PeriodParams,
    ...VersionFilter,
    status: Type.Optional(Type.Union(DRILL_STATUSES.map((s) => Type.Literal(s)), { description: 'a status group of the metric catalog: active, succeeded (completed or converted), converted, exited, failed' })),
    exit_reason: Text('exited with this reason'),
    error_type: Text('failed with this error type'),
    enrollment_source: Text('enrolled from this source'),
    goal_type: Text('achieved a goal of this type'),
    step_id: Text('with stage: where the execution stands at this step'),
    stage: Type.Optional(Type.Union((Object.keys(STEP_STAGES) as StepStage[]).map((s) => Type.Literal(s)), { description: 'entered | completed | dropped_off | in_progress | exited | lost_after (lost between this step and the next: the next step\'s lost_before)' })),
    action_id: Text('the runs of this action (an action row of the actions panel: its step.completed and step.failed events by their own time in the period); alone or with outcome'),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')], { description: 'with action_id: only the successful or the failed runs (the row\'s successes, failures)' })),
    enrolled_from: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'and enrolled at or after this instant (a trend bucket\'s start)' })),
    enrolled_to: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'and before this one (the bucket\'s end)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 400, description: 'next_cursor of the previous page' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json', description: 'csv: every execution of the selection, streamed (the export\'s columns)' })),
  },
  { additionalProperties: false },
);

export const drilldownRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/workflows/:workflow_id/executions',
      {
        config: { access: { action: 'read', workflow: 'param' }, audit: 'executions.read', rateLimitGroup: 'analytics' as const },
        schema: {
          tags: ['analytics'],
          summary: 'The executions behind a figure (drill-down)',
          description: 'The cohort of the period (executions enrolled in it, as the summary and funnel count them), narrowed by status, exit reason, error type, enrollment source, goal type, a step and the stage of the funnel it was counted in, an enrolment window; newest first, paged by cursor (stable while events arrive). `total` equals the figure the selection was opened from. `format=csv` streams every execution of it.',
          params: Type.Object({ workflow_id: Type.String({ minLength: 1, maxLength: 128 }) }),
          querystring: DrillQuery,
          response: { 200: ExecutionsPageResponse },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const p = principalOf(request);
        const scope = scopeOf(p.accountId, request.params.workflow_id, q);
        const period = parsePeriod(q);
        if ((q.step_id === undefined) !== (q.stage === undefined)) throw badRequest('step_id and stage go together', [{ path: q.step_id === undefined ? '/step_id' : '/stage', message: 'give both, or neither' }]);
        if ((q.enrolled_from === undefined) !== (q.enrolled_to === undefined)) throw badRequest('enrolled_from and enrolled_to go together', [{ path: '/enrolled_to', message: 'give both, or neither' }]);
        if (q.outcome !== undefined && q.action_id === undefined) throw badRequest('outcome goes with action_id', [{ path: '/outcome', message: 'give action_id' }]);
        if (q.action_id !== undefined) {
          const cohortFilters = ['status', 'exit_reason', 'error_type', 'enrollment_source', 'goal_type', 'step_id', 'stage', 'enrolled_from', 'enrolled_to'].filter((k) => q[k as keyof typeof q] !== undefined);
          if (cohortFilters.length) throw badRequest('action_id lists an action\'s runs by their own time; it does not combine with the cohort\'s filters', cohortFilters.map((k) => ({ path: `/${k}`, message: 'not with action_id' })));
          if (q.format === 'csv') throw badRequest('The runs of an action are listed as JSON pages', [{ path: '/format', message: 'json with action_id' }]);
          await deps.derived.settled(p.accountId, scope.workflow);
          return actionRunsPage(deps.store, scope, period, { id: q.action_id, ...(q.outcome ? { outcome: q.outcome } : {}) }, q.limit ?? 100, q.cursor);
        }
        const order = q.stage === 'lost_after' ? ((await deps.queries.catalog(scope))?.steps ?? []).map((s) => s.step_id) : undefined;
        const drill: Drill = {
          ...(q.status ? { status: q.status } : {}),
          ...(q.exit_reason !== undefined ? { exit_reason: q.exit_reason } : {}),
          ...(q.error_type !== undefined ? { error_type: q.error_type } : {}),
          ...(q.enrollment_source !== undefined ? { enrollment_source: q.enrollment_source } : {}),
          ...(q.goal_type !== undefined ? { goal_type: q.goal_type } : {}),
          ...(q.step_id !== undefined && q.stage ? { step: { id: q.step_id, stage: q.stage, ...(order ? { order } : {}) } } : {}),
          ...(q.enrolled_from && q.enrolled_to ? { enrolled: { from: new Date(q.enrolled_from), to: new Date(q.enrolled_to) } } : {}),
        };
        await deps.derived.settled(p.accountId, scope.workflow);
        if (q.format === 'csv') {
          return reply
            .header('Content-Type', 'text/csv; charset=utf-8')
            .header('Content-Disposition', `attachment; filename="${scope.workflow.replace(/[^\w.-]+/g, '_')}-executions-${period.startDate}-${period.endDate}.csv"`)
            // a stream is piped as it is (the 200 schema describes the JSON answer, which the serializer writes)
            .send(Readable.from(executionsCsv(deps.store, scope, period, { rows: 0 }, { sql: drillSql(drill, 'f.'), params: drillParams(drill) })) as never);
        }
        return executionsPage(deps.store, scope, period, drill, q.limit ?? 100, q.cursor);
      },
    );

    app.get(
      '/api/v1/workflows/:workflow_id/executions/:execution_id',
      {
        config: { access: { action: 'read', workflow: 'param' }, audit: 'executions.read' },
        schema: {
          tags: ['analytics'],
          summary: 'One execution and its timeline',
          description: 'What the drill-down lists of the execution, and every event it had in time order: steps and actions with their outcomes, durations and costs, goals, the end.',
          params: Type.Object({ workflow_id: Type.String({ minLength: 1, maxLength: 128 }), execution_id: Type.String({ minLength: 1, maxLength: 256 }) }),
          response: { 200: ExecutionTimelineResponse },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const { workflow_id, execution_id } = request.params;
        await deps.derived.settled(p.accountId, workflow_id);
        const execution = await executionRow(deps.store, p.accountId, workflow_id, execution_id);
        if (!execution) throw notFound(`Execution ${execution_id} of workflow ${workflow_id} does not exist`);
        return { execution, events: await timeline(deps.store, p.accountId, workflow_id, execution_id, new Date(execution.enrolled_at)) };
      },
    );
  };
