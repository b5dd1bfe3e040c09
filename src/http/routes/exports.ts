/**
 * Exports: `GET …/analytics/export` streams CSV, JSON or PDF in the response; `POST …/analytics/export`
 * queues a job that writes the file to the data directory, downloadable until it expires; the history
 * of an account's exports.
 */
import fs from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../../auth/principal.js';
import { ExportQueued, ExportRecordOut, ExportsResponse, WorkflowId, type Equivalent } from '../../contract/index.js';
import { DATASETS, type Dataset } from '../../exports/datasets.js';
import { checkSize, CONTENT_TYPES, exportFileName, exportStream, FORMATS, newExportId, periodLabel, type ExportRecord, type ExportSpec, type Format } from '../../exports/exports.js';
import { TEMPLATES, type Template } from '../../exports/pdf-report.js';
import { parsePeriod } from '../../metrics/period.js';
import { scopeOf } from '../../metrics/scope.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem, notFound } from '../problem.js';
import { AnalyticsQuery } from './analytics.js';

const ExportFields = {
  format: Type.Optional(Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: 'csv (default), json or pdf' })),
  dataset: Type.Optional(Type.Union(DATASETS.map((d) => Type.Literal(d)), { description: 'CSV only: executions (default, one row per cohort execution), trends, funnel, actions or unified (the unified report: internal, GA4 and CRM figures, the CRM ones under each attribution model)' })),
  template: Type.Optional(Type.Union(TEMPLATES.map((t) => Type.Literal(t)), { description: 'PDF only: executive (one page, default) or detailed' })),
};
const ExportQuery = Type.Composite([AnalyticsQuery, Type.Object(ExportFields)], { additionalProperties: false });
type ExportQuery = Static<typeof ExportQuery>;
true satisfies Equivalent<ExportRecord, Static<typeof ExportRecordOut>>;
const ExportId = Type.Object({ export_id: Type.String({ maxLength: 64 }) });

function specOf(accountId: string, workflow: string, q: ExportQuery): ExportSpec {
  const scope = scopeOf(accountId, workflow, q);
  const format: Format = q.format ?? 'csv';
  return {
    scope,
    period: parsePeriod(q),
    format,
    dataset: (q.dataset ?? 'executions') as Dataset,
    template: (q.template ?? 'executive') as Template,
    compare: format === 'pdf' || q.compare === 'previous_period',
  };
}

/** What the history records of every export, whatever its mode and status. */
function historyBase(spec: ExportSpec, id: string, keyId: string, params: object, mode: 'streamed' | 'file') {
  return {
    export_id: id, workflow_id: spec.scope.workflow, format: spec.format, dataset: spec.format === 'csv' ? spec.dataset : '',
    params: { ...params }, mode, key_id: keyId,
  };
}

