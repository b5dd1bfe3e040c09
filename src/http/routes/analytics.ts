/**
 * SPEC-WFL-009 analytics (CONTRACT §6): summary + trends, funnel, actions, refresh; and job status.
 * Each handler parses the request and asks the metrics query service (src/metrics/query-service.ts), which
 * waits for settled data, answers from its cache by generation and shares the panels' common work.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AccessRule } from '../../auth/authorize.js';
import { principalOf } from '../../auth/principal.js';
import { ActionsResponse, FunnelResponse, JobOut, RefreshQueued, SummaryResponse, VersionsResponse, WorkflowId, type Equivalent } from '../../contract/index.js';
import type { Job } from '../../jobs/jobs.js';
import { queueRefresh } from '../../jobs/refresh.js';
import { parsePeriod } from '../../metrics/period.js';
import { scopeOf } from '../../metrics/scope.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../problem.js';
import { PeriodParams, VersionFilter } from '../schemas.js';

export const AnalyticsQuery = Type.Object(
  {
    ...PeriodParams,
    compare: Type.Optional(Type.Union([Type.Literal('previous_period'), Type.Literal('none')], { description: 'previous_period adds the same figures for the equally long period before' })),
    ...VersionFilter,
  },
  { additionalProperties: false },
);
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;


true satisfies Equivalent<Job, Static<typeof JobOut>>;

export const VersionsQuery = Type.Object(
  {
    ...PeriodParams,
    versions: Type.Optional(Type.String({ maxLength: 80, pattern: '^[1-9][0-9]{0,6}(,[1-9][0-9]{0,6}){1,9}$', description: 'two to ten versions, comma-separated, the first the baseline (default: every version with enrollments in the period, at most 10, ascending)', examples: ['1,2'] })),
    variant: VersionFilter.variant,
    enrollment_source: VersionFilter.enrollment_source,
    exit_reason: VersionFilter.exit_reason,
  },
  { additionalProperties: false },
);

export const analyticsRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    /** The panels of the caller's workflow for the period asked (the access rule has checked the workflow). */
    function panels(request: FastifyRequest<{ Params: Static<typeof WorkflowId>; Querystring: AnalyticsQuery }>) {
      const scope = scopeOf(principalOf(request).accountId, request.params.workflow_id, request.query);
      return deps.queries.workflow(scope, parsePeriod(request.query), request.query.compare === 'previous_period');
    }

    const common = { tags: ['analytics'], params: WorkflowId, querystring: AnalyticsQuery };
    const readConfig = { access: { action: 'read', workflow: 'param' } as AccessRule, audit: 'analytics.read', rateLimitGroup: 'analytics' as const, etag: true };

    app.get(
      '/api/v1/workflows/:workflow_id/analytics',
      {
        config: readConfig,
        schema: {
          ...common,
          summary: 'Summary and trends of a workflow',
          description: 'The cohort (executions enrolled in the period): enrolled, active, completed, goals, rates, duration mean and percentiles, exit reasons, sources, goal breakdown; and trends per bucket. With compare=previous_period, the same for the period before and the change in percent.',
          response: { 200: SummaryResponse },
        },
      },
      async (request) => (await panels(request)).summary(),
    );

    app.get(
      '/api/v1/workflows/:workflow_id/analytics/funnel',
      {
        config: readConfig,
        schema: {
          ...common,
          summary: 'Funnel of a workflow',
          description: 'Per step of the cohort: entered, completed, dropped off, conversion, time in step (mean, p50, p95) and the share of the cohort that reached it; drop-off points, bottleneck and slowest step.',
          response: { 200: FunnelResponse },
        },
      },
      async (request) => (await panels(request)).funnel(),
    );

    app.get(
      '/api/v1/workflows/:workflow_id/analytics/actions',
      {
        config: readConfig,
        schema: {
          ...common,
          summary: 'Action performance of a workflow',
          description: 'Per action step, over its step.completed and step.failed events in the period: executions, successes, failures, rates, duration mean/p50/p95, error types.',
          response: { 200: ActionsResponse },
        },
      },
      async (request) => (await panels(request)).actions(),
    );

    app.get(
      '/api/v1/workflows/:workflow_id/analytics/versions',
      {
        config: readConfig,
        schema: {
          tags: ['analytics'],
          params: WorkflowId,
          querystring: VersionsQuery,
          summary: 'Versions of a workflow compared, with statistics',
          description: 'Per version, the cohort\'s completion, conversion and failure rates, mean and median duration, cost per execution; against the baseline (the first version) each difference with its 95% confidence interval and the p-value of the test that fits it (two-proportion z for rates, Welch\'s t for means, Mann–Whitney U for the median, whose interval is Bonett–Price\'s), and whether it stays significant after Holm\'s correction across every test shown.',
          response: { 200: VersionsResponse },
        },
      },
      async (request) => {
        const q = request.query;
        const scope = scopeOf(principalOf(request).accountId, request.params.workflow_id, { variant: q.variant, enrollment_source: q.enrollment_source, exit_reason: q.exit_reason });
        const versions = q.versions?.split(',').map(Number);
        if (versions && new Set(versions).size !== versions.length) throw badRequest('A version is named twice', [{ path: '/versions', message: 'each version once' }]);
        return deps.queries.versions(scope, parsePeriod(q), versions);
      },
    );

    app.post(
      '/api/v1/workflows/:workflow_id/analytics/refresh',
      {
        config: { access: { action: 'write', workflow: 'param' }, audit: 'analytics.refresh' },
        schema: {
          tags: ['analytics'],
          params: WorkflowId,
          summary: 'Rebuild the derived tables of a workflow',
          description: 'Queues a job that recomputes execution state, rollups and cohort facts from the raw events. 202 with the job id; follow it at GET /api/v1/jobs/{job_id}.',
          response: { 202: RefreshQueued },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const { workflow_id } = request.params;
        const { job, estimatedSeconds } = await queueRefresh(deps, principal.accountId, workflow_id);
        return reply.status(202).send({ status: 'queued', job_id: job.job_id, estimated_completion_seconds: estimatedSeconds });
      },
    );

    app.get(
      '/api/v1/jobs/:job_id',
      {
        config: { access: { action: 'read', workflow: (request) => jobWorkflow(deps, request) } },
        schema: { tags: ['jobs'], summary: 'Status and progress of a job', params: Type.Object({ job_id: Type.String({ maxLength: 64 }) }), response: { 200: JobOut } },
      },
      async (request) => {
        const principal = principalOf(request);
        const job = await deps.jobs.get(principal.accountId, request.params.job_id);
        if (!job) throw notFound(`Job ${request.params.job_id} does not exist`);
        return job;
      },
    );
  };

/** The workflow a job works on (its readers may follow it); null when the account has no such job. */
async function jobWorkflow(deps: AppDeps, request: FastifyRequest): Promise<string | null | undefined> {
  const principal = principalOf(request);
  const job = await deps.jobs.get(principal.accountId, (request.params as { job_id: string }).job_id);
  if (!job) return null;
  const workflow = job.params.workflow_id;
  if (typeof workflow === 'string') return workflow;
  // account-wide jobs (e.g. a contact's deletion) are for admins only
  return principal.isOperator || principal.role === 'admin' ? undefined : null;
}

