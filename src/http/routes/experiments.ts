/**
 * A/B experiments: `/api/v1/experiments` (define, list, read, change a draft, delete), their lifecycle (start,
 * stop, decide, roll back, evaluate now), assignment of contacts, results and decisions. Handlers parse, call
 * the experiments service (src/experiments/experiments.ts) and answer; the access rule of each route names the
 * experiment's workflow (read to see it, write to change it), and assignment is for keys that send events.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AccessRule } from '../../auth/authorize.js';
import { principalOf, type Principal } from '../../auth/principal.js';
import { readableWorkflows } from '../../catalog/readable.js';
import { AssignmentOut, DecisionOut, DecisionsResponse, ExperimentOut, ExperimentResultsResponse, ExperimentsResponse } from '../../contract/index.js';
import type { Actor } from '../../experiments/experiments.js';
import { ExperimentInput } from '../../experiments/model.js';
import type { AppDeps } from '../deps.js';

const ExperimentId = Type.Object({ experiment_id: Type.String({ minLength: 1, maxLength: 64 }) });
const actorOf = (p: Principal): Actor => ({ keyId: p.keyId, userId: p.userId, role: p.isOperator ? 'operator' : p.role });

export const experimentRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const svc = deps.experiments;
    /** The workflow of the experiment the route names (null: no such experiment in the caller's account). */
    const experimentWorkflow = async (request: FastifyRequest) => {
      const id = (request.params as { experiment_id?: string }).experiment_id ?? '';
      const e = await svc.records.get(principalOf(request).accountId, id);
      return e ? e.workflow_id : null;
    };
    const bodyWorkflow = async (request: FastifyRequest) => {
      const w = (request.body as { workflow_id?: unknown } | undefined)?.workflow_id;
      return typeof w === 'string' && w.length > 0 && w.length <= 128 ? w : undefined;
    };
    const on = (action: 'read' | 'write'): { access: AccessRule } => ({ access: { action, workflow: experimentWorkflow } });
    const tags = ['experiments'];

    app.post(
      '/api/v1/experiments',
      {
        config: { access: { action: 'write', workflow: bodyWorkflow }, audit: 'experiment.create', auditBody: ['workflow_id', 'name', 'variants', 'primary_metric'] },
        schema: {
          tags, summary: 'Define an experiment (a draft)',
          description: 'Variants with traffic weights (the first is the control), a primary metric, secondary and guardrail metrics, minimum sample and run time, the power analysis (sample size per variant for a minimum detectable effect on the baseline rate), the decision rule and who is notified. Start it with POST …/start.',
          body: ExperimentInput, response: { 201: ExperimentOut },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        return reply.status(201).send(await svc.create(p.accountId, request.body, actorOf(p)));
      },
    );

    app.get(
      '/api/v1/experiments',
      {
        config: { access: { action: 'list' } },
        schema: { tags, summary: 'The experiments of the workflows the caller may read', querystring: Type.Object({ workflow_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) }, { additionalProperties: false }), response: { 200: ExperimentsResponse } },
      },
      async (request) => {
        const p = principalOf(request);
        const readable = new Set((await readableWorkflows(deps.store, p)).map((w) => w.workflow_id));
        return { experiments: (await svc.list(p.accountId, request.query.workflow_id)).filter((e) => readable.has(e.workflow_id)) };
      },
    );

    app.get(
      '/api/v1/experiments/:experiment_id',
      { config: on('read'), schema: { tags, summary: 'An experiment', params: ExperimentId, response: { 200: ExperimentOut } } },
      async (request) => svc.get(principalOf(request).accountId, request.params.experiment_id),
    );

    app.put(
      '/api/v1/experiments/:experiment_id',
      { config: { ...on('write'), audit: 'experiment.update' }, schema: { tags, summary: 'Replace a draft\'s definition (409 once started)', params: ExperimentId, body: ExperimentInput, response: { 200: ExperimentOut } } },
      async (request) => svc.update(principalOf(request).accountId, request.params.experiment_id, request.body),
    );

    app.delete(
      '/api/v1/experiments/:experiment_id',
      { config: { ...on('write'), audit: 'experiment.delete' }, schema: { tags, summary: 'Delete an experiment that is not running (its decisions are kept)', params: ExperimentId } },
      async (request, reply) => {
        await svc.remove(principalOf(request).accountId, request.params.experiment_id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/v1/experiments/:experiment_id/start',
      {
        config: { ...on('write'), audit: 'experiment.start', auditBody: ['started_at'] },
        schema: {
          tags, summary: 'Start a draft: assignment begins, results count enrollments from its start',
          description: 'Starts now, or at `started_at` in the past (up to 732 days back) when the engine has been splitting traffic since then: enrollments carrying the variants from that instant on are counted.',
          params: ExperimentId,
          body: Type.Object({ started_at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })) }, { additionalProperties: false }),
          response: { 200: ExperimentOut },
        },
        // the body is optional: none is {}
        preValidation: async (request: FastifyRequest) => {
          request.body ??= {};
        },
      },
      async (request) => svc.startRunning(principalOf(request).accountId, request.params.experiment_id, request.body.started_at),
    );

    app.post(
      '/api/v1/experiments/:experiment_id/stop',
      { config: { ...on('write'), audit: 'experiment.stop' }, schema: { tags, summary: 'Stop a running experiment (results stop counting; assignment keeps answering the split)', params: ExperimentId, response: { 200: ExperimentOut } } },
      async (request) => svc.stopRunning(principalOf(request).accountId, request.params.experiment_id),
    );

    app.post(
      '/api/v1/experiments/:experiment_id/decide',
      {
        config: { ...on('write'), audit: 'experiment.decide_by_hand', auditBody: ['winner', 'rollout'] },
        schema: {
          tags, summary: 'Decide by hand', description: 'Names the winner of a running or stopped experiment; with rollout, every contact is assigned the winner from now on. Recorded with the current results as evidence, notified and audited like a decision of the rule.',
          params: ExperimentId,
          body: Type.Object({ winner: Type.String({ minLength: 1, maxLength: 128 }), rollout: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
          response: { 200: DecisionOut },
        },
      },
      async (request) => {
        const p = principalOf(request);
        return svc.decideByHand(p.accountId, request.params.experiment_id, request.body.winner, request.body.rollout ?? false, actorOf(p));
      },
    );

    app.post(
      '/api/v1/experiments/:experiment_id/rollback',
      { config: { ...on('write'), audit: 'experiment.rollback' }, schema: { tags, summary: 'Roll back a rollout: contacts are split by the weights again', params: ExperimentId, response: { 200: DecisionOut } } },
      async (request) => {
        const p = principalOf(request);
        return svc.rollback(p.accountId, request.params.experiment_id, actorOf(p));
      },
    );

    app.post(
      '/api/v1/experiments/:experiment_id/evaluate',
      {
        config: { ...on('write'), audit: 'experiment.evaluate' },
        schema: {
          tags, summary: 'Evaluate the decision rule now', description: 'What the scheduler does every FLOWLENS_EXPERIMENT_TICK_MS: the results and, when the rule names a winner, the decision taken (recorded, notified, rolled out when the rule says so).',
          params: ExperimentId, response: { 200: Type.Object({ results: ExperimentResultsResponse, decision: Type.Union([DecisionOut, Type.Null()]) }) },
        },
      },
      async (request) => {
        const p = principalOf(request);
        return svc.evaluate(p.accountId, request.params.experiment_id, actorOf(p));
      },
    );

    app.post(
      '/api/v1/experiments/:experiment_id/assign',
      {
        config: { access: { action: 'ingest' } },
        schema: {
          tags, summary: 'The variant of a contact',
          description: 'Deterministic: a hash of the experiment\'s salt and the contact id picks the variant by the weights (the same contact always gets the same variant; experiments assign independently); after a rollout, the winner. Recorded. Send the variant with the contact\'s execution.started.',
          params: ExperimentId,
          body: Type.Object({ contact_id: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
          response: { 200: AssignmentOut },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const a = await svc.assign(p.accountId, request.params.experiment_id, request.body.contact_id);
        return { experiment_id: request.params.experiment_id, contact_id: request.body.contact_id, ...a };
      },
    );

    app.get(
      '/api/v1/experiments/:experiment_id/results',
      {
        config: { ...on('read'), rateLimitGroup: 'analytics' as const },
        schema: {
          tags, summary: 'Results of an experiment',
          description: 'Per variant the enrolled executions (and contacts assigned) and each metric; against the control the frequentist test of each metric, the Beta-Binomial posterior of a rate primary metric (chance to beat, expected loss), the always-valid sequential test over the daily looks, the sample-ratio-mismatch check, and the decision rule\'s evaluation with its reasons.',
          params: ExperimentId, response: { 200: ExperimentResultsResponse },
        },
      },
      async (request) => {
        const p = principalOf(request);
        return svc.results(p.accountId, await svc.get(p.accountId, request.params.experiment_id));
      },
    );

    app.get(
      '/api/v1/experiments/:experiment_id/decisions',
      { config: on('read'), schema: { tags, summary: 'The decisions of an experiment, newest first, with their evidence and notification outcome', params: ExperimentId, response: { 200: DecisionsResponse } } },
      async (request) => ({ decisions: await svc.decisions(principalOf(request).accountId, request.params.experiment_id) }),
    );
  };