export const exportRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    /** The workflow an export belongs to (its readers may see and download it); null when unknown. */
    const exportWorkflow = async (request: FastifyRequest) => {
      const record = await deps.exportHistory.get(principalOf(request).accountId, (request.params as { export_id: string }).export_id);
      return record ? record.workflow_id : null;
    };

    app.get(
      '/api/v1/workflows/:workflow_id/analytics/export',
      {
        config: { access: { action: 'read', workflow: 'param' }, audit: 'export', rateLimitGroup: 'analytics' },
        schema: {
          tags: ['exports'],
          summary: 'Export analytics (CSV, JSON or PDF), streamed',
          description:
            'CSV: one row per execution of the cohort (execution_id, contact_id, status, enrollment_source, enrolled_at, completed_at, goal_achieved_at, exit_reason, current_step_id, duration_seconds), or `dataset=trends|funnel|actions|unified`; streamed with constant memory; cells that a spreadsheet would read as a formula get a leading apostrophe; at most 1,000,000 rows. ' +
            'JSON: the summary, funnel and actions responses in one document. PDF: a formatted report with the trend and funnel charts (`template=executive|detailed`).',
          params: WorkflowId,
          querystring: ExportQuery,
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const spec = specOf(p.accountId, request.params.workflow_id, request.query);
        await deps.derived.settled(p.accountId, request.params.workflow_id);
        const rows = await checkSize(deps.store, spec);
        const id = newExportId();
        await deps.exportHistory.save(p.accountId, {
          ...historyBase(spec, id, p.keyId, request.query, 'streamed'), status: 'streamed', rows: rows ?? 0, bytes: 0, error: null, job_id: null, expires_at: null,
        });
        const body = await exportStream(deps.queries, deps.accountSettings, spec);
        return reply
          .header('Content-Type', CONTENT_TYPES[spec.format])
          .header('Content-Disposition', `attachment; filename="${exportFileName(spec.scope.workflow, spec.format, spec.dataset, periodLabel(spec.period))}"`)
          .header('X-Export-Id', id)
          .send(body);
      },
    );

    app.post(
      '/api/v1/workflows/:workflow_id/analytics/export',
      {
        config: { access: { action: 'read', workflow: 'param' }, audit: 'export.queued', auditBody: ['format', 'dataset', 'template', 'start_date', 'end_date', 'range', 'timezone'] },
        schema: {
          tags: ['exports'],
          summary: 'Export analytics to a file, as a job',
          description: 'For large exports: 202 with the job (follow it at GET /api/v1/jobs/{job_id}) and the export id; once done, GET /api/v1/exports/{export_id}/download serves the file until it expires (FLOWLENS_EXPORT_TTL_HOURS, default 24).',
          params: WorkflowId,
          body: ExportQuery,
          response: { 202: ExportQueued },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const spec = specOf(p.accountId, request.params.workflow_id, request.body);
        await deps.derived.settled(p.accountId, request.params.workflow_id);
        const expected = await checkSize(deps.store, spec);
        const id = newExportId();
        const base = historyBase(spec, id, p.keyId, request.body, 'file');
        // recorded before the job starts, so the job's later records replace it
        await deps.exportHistory.save(p.accountId, { ...base, status: 'queued', rows: 0, bytes: 0, error: null, job_id: null, expires_at: null });
        const job = await deps.jobs.enqueue(p.accountId, 'export', { workflow_id: spec.scope.workflow, export_id: id, format: spec.format }, async (progress, jobId) => {
          await deps.exportHistory.save(p.accountId, { ...base, status: 'running', rows: 0, bytes: 0, error: null, job_id: jobId, expires_at: null });
          try {
            const done = await deps.exportHistory.writeFile(deps.queries, deps.accountSettings, spec, id, (rows) => {
              if (expected) void progress(Math.min(0.99, rows / expected));
            });
            const expires_at = deps.exportHistory.expiry();
            await deps.exportHistory.save(p.accountId, { ...base, status: 'succeeded', rows: done.rows, bytes: done.bytes, error: null, job_id: jobId, expires_at, file: done.file });
            return { export_id: id, rows: done.rows, bytes: done.bytes, expires_at, download_url: `/api/v1/exports/${id}/download` };
          } catch (err) {
            await deps.exportHistory.save(p.accountId, { ...base, status: 'failed', rows: 0, bytes: 0, error: (err as Error).message, job_id: jobId, expires_at: null });
            throw err;
          }
        });
        return reply.status(202).send({ status: 'queued', job_id: job.job_id, export_id: id });
      },
    );

    app.get(
      '/api/v1/exports',
      {
        config: { access: { action: 'list' } },
        schema: {
          tags: ['exports'],
          summary: 'Export history',
          description: 'The account\'s exports, newest first (admins see every key\'s; other keys their own), with a download link while a file is kept.',
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }, { additionalProperties: false }),
          response: { 200: ExportsResponse },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const all = p.isOperator || p.role === 'admin';
        return { exports: await deps.exportHistory.list(p.accountId, { limit: request.query.limit ?? 100, ...(all ? {} : { keyId: p.keyId }) }) };
      },
    );

    app.get(
      '/api/v1/exports/:export_id',
      { config: { access: { action: 'read', workflow: exportWorkflow } }, schema: { tags: ['exports'], summary: 'One export', params: ExportId, response: { 200: ExportRecordOut } } },
      async (request) => {
        const { file: _f, ...record } = (await deps.exportHistory.get(principalOf(request).accountId, request.params.export_id))!;
        return record;
      },
    );

    app.get(
      '/api/v1/exports/:export_id/download',
      {
        config: { access: { action: 'read', workflow: exportWorkflow }, audit: 'export.download' },
        schema: { tags: ['exports'], summary: 'Download an export\'s file (410 once it has expired)', params: ExportId },
      },
      async (request, reply) => {
        const record = await deps.exportHistory.get(principalOf(request).accountId, request.params.export_id);
        if (!record) throw notFound(`Export ${request.params.export_id} does not exist`);
        if (record.mode !== 'file') throw notFound(`Export ${record.export_id} was streamed when asked; it has no file`);
        if (record.status !== 'succeeded') throw new HttpProblem(409, `Export ${record.export_id} is ${record.status}; follow its job`);
        if (!record.download_url || !fs.existsSync(record.file)) throw new HttpProblem(410, `Export ${record.export_id} has expired; export again`);
        return reply
          .header('Content-Type', CONTENT_TYPES[record.format])
          .header('Content-Disposition', `attachment; filename="${exportFileName(record.workflow_id, record.format, record.dataset, record.created_at.slice(0, 10))}"`)
          .send(fs.createReadStream(record.file));
      },
    );
  };
