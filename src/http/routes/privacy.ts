/** The account's settings (pseudonymisation, report branding, ROI assumptions), and deleting one contact's data on request. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { ContactDeletionQueued, RoiAssumptionsProps } from '../../contract/index.js';
import { readableWorkflows } from '../../catalog/readable.js';
import { timeSavedErrors } from '../../metrics/platform/roi-assumptions.js';
import { contactLabel, queueContactDeletion } from '../../privacy/delete-contact.js';
import type { AppDeps } from '../deps.js';
import { badRequest } from '../problem.js';

function isPngOrJpeg(b: Buffer): boolean {
  return (b.length > 8 && b.readUInt32BE(0) === 0x89504e47) || (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff);
}

const Settings = Type.Object({
  pseudonymize_contact_ids: Type.Boolean({
    description: 'Store a keyed hash of contact_id instead of the id the engine sends (from now on; existing rows keep their ids)',
  }),
  brand_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'name shown on PDF reports' })),
  accent_color: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'accent colour of PDF reports, #rrggbb' })),
  logo_base64: Type.Optional(Type.String({ maxLength: 400_000, description: 'PNG or JPEG logo for PDF reports, base64 (≤ 300 KB)' })),
  ...RoiAssumptionsProps,
});

export const privacyRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/account/settings',
      {
        config: { access: { action: 'manage_account' } },
        schema: { tags: ['privacy'], summary: 'The account\'s settings', response: { 200: Settings } },
      },
      async (request) => deps.accountSettings.get(principalOf(request).accountId),
    );

    app.put(
      '/api/v1/account/settings',
      {
        config: { access: { action: 'manage_account' }, audit: 'account.settings', auditBody: ['pseudonymize_contact_ids'] },
        schema: {
          tags: ['privacy'],
          summary: 'Change the account\'s settings (pseudonymisation, report branding, ROI assumptions)',
          body: Type.Partial(Settings, { additionalProperties: false }),
          response: { 200: Settings },
        },
      },
      async (request) => {
        const logo = request.body.logo_base64;
        if (logo !== undefined && logo !== '' && !isPngOrJpeg(Buffer.from(logo, 'base64'))) {
          throw badRequest('logo_base64 must be a PNG or JPEG image in base64', [{ path: '/logo_base64', message: 'is not a PNG or JPEG image' }]);
        }
        const p = principalOf(request);
        const rows = request.body.roi_time_saved ?? [];
        const known = new Set(rows.length ? (await readableWorkflows(deps.store, p)).map((w) => w.workflow_id) : []);
        const errors = timeSavedErrors(rows, known);
        if (errors.length) throw badRequest('Invalid ROI assumptions: each workflow once, and only workflows of this account', errors);
        return deps.accountSettings.update(p.accountId, request.body);
      },
    );

    app.delete(
      '/api/v1/contacts/:contact_id',
      {
        config: { access: { action: 'manage_account' }, audit: 'contact.delete' },
        schema: {
          tags: ['privacy'],
          summary: 'Delete one contact\'s data',
          description:
            'Deletes every event of the executions enrolled for this contact (by the id the engine sent, or its pseudonym when the account pseudonymises) and rebuilds the figures of the workflows concerned. 202 with a job to follow at GET /api/v1/jobs/{job_id}. The audit log records the request with the contact\'s pseudonym, not the id.',
          params: Type.Object({ contact_id: Type.String({ minLength: 1, maxLength: 128 }) }),
          response: { 202: ContactDeletionQueued },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const forms = await deps.accountSettings.storedForms(p.accountId, request.params.contact_id);
        const label = contactLabel(p.accountId, request.params.contact_id);
        request.auditParams = { contact: label };
        const { job, executions, workflows } = await queueContactDeletion(deps, p.accountId, forms, label);
        return reply.status(202).send({ status: 'queued', job_id: job.job_id, executions, workflows });
      },
    );
  };
