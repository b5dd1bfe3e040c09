/** Workflow performance: one workflow's trends and steps, workflows or versions compared, rankings, ROI. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { roiReport } from '../../../metrics/platform/roi.js';
import { roiAssumptions } from '../../../metrics/platform/roi-assumptions.js';
import { stepsReport } from '../../../metrics/platform/steps.js';
import { comparison, performance, rankings } from '../../../metrics/platform/workflows.js';
import type { Target } from '../../../metrics/platform/target.js';
import { filtersOut, onlyFilters } from '../../../metrics/scope.js';
import { badRequest } from '../../problem.js';
import { VersionFilter } from '../../schemas.js';
import { PeriodOut, PeriodParams, readConfig, WorkflowFilter, workflowReadConfig, type PlatformContext } from './common.js';
import { ComparisonResponse, PerformanceResponse, RankingsResponse, RoiResponse, StepsResponse, WorkflowId } from '../../../contract/index.js';

const tags = ['platform analytics'];
const Filters = VersionFilter;
const HourlyRate = { hourly_rate_usd: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6, description: 'values time saved at this rate (USD per hour) in value_generated_usd' })) };

/** A comma-separated list parameter: distinct, non-empty items, at most `max`. */
function list(value: string, param: string, max: number): string[] {
  const items = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  if (items.length === 0 || items.length > max) throw badRequest(`${param}: give 1 to ${max} comma-separated values`, [{ path: `/${param}`, message: `1 to ${max} comma-separated values` }]);
  if (items.some((s) => s.length > 128)) throw badRequest(`${param}: an id is longer than 128 characters`, [{ path: `/${param}`, message: 'ids are at most 128 characters' }]);
  return items;
}

