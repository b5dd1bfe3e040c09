/** Execution statistics across the caller's workflows: per bucket, summary, errors. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { previousPeriod } from '../../../metrics/period.js';
import { errorsReport } from '../../../metrics/platform/errors.js';
import { executionSeries, executionSummary, GROUP_BYS } from '../../../metrics/platform/executions.js';
import { PeriodOut, PeriodParams, readConfig, WorkflowFilter, type PlatformContext } from './common.js';
import { changePercent, ErrorsResponse, ExecutionsResponse, ExecutionSummaryResponse } from '../../../contract/index.js';

const tags = ['platform analytics'];
const one = (id: string | undefined) => (id === undefined ? undefined : [id]);

export const executionRoutes = (ctx: PlatformContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/analytics/executions',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Executions per bucket, optionally split by workflow, trigger type, status or version',
          description: 'Executions enrolled (execution.started) in each bucket of the period, with their current outcome: succeeded (completed or goal_achieved), failed (error), exited, active. Empty buckets are zeros. With groupBy, one series per group, largest first. Counts every workflow the key may read, or only workflow_id.',
          querystring: Type.Object({ ...PeriodParams, ...WorkflowFilter, groupBy: Type.Optional(Type.Union(GROUP_BYS.map((g) => Type.Literal(g)), { description: 'workflow | trigger_type | status | version' })) }, { additionalProperties: false }),
          response: { 200: ExecutionsResponse },
        },
      },
      async (request) => {
        const { target, period } = await ctx.prepare(request, one(request.query.workflow_id));
        const body = await ctx.cached('executions', target, period, request.query.groupBy ?? null, () => executionSeries(ctx.deps.store, target, period, request.query.groupBy));
        return { period: PeriodOut(period), workflows: target.workflows, ...body };
      },
    );

    app.get(
      '/api/v1/analytics/executions/summary',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Execution totals, success and failure rates, durations',
          description: 'Over executions enrolled in the period: total, succeeded, failed, exited, active, success_rate = succeeded ÷ total × 100, failure_rate = failed ÷ total × 100 (2 decimals), duration (enrolment to completion, seconds) mean/p50/p95 over succeeded executions, and executions per trigger type. compare=previous_period adds the period before and the change in percent.',
          querystring: Type.Object({ ...PeriodParams, ...WorkflowFilter, compare: Type.Optional(Type.Union([Type.Literal('previous_period'), Type.Literal('none')])) }, { additionalProperties: false }),
          response: { 200: ExecutionSummaryResponse },
        },
      },
      async (request) => {
        const { target, period } = await ctx.prepare(request, one(request.query.workflow_id));
        const compare = request.query.compare === 'previous_period';
        return ctx.cached('executions.summary', target, period, compare, async () => {
          const summary = await executionSummary(ctx.deps.store, target, period);
          const body: ExecutionSummaryResponse = { period: PeriodOut(period), workflows: target.workflows, summary };
          if (compare) {
            const prev = previousPeriod(period);
            const before = await executionSummary(ctx.deps.store, target, prev);
            const keys = ['executions', 'succeeded', 'failed', 'success_rate', 'failure_rate'] as const;
            body.comparison = {
              period: PeriodOut(prev),
              summary: before,
              change_percent: {
                ...Object.fromEntries(keys.map((k) => [k, changePercent(summary[k], before[k])])),
                duration_mean_seconds: changePercent(summary.duration_seconds.mean, before.duration_seconds.mean),
              },
            };
          }
          return body;
        });
      },
    );

    app.get(
      '/api/v1/analytics/executions/errors',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Errors grouped by type and message',
          description: 'Every execution.failed and step.failed whose own time is in the period: per error type (occurrences, share, executions, distinct messages, workflows, first and last seen in the period), per type + message (first 500 characters) + source (execution | step) with the workflows and steps affected (top `limit`, default 50; `places` names them as the catalog does), and errors per bucket. Each failure is also counted once (`failures`, `total_failures`): an execution.failed that follows a step.failed of the same execution is that step\'s failure, counted under the step\'s (more specific) error type and not again under its own; types are ordered by failures.',
          querystring: Type.Object({ ...PeriodParams, ...WorkflowFilter, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }, { additionalProperties: false }),
          response: { 200: ErrorsResponse },
        },
      },
      async (request) => {
        const { target, period } = await ctx.prepare(request, one(request.query.workflow_id));
        const limit = request.query.limit ?? 50;
        const body = await ctx.cached('executions.errors', target, period, limit, () => errorsReport(ctx.deps.store, target, period, limit));
        return { period: PeriodOut(period), workflows: target.workflows, ...body };
      },
    );
  };
