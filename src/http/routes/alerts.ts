/**
 * Alerting: rules (`/api/v1/alerts/rules`, admins), alerts (`/api/v1/alerts`: the ones of workflows the caller may
 * read), an alert's history and deliveries, acknowledgement, silences (admins), and a watched metric's anomaly
 * bands (`/api/v1/workflows/{id}/analytics/anomalies`). Handlers parse, call the alert engine and answer.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AccessRule } from '../../auth/authorize.js';
import { principalOf, type Principal } from '../../auth/principal.js';
import { readableWorkflows } from '../../catalog/readable.js';
import { AlertHistoryResponse, AlertListResponse, AlertRecordOut, AlertRuleOut, AlertRulesResponse, AnomaliesResponse, RuleEvaluationsResponse, SilenceOut, SilencesResponse, WorkflowId } from '../../contract/index.js';
import type { Actor } from '../../alerts/engine.js';
import { AlertRuleInput, defaultMinVolume, ruleView } from '../../alerts/rules.js';
import { metric, WATCHABLE } from '../../metrics/definitions.js';
import { parsePeriod } from '../../metrics/period.js';
import type { AppDeps } from '../deps.js';
import { PeriodParams } from '../schemas.js';

const RuleId = Type.Object({ rule_id: Type.String({ minLength: 1, maxLength: 64 }) });
const AlertId = Type.Object({ alert_id: Type.String({ minLength: 1, maxLength: 64 }) });
const SilenceId = Type.Object({ silence_id: Type.String({ minLength: 1, maxLength: 64 }) });
const actorOf = (p: Principal): Actor => ({ keyId: p.keyId, userId: p.userId, role: p.isOperator ? 'operator' : p.role });
const Labels = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), { maxProperties: 10 });

export const alertRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const engine = deps.alerts;
    const tags = ['alerts'];
    const admin = { access: { action: 'manage_account' as const } };
    /** The workflow of the alert the route names; an account-wide alert is for admins (null: no such alert for this caller). */
    const alertWorkflow = async (request: FastifyRequest) => {
      const p = principalOf(request);
      const [a] = await engine.records.alerts(p.accountId, { id: (request.params as { alert_id?: string }).alert_id ?? '' });
      if (!a) return null;
      if (a.scope_key !== '') return a.scope_key;
      return p.isOperator || p.role === 'admin' ? undefined : null;
    };
    const on = (action: 'read' | 'write'): { access: AccessRule } => ({ access: { action, workflow: alertWorkflow } });

    app.post(
      '/api/v1/alerts/rules',
      {
        config: { ...admin, audit: 'alert_rule.create', auditBody: ['name', 'metric', 'scope', 'detector'] },
        schema: {
          tags, summary: 'Create an alert rule',
          description: 'A watched metric (GET /api/v1/metrics, watchable), a scope (one workflow, each workflow, or the account\'s workflows together), a detector (static threshold; relative change against the bucket before, a day or a week before; seasonal anomaly band with a sensitivity), the bucket it judges (the last complete hour or day), a minimum volume, how often it is evaluated, how long a breach lasts before it fires, severity, labels and channels (email, Slack incoming webhook, signed webhook).',
          body: AlertRuleInput, response: { 201: AlertRuleOut },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        return reply.status(201).send(ruleView(await engine.createRule(p.accountId, request.body, actorOf(p))));
      },
    );
    app.get('/api/v1/alerts/rules', { config: admin, schema: { tags, summary: 'The account\'s alert rules', response: { 200: AlertRulesResponse } } }, async (request) => ({
      rules: (await engine.rules(principalOf(request).accountId)).map(ruleView),
    }));
    app.get('/api/v1/alerts/rules/:rule_id', { config: admin, schema: { tags, summary: 'An alert rule', params: RuleId, response: { 200: AlertRuleOut } } }, async (request) =>
      ruleView(await engine.rule(principalOf(request).accountId, request.params.rule_id)));
    app.put(
      '/api/v1/alerts/rules/:rule_id',
      { config: { ...admin, audit: 'alert_rule.update' }, schema: { tags, summary: 'Replace an alert rule (a webhook given back with its masked secret keeps it)', params: RuleId, body: AlertRuleInput, response: { 200: AlertRuleOut } } },
      async (request) => ruleView(await engine.updateRule(principalOf(request).accountId, request.params.rule_id, request.body)),
    );
    app.delete(
      '/api/v1/alerts/rules/:rule_id',
      { config: { ...admin, audit: 'alert_rule.delete' }, schema: { tags, summary: 'Delete an alert rule (its open alert is resolved)', params: RuleId } },
      async (request, reply) => {
        await engine.deleteRule(principalOf(request).accountId, request.params.rule_id);
        return reply.status(204).send();
      },
    );
    app.post(
      '/api/v1/alerts/rules/:rule_id/evaluate',
      { config: { ...admin, audit: 'alert_rule.evaluate' }, schema: { tags, summary: 'Evaluate a rule now (what the scheduler does every interval)', params: RuleId, response: { 200: RuleEvaluationsResponse } } },
      async (request) => ({ evaluations: await engine.evaluateNow(principalOf(request).accountId, request.params.rule_id) }),
    );

    app.get(
      '/api/v1/alerts',
      {
        config: { access: { action: 'list' } },
        schema: {
          tags, summary: 'Alerts of the workflows the caller may read (account-wide ones: admins), newest first',
          querystring: Type.Object({
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('pending'), Type.Literal('firing'), Type.Literal('resolved'), Type.Literal('cancelled')], { description: 'open: pending or firing' })),
            rule_id: Type.Optional(Type.String({ maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
          }, { additionalProperties: false }),
          response: { 200: AlertListResponse },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const q = request.query;
        const all = await engine.alerts(p.accountId, { ...(q.status === 'open' ? { open: true } : q.status ? { status: q.status } : {}), ...(q.rule_id ? { rule: q.rule_id } : {}), limit: q.limit ?? 200 });
        const isAdmin = p.isOperator || p.role === 'admin';
        const readable = isAdmin ? null : new Set((await readableWorkflows(deps.store, p)).map((w) => w.workflow_id));
        return { alerts: all.filter((a) => readable === null || (a.workflow_id !== null && readable.has(a.workflow_id))) };
      },
    );
    app.get(
      '/api/v1/alerts/:alert_id/history',
      { config: on('read'), schema: { tags, summary: 'An alert with its transitions (ok → pending → firing → resolved) and every delivery attempt', params: AlertId, response: { 200: AlertHistoryResponse } } },
      async (request) => engine.history(principalOf(request).accountId, request.params.alert_id),
    );
    app.post(
      '/api/v1/alerts/:alert_id/acknowledge',
      { config: { ...on('write'), audit: 'alert.acknowledge' }, schema: { tags, summary: 'Acknowledge an open alert', params: AlertId, response: { 200: AlertRecordOut } } },
      async (request) => engine.acknowledge(principalOf(request).accountId, request.params.alert_id, actorOf(principalOf(request))),
    );

    app.post(
      '/api/v1/alerts/silences',
      {
        config: { ...admin, audit: 'alert_silence.create' },
        schema: {
          tags, summary: 'Silence notifications until an end time',
          description: 'Matches alerts by rule, workflow, severity and labels (all given must match). A firing alert held back by a silence is notified when the silence ends, if it still fires.',
          body: Type.Object({
            rule_id: Type.Optional(Type.String({ maxLength: 64 })), workflow_id: Type.Optional(Type.String({ maxLength: 128 })),
            severity: Type.Optional(Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')])), labels: Type.Optional(Labels),
            starts_at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })), ends_at: Type.String({ format: 'date-time', maxLength: 40 }),
            comment: Type.Optional(Type.String({ maxLength: 1000 })),
          }, { additionalProperties: false }),
          response: { 201: SilenceOut },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        return reply.status(201).send(await engine.createSilence(p.accountId, request.body, actorOf(p)));
      },
    );
    app.get(
      '/api/v1/alerts/silences',
      { config: admin, schema: { tags, summary: 'Silences not yet ended (all=true: every one)', querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), response: { 200: SilencesResponse } } },
      async (request) => ({ silences: await engine.silences(principalOf(request).accountId, request.query.all ?? false) }),
    );
    app.delete(
      '/api/v1/alerts/silences/:silence_id',
      { config: { ...admin, audit: 'alert_silence.expire' }, schema: { tags, summary: 'End a silence now', params: SilenceId } },
      async (request, reply) => {
        await engine.expireSilence(principalOf(request).accountId, request.params.silence_id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/v1/workflows/:workflow_id/analytics/anomalies',
      {
        config: { access: { action: 'read', workflow: 'param' }, rateLimitGroup: 'analytics' as const },
        schema: {
          tags: ['analytics'], summary: 'Anomaly bands of a watched metric',
          description: 'Per complete hour or day of the period (UTC buckets): the value, what the seasonal baseline expected, the band outside which a point is an anomaly at the sensitivity asked, and its robust score (the history before the period warms the baseline up). The same detector alert rules use.',
          params: WorkflowId,
          querystring: Type.Object({
            ...PeriodParams,
            metric: Type.Union(WATCHABLE.map((m) => Type.Literal(m))),
            bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' })),
            sensitivity: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')], { default: 'medium' })),
            min_volume: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e9, description: 'buckets resting on fewer executions are not judged; default as for rules: 20 for rates, means and percentiles, 0 otherwise' })),
          }, { additionalProperties: false }),
          response: { 200: AnomaliesResponse },
        },
      },
      async (request) => {
        const q = request.query;
        const period = parsePeriod(q);
        const bucket = q.bucket ?? 'hour';
        const sensitivity = q.sensitivity ?? 'medium';
        const bands = await engine.anomalies(principalOf(request).accountId, request.params.workflow_id, q.metric, period, bucket, sensitivity, q.min_volume ?? defaultMinVolume(q.metric));
        return { workflow_id: request.params.workflow_id, metric: q.metric, unit: metric(q.metric).unit, bucket, sensitivity, ...bands };
      },
    );
  };