export const workflowPerformanceRoutes = (ctx: PlatformContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/analytics/workflows/:workflow_id/performance',
      {
        config: workflowReadConfig,
        schema: {
          tags,
          params: WorkflowId,
          summary: 'Performance trend of one workflow',
          description: 'Over executions enrolled in the period, in total and per bucket (empty buckets are zeros): executions, outcomes, success/failure/conversion rates, duration mean/p50/p95 (enrolment to completion, seconds, over completed executions), cost per execution; and the workflow\'s ROI (see /api/v1/analytics/roi).',
          querystring: Type.Object({ ...PeriodParams, ...Filters, ...HourlyRate }, { additionalProperties: false }),
          response: { 200: PerformanceResponse },
        },
      },
      async (request) => {
        const { target: base, period } = await ctx.prepare(request, [request.params.workflow_id]);
        const q = request.query;
        const target: Target = { ...base, ...onlyFilters(q) };
        const settings = await ctx.deps.accountSettings.get(target.account);
        // the account's assumptions are part of the question: a change to them is a new answer
        return ctx.cached('performance', target, period, [q.hourly_rate_usd ?? null, settings.roi_hourly_rate_usd ?? null, settings.roi_time_saved ?? []], async () => {
          const [perf, roi] = await Promise.all([performance(ctx.deps.store, target, period), roiReport(ctx.deps.store, target, period, roiAssumptions(settings, q.hourly_rate_usd))]);
          return {
            workflow_id: request.params.workflow_id,
            period: PeriodOut(period),
            filters: filtersOut(target),
            totals: perf.totals,
            roi: roi.workflows[0] ?? null,
            trends: perf.trends,
          };
        });
      },
    );

    app.get(
      '/api/v1/analytics/workflows/:workflow_id/steps',
      {
        config: workflowReadConfig,
        schema: {
          tags,
          params: WorkflowId,
          summary: 'Step timing, failure rates and the bottleneck of one workflow',
          description: 'Every step event whose own time is in the period, per step (catalog order): started, completed, failed, skipped, failure_rate = failed ÷ (completed + failed) × 100, duration_ms mean/p50/p95 (exact; duration_ms when sent, else the time since the step started), total time and its share. bottleneck_step: the most total time, wait steps aside; slowest_step_p95; most_failing_step.',
          querystring: Type.Object({ ...PeriodParams, ...Filters }, { additionalProperties: false }),
          response: { 200: StepsResponse },
        },
      },
      async (request) => {
        const { target: base, period } = await ctx.prepare(request, [request.params.workflow_id]);
        const q = request.query;
        const target: Target = { ...base, ...onlyFilters(q) };
        const body = await ctx.cached('steps', target, period, null, () => stepsReport(ctx.deps.store, target, period));
        return { workflow_id: request.params.workflow_id, period: PeriodOut(period), filters: filtersOut(target), ...body };
      },
    );

    app.get(
      '/api/v1/analytics/workflows/comparison',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Workflows, or versions of one workflow, side by side',
          description: 'Either workflow_ids=a,b,c (2 to 10 workflows) or workflow_id=x&versions=1,2 (2 to 10 versions). Each item: the figures of /performance over the period (cohort) and a trend per bucket. Every workflow named must be readable by the key (else 403; unknown: 404).',
          querystring: Type.Object({
            ...PeriodParams,
            workflow_ids: Type.Optional(Type.String({ maxLength: 2000, description: 'comma-separated workflow ids' })),
            workflow_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'with versions: the workflow whose versions are compared' })),
            versions: Type.Optional(Type.String({ maxLength: 200, pattern: '^[0-9]+(,[0-9]+)*$', description: 'comma-separated version numbers' })),
          }, { additionalProperties: false }),
          response: { 200: ComparisonResponse },
        },
      },
      async (request) => {
        const q = request.query;
        let named: string[];
        let versions: number[] | null = null;
        if (q.workflow_ids !== undefined && (q.workflow_id !== undefined || q.versions !== undefined)) {
          throw badRequest('give either workflow_ids, or workflow_id and versions', [{ path: '/workflow_ids', message: 'not together with workflow_id or versions' }]);
        } else if (q.workflow_ids !== undefined) named = list(q.workflow_ids, 'workflow_ids', 10);
        else if (q.workflow_id !== undefined && q.versions !== undefined) {
          named = [q.workflow_id];
          versions = [...new Set(list(q.versions, 'versions', 10).map(Number))];
          if (versions.some((v) => v < 1 || v > 1_000_000)) throw badRequest('versions: numbers from 1', [{ path: '/versions', message: 'versions are numbers from 1' }]);
        } else throw badRequest('give workflow_ids, or workflow_id and versions', [{ path: q.workflow_id !== undefined ? '/versions' : '/workflow_ids', message: 'required' }]);
        const param = versions ? 'workflow_id' : 'workflow_ids';
        const { target, period } = await ctx.prepare(request, named, param);
        const items = await ctx.cached('comparison', target, period, versions, () => comparison(ctx.deps.store, target, period, versions));
        return { period: PeriodOut(period), compared: versions ? 'versions' : 'workflows', items };
      },
    );

    app.get(
      '/api/v1/analytics/workflows/rankings',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Slowest, most failing, most used and most costly workflows',
          description: 'Over executions enrolled in the period, across the workflows the key may read: slowest (mean duration of completed executions, seconds), most_failing (failure rate among workflows with at least min_executions, default 1), most_used (executions), most_costly (USD of those executions). Each list holds the top `limit` (default 10); `value` is what it is ranked by.',
          querystring: Type.Object({
            ...PeriodParams,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
            min_executions: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
          }, { additionalProperties: false }),
          response: { 200: RankingsResponse },
        },
      },
      async (request) => {
        const { target, period } = await ctx.prepare(request, undefined);
        const limit = request.query.limit ?? 10;
        const min = request.query.min_executions ?? 1;
        const body = await ctx.cached('rankings', target, period, [limit, min], () => rankings(ctx.deps.store, target, period, limit, min));
        return { period: PeriodOut(period), workflows: target.workflows, ...body };
      },
    );

    app.get(
      '/api/v1/analytics/roi',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Time saved, value generated, cost and ROI per workflow',
          description: 'Over executions enrolled in the period, with the catalog\'s time_saved_seconds_per_execution and value_per_conversion_usd of each execution\'s version — or the account\'s ROI assumptions (roi_time_saved and roi_hourly_rate_usd of /api/v1/account/settings): time_saved_hours = succeeded × time saved ÷ 3600; value_generated_usd = conversions × value per conversion (+ time saved × hourly rate: the request\'s hourly_rate_usd, else the account\'s); cost_usd = what those executions cost; roi_percent = (value − cost) ÷ cost × 100 (null without cost or without value settings). Sorted by ROI.',
          querystring: Type.Object({ ...PeriodParams, ...WorkflowFilter, ...HourlyRate }, { additionalProperties: false }),
          response: { 200: RoiResponse },
        },
      },
      async (request) => {
        const { target, period } = await ctx.prepare(request, request.query.workflow_id === undefined ? undefined : [request.query.workflow_id]);
        const rate = request.query.hourly_rate_usd;
        const settings = await ctx.deps.accountSettings.get(target.account);
        const body = await ctx.cached('roi', target, period, [rate ?? null, settings.roi_hourly_rate_usd ?? null, settings.roi_time_saved ?? []], () =>
          roiReport(ctx.deps.store, target, period, roiAssumptions(settings, rate)));
        return { period: PeriodOut(period), workflows_counted: target.workflows, ...body };
      },
    );
  };
