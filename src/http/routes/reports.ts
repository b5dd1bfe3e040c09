/** Scheduled reports: `POST/GET/PUT/DELETE /api/v1/reports`, a report's run history, and "send now". */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { ReportOut, ReportRunOut, ReportsResponse, ReportWithRuns, type Equivalent } from '../../contract/index.js';
import { workflowGrant } from '../../auth/workflow-access.js';
import { TEMPLATES } from '../../exports/pdf-report.js';
import { resolveTimezone } from '../../time/timezones.js';
import type { Report, ReportDefinition, ReportRun } from '../../reports/reports.js';
import { FREQUENCIES } from '../../reports/schedule.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../problem.js';

const Definition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    workflow_id: Type.String({ minLength: 1, maxLength: 128, description: 'a workflow id, or "*" for every workflow of the account (up to 20)' }),
    template: Type.Optional(Type.Union(TEMPLATES.map((t) => Type.Literal(t)), { default: 'executive' })),
    formats: Type.Array(Type.Union([Type.Literal('pdf'), Type.Literal('csv')]), { minItems: 1, maxItems: 2, uniqueItems: true }),
    schedule: Type.Object(
      {
        frequency: Type.Union(FREQUENCIES.map((f) => Type.Literal(f))),
        time: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'local time HH:MM' }),
        timezone: Type.String({ maxLength: 64, description: 'IANA timezone' }),
        day_of_week: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, description: 'weekly: 1 = Monday … 7 = Sunday' })),
        day_of_month: Type.Optional(Type.Integer({ minimum: 1, maximum: 28, description: 'monthly: 1–28' })),
      },
      { additionalProperties: false },
    ),
    recipients: Type.Array(Type.String({ format: 'email', maxLength: 254 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
    dashboard_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'send this saved dashboard as a PDF (its widgets with their own periods) instead of the workflow analytics; formats must be ["pdf"] and workflow_id "*"' })),
  },
  { additionalProperties: false },
);
type Definition = Static<typeof Definition>;
// what the report store returns (with account_id when read back) is the contract's report; runs likewise
true satisfies Equivalent<Report, Omit<ReportOut, 'account_id'>>;
true satisfies Equivalent<Report & { account_id: string }, ReportOut & { account_id: string }>;
true satisfies Equivalent<ReportRun, Static<typeof ReportRunOut>>;
const ReportId = Type.Object({ report_id: Type.String({ maxLength: 64 }) });

export const reportRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    async function checked(account: string, body: Definition): Promise<ReportDefinition> {
      const timezone = resolveTimezone(body.schedule.timezone);
      if (timezone === undefined) throw badRequest(`Unknown timezone ${body.schedule.timezone}`, [{ path: '/schedule/timezone', message: 'is not an IANA timezone' }]);
      if (body.dashboard_id !== undefined) {
        const errors = [
          ...(body.formats.length !== 1 || body.formats[0] !== 'pdf' ? [{ path: '/formats', message: 'a dashboard is sent as ["pdf"]' }] : []),
          ...(body.workflow_id !== '*' ? [{ path: '/workflow_id', message: 'a dashboard names its own workflows: give "*"' }] : []),
        ];
        if (errors.length) throw badRequest('Invalid dashboard report', errors);
        const admin = { accountId: account, keyId: '', userId: '', role: 'admin' as const, isOperator: false };
        await deps.dashboards.get(admin, body.dashboard_id).catch(() => {
          throw badRequest(`Dashboard ${body.dashboard_id} does not exist`, [{ path: '/dashboard_id', message: 'no such dashboard in this account' }]);
        });
      }
      if (body.workflow_id !== '*' && !(await workflowGrant(deps.store, account, body.workflow_id)).exists) {
        throw badRequest(`Workflow ${body.workflow_id} does not exist`, [{ path: '/workflow_id', message: 'no such workflow in this account' }]);
      }
      return { ...body, schedule: { ...body.schedule, timezone }, template: body.template ?? 'executive' };
    }
    const find = async (account: string, id: string) => {
      const [report] = await deps.reports.list(account, id);
      if (!report) throw notFound(`Report ${id} does not exist`);
      return report;
    };
    const access = { access: { action: 'manage_account' as const } };

    app.post(
      '/api/v1/reports',
      {
        config: { ...access, audit: 'report.create', auditBody: ['name', 'workflow_id', 'formats', 'schedule'] },
        schema: {
          tags: ['reports'],
          summary: 'Schedule a report',
          description: 'A workflow (or "*" for all), a template, PDF and/or CSV, a schedule (daily, weekly on a weekday, monthly on a day, at a local time in a timezone) and recipients. Each run covers the last complete period (the day, the 7 days or the month before) and is emailed through FLOWLENS_SMTP_URL; a period is sent at most once.',
          body: Definition,
          response: { 201: ReportOut },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const report = await deps.reports.create(p.accountId, await checked(p.accountId, request.body), p.keyId);
        return reply.status(201).send(report);
      },
    );

    app.get('/api/v1/reports', { config: access, schema: { tags: ['reports'], summary: 'The account\'s scheduled reports', response: { 200: ReportsResponse } } }, async (request) => ({
      reports: await deps.reports.list(principalOf(request).accountId),
    }));

    app.get(
      '/api/v1/reports/:report_id',
      { config: access, schema: { tags: ['reports'], summary: 'A report and the history of its runs', params: ReportId, response: { 200: ReportWithRuns } } },
      async (request) => {
        const p = principalOf(request);
        const report = await find(p.accountId, request.params.report_id);
        return { ...report, runs: await deps.reports.runs(p.accountId, report.report_id) };
      },
    );

    app.put(
      '/api/v1/reports/:report_id',
      { config: { ...access, audit: 'report.update' }, schema: { tags: ['reports'], summary: 'Replace a report\'s definition', params: ReportId, body: Definition, response: { 200: ReportOut } } },
      async (request) => {
        const p = principalOf(request);
        const report = await find(p.accountId, request.params.report_id);
        return deps.reports.update(p.accountId, report, await checked(p.accountId, request.body));
      },
    );

    app.delete(
      '/api/v1/reports/:report_id',
      { config: { ...access, audit: 'report.delete' }, schema: { tags: ['reports'], summary: 'Delete a report (its history is kept)', params: ReportId } },
      async (request, reply) => {
        const p = principalOf(request);
        await deps.reports.remove(p.accountId, await find(p.accountId, request.params.report_id));
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/v1/reports/:report_id/run',
      { config: { ...access, audit: 'report.run_now' }, schema: { tags: ['reports'], summary: 'Send a report now, for the last complete period', params: ReportId, response: { 200: ReportRunOut } } },
      async (request) => {
        const p = principalOf(request);
        return deps.scheduler.runNow(p.accountId, await find(p.accountId, request.params.report_id));
      },
    );
  };
