/** The workflow catalog: register versions, list workflows (registered or seen in events). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { RegisterWorkflowResponse, WorkflowId, WorkflowResponse, WorkflowsResponse, type Equivalent, type WorkflowListItemOut, type WorkflowVersionOut } from '../../contract/index.js';
import { readableWorkflows } from '../../catalog/readable.js';
import { forgetGrant } from '../../auth/workflow-access.js';
import { listWorkflows, listWorkflowVersions, registerWorkflow, workflowVariants, WorkflowRegistration, type WorkflowListItem, type WorkflowVersion } from '../../catalog/catalog.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../problem.js';
import { ProblemSchema } from '../schemas.js';


// the catalog's types are the contract's (the handlers return them as they are)
true satisfies Equivalent<WorkflowVersion, WorkflowVersionOut>;
true satisfies Equivalent<WorkflowListItem, WorkflowListItemOut>;

export const workflowRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.put(
      '/api/v1/workflows/:workflow_id',
      {
        config: { access: { action: 'register', workflow: 'param' }, audit: 'workflow.register' },
        schema: {
          tags: ['catalog'],
          summary: 'Register a workflow version',
          description: 'Registers (or replaces) one version of a workflow: its name, steps in order, owner and value settings. Earlier versions are kept.',
          params: WorkflowId,
          body: WorkflowRegistration,
          response: { 200: RegisterWorkflowResponse, 201: RegisterWorkflowResponse },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        // A member registering a workflow without naming an owner owns it (and so keeps access).
        const body = !request.body.owner_user_id && p.role === 'member' && p.userId ? { ...request.body, owner_user_id: p.userId } : request.body;
        const { created } = await registerWorkflow(deps.store, p.accountId, request.params.workflow_id, body);
        forgetGrant(p.accountId, request.params.workflow_id); // the owner may have changed
        deps.derived.catalogChanged(p.accountId, request.params.workflow_id); // cached answers show the old step names and order
        const versions = await listWorkflowVersions(deps.store, p.accountId, request.params.workflow_id);
        return reply.status(created ? 201 : 200).send({ workflow_id: request.params.workflow_id, versions });
      },
    );

    app.get(
      '/api/v1/workflows',
      {
        config: { access: { action: 'list' } },
        schema: {
          tags: ['catalog'],
          summary: 'List workflows',
          description: 'The workflows of the account this key may read (admins: all): registered ones and those only seen in events, with versions and first/last event time.',
          response: { 200: WorkflowsResponse },
        },
      },
      async (request) => {
        const readable = await readableWorkflows(deps.store, principalOf(request));
        return { workflows: readable };
      },
    );

    app.get(
      '/api/v1/workflows/:workflow_id',
      {
        config: { access: { action: 'read', workflow: 'param' } },
        schema: { tags: ['catalog'], summary: 'One workflow with its registered versions and the A/B variants seen in its executions', params: WorkflowId, response: { 200: WorkflowResponse } },
      },
      async (request) => {
        const p = principalOf(request);
        const [item] = await listWorkflows(deps.store, p.accountId, request.params.workflow_id);
        if (!item) throw notFound(`Workflow ${request.params.workflow_id} does not exist`);
        const [catalog, variants] = await Promise.all([
          listWorkflowVersions(deps.store, p.accountId, request.params.workflow_id),
          workflowVariants(deps.store, p.accountId, request.params.workflow_id),
        ]);
        return { ...item, variants, catalog };
      },
    );
  };
