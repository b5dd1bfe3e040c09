/** Sharing: who, besides its owner, may read a workflow (PUT/GET /api/v1/workflows/{id}/access). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { AccessOut, WorkflowId } from '../../contract/index.js';
import { readAccess, writeAccess } from '../../auth/workflow-access.js';
import type { AppDeps } from '../deps.js';

export const accessRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/workflows/:workflow_id/access',
      {
        config: { access: { action: 'share', workflow: 'param' } },
        schema: { tags: ['access'], summary: 'Who a workflow is shared with (admins and its owner)', params: WorkflowId, response: { 200: AccessOut } },
      },
      async (request) => readAccess(deps.store, principalOf(request).accountId, request.params.workflow_id),
    );

    app.put(
      '/api/v1/workflows/:workflow_id/access',
      {
        config: { access: { action: 'share', workflow: 'param' }, audit: 'access.update', auditBody: ['user_ids'] },
        schema: {
          tags: ['access'],
          summary: 'Share a workflow with users',
          description:
            'Replaces the list of user ids (of API keys with role member or viewer) that may read the workflow. Members it is shared with may also change it; viewers only read. Takes effect at once. Admins and the owner only.',
          params: WorkflowId,
          body: Type.Object(
            { user_ids: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 1000, uniqueItems: true }) },
            { additionalProperties: false },
          ),
          response: { 200: AccessOut },
        },
      },
      async (request) => {
        const p = principalOf(request);
        await writeAccess(deps.store, p.accountId, request.params.workflow_id, request.body.user_ids, p.userId || p.keyId);
        return readAccess(deps.store, p.accountId, request.params.workflow_id);
      },
    );
  };
