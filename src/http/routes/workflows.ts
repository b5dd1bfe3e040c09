/** The workflow catalog: register versions, list workflows (registered or seen in events). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireAction } from '../../auth/principal.js';
import { listWorkflows, listWorkflowVersions, registerWorkflow, WorkflowRegistration } from '../../ingest/catalog.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../problem.js';
import { ProblemSchema } from '../schemas.js';

const WorkflowId = Type.Object({ workflow_id: Type.String({ minLength: 1, maxLength: 128 }) });

export const workflowRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.put(
      '/api/v1/workflows/:workflow_id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Register a workflow version',
          description: 'Registers (or replaces) one version of a workflow: its name, steps in order, owner and value settings. Earlier versions are kept.',
          params: WorkflowId,
          body: WorkflowRegistration,
        },
      },
      async (request, reply) => {
        const p = requireAction(request, 'write_catalog');
        const { created } = await registerWorkflow(deps.store, p.accountId, request.params.workflow_id, request.body);
        const versions = await listWorkflowVersions(deps.store, p.accountId, request.params.workflow_id);
        return reply.status(created ? 201 : 200).send({ workflow_id: request.params.workflow_id, versions });
      },
    );

    app.get(
      '/api/v1/workflows',
      {
        schema: {
          tags: ['catalog'],
          summary: 'List workflows',
          description: 'Every workflow of the account: registered ones and those only seen in events, with versions and first/last event time.',
        },
      },
      async (request) => {
        const p = requireAction(request, 'read');
        return { workflows: await listWorkflows(deps.store, p.accountId) };
      },
    );

    app.get(
      '/api/v1/workflows/:workflow_id',
      { schema: { tags: ['catalog'], summary: 'One workflow with its registered versions', params: WorkflowId } },
      async (request) => {
        const p = requireAction(request, 'read');
        const [item] = await listWorkflows(deps.store, p.accountId, request.params.workflow_id);
        if (!item) throw notFound(`Workflow ${request.params.workflow_id} does not exist`);
        return { ...item, catalog: await listWorkflowVersions(deps.store, p.accountId, request.params.workflow_id) };
      },
    );
  };
