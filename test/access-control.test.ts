/**
 * Access control (CONTRACT §2): a role × endpoint matrix over every /api/ route of the OpenAPI
 * document, revoked and expired keys, sharing taking effect at once, injection-shaped input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../src/http/app.js';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

type Caller = 'none' | 'operator' | 'admin' | 'owner' | 'sharedMember' | 'otherMember' | 'viewer' | 'unsharedViewer' | 'ingest' | 'otherAdmin';
const CALLERS: Caller[] = ['none', 'operator', 'admin', 'owner', 'sharedMember', 'otherMember', 'viewer', 'unsharedViewer', 'ingest', 'otherAdmin'];

let rt: TestRuntime;
const keys = {} as Record<Caller, string>;
let accountA = '';
let refreshJob = '';
let exportId = '';
let reportId = '';
let runningExperiment = '';
let draftExperiment = '';
let ruleId = '';
let doomedRule = '';
let alertId = '';
let silenceId = '';
let dashboardId = '';
let doomedDashboard = '';
let dashboardLink = '';
let publicToken = '';
let integrationId = '';
let doomedIntegration = '';
const INTEGRATION = { kind: 'hubspot', name: 'CRM', credentials: { access_token: 'pat-na1-0000' }, schedule_minutes: 0 };
const RULE = { name: 'Silent', metric: 'events_received', scope: { type: 'each_workflow' }, detector: { type: 'threshold', threshold: -1, direction: 'above' }, channels: [] };
const EXPERIMENT = { workflow_id: 'wf', name: 'Subject line', variants: [{ key: 'A' }, { key: 'B' }], primary_metric: 'conversion_rate', power: { baseline_rate_percent: 10 } };
const REPORT = { name: 'Weekly', workflow_id: 'wf', formats: ['csv'], schedule: { frequency: 'weekly', day_of_week: 1, time: '09:00', timezone: 'UTC' }, recipients: ['a@example.com'] };
const DASHBOARD = { name: 'Shared', workflow_ids: ['wf'], widgets: [{ widget_id: 'n', type: 'metric', metrics: ['enrolled'], start_date: '2026-03-01', end_date: '2026-03-31' }] };
const DASHBOARD_SHARING = { shares: [{ kind: 'user', id: 'u-viewer', access: 'read' }, { kind: 'user', id: 'u-shared-member', access: 'edit' }], allowed_origins: [] };
let baseUrl = '';

async function key(account: string, role: string, userId?: string, extra: Record<string, unknown> = {}) {
  const res = await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role, name: `${role}-${userId ?? ''}`, ...(userId ? { user_id: userId } : {}), ...extra });
  assert.equal(res.status, 201, res.text);
  return res.json as { id: string; key: string };
}

before(async () => {
  rt = await startTestRuntime();
  accountA = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'A' })).json.account_id;
  const accountB = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'B' })).json.account_id;
  keys.none = '';
  keys.operator = OPERATOR_KEY;
  keys.admin = (await key(accountA, 'admin', 'u-admin')).key;
  keys.owner = (await key(accountA, 'member', 'u-owner')).key;
  keys.sharedMember = (await key(accountA, 'member', 'u-shared-member')).key;
  keys.otherMember = (await key(accountA, 'member', 'u-other')).key;
  keys.viewer = (await key(accountA, 'viewer', 'u-viewer')).key;
  keys.unsharedViewer = (await key(accountA, 'viewer', 'u-viewer2')).key;
  keys.ingest = (await key(accountA, 'ingest', 'u-engine')).key;
  keys.otherAdmin = (await key(accountB, 'admin', 'u-b')).key;

  const reg = { name: 'Onboarding', version: 1, owner_user_id: 'u-owner', steps: [{ step_id: 's1', name: 'Email', order: 1, type: 'action', action_type: 'send_email' }] };
  assert.equal((await rt.call('PUT', '/api/v1/workflows/wf', keys.admin, reg)).status, 201);
  const events = [ev.started('wf', 'e1', '2026-03-02T10:00:00Z'), ev.step('started', 'wf', 'e1', 's1', '2026-03-02T10:00:01Z'), ev.step('completed', 'wf', 'e1', 's1', '2026-03-02T10:00:02Z', { duration_ms: 1000 })];
  assert.equal((await rt.call('POST', '/api/v1/events', keys.ingest, events)).json.accepted, 3);
  const share = await rt.call('PUT', '/api/v1/workflows/wf/access', keys.owner, { user_ids: ['u-viewer', 'u-shared-member'] });
  assert.equal(share.status, 200, share.text);
  refreshJob = (await rt.call('POST', '/api/v1/workflows/wf/analytics/refresh', keys.admin)).json.job_id;
  reportId = (await rt.call('POST', '/api/v1/reports', keys.admin, REPORT)).json.report_id;
  runningExperiment = (await rt.call('POST', '/api/v1/experiments', keys.owner, EXPERIMENT)).json.experiment_id;
  assert.equal((await rt.call('POST', `/api/v1/experiments/${runningExperiment}/start`, keys.owner)).status, 200);
  draftExperiment = (await rt.call('POST', '/api/v1/experiments', keys.owner, EXPERIMENT)).json.experiment_id;
  ruleId = (await rt.call('POST', '/api/v1/alerts/rules', keys.admin, RULE)).json.rule_id;
  doomedRule = (await rt.call('POST', '/api/v1/alerts/rules', keys.admin, RULE)).json.rule_id;
  const evaluated = await rt.call('POST', `/api/v1/alerts/rules/${ruleId}/evaluate`, keys.admin);
  alertId = evaluated.json.evaluations.find((e: { workflow_id: string }) => e.workflow_id === 'wf').alert_id;
  silenceId = (await rt.call('POST', '/api/v1/alerts/silences', keys.admin, { ends_at: new Date(Date.now() + 3_600_000).toISOString() })).json.silence_id;
  exportId = (await rt.call('POST', '/api/v1/workflows/wf/analytics/export', keys.admin, { start_date: '2026-03-01', end_date: '2026-03-31' })).json.export_id;
  dashboardId = (await rt.call('POST', '/api/v1/analytics/dashboards', keys.owner, DASHBOARD)).json.dashboard_id;
  doomedDashboard = (await rt.call('POST', '/api/v1/analytics/dashboards', keys.owner, DASHBOARD)).json.dashboard_id;
  for (const id of [dashboardId, doomedDashboard]) assert.equal((await rt.call('PUT', `/api/v1/analytics/dashboards/${id}/sharing`, keys.owner, DASHBOARD_SHARING)).status, 200);
  dashboardLink = (await rt.call('POST', `/api/v1/analytics/dashboards/${dashboardId}/links`, keys.owner, {})).json.link_id;
  publicToken = (await rt.call('POST', `/api/v1/analytics/dashboards/${dashboardId}/links`, keys.owner, {})).json.token;
  integrationId = (await rt.call('POST', '/api/v1/integrations', keys.admin, INTEGRATION)).json.integration_id;
  doomedIntegration = (await rt.call('POST', '/api/v1/integrations', keys.admin, INTEGRATION)).json.integration_id;
  await rt.deps.jobs.idle();
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(rt.app.server.address() as { port: number }).port}`;
});


/** Expected status per caller; callers left out expect `rest`. */
function expect(rest: number, special: Partial<Record<Caller, number>>): Record<Caller, number> {
  return Object.fromEntries(CALLERS.map((c) => [c, c === 'none' ? 401 : (special[c] ?? rest)])) as Record<Caller, number>;
}

const READ_WF = { operator: 404, admin: 200, owner: 200, sharedMember: 200, viewer: 200, otherAdmin: 404 };
const WRITE_WF = { operator: 404, admin: 200, owner: 200, sharedMember: 200, otherAdmin: 404 };
const ADMIN_ONLY = { operator: 200, admin: 200, otherAdmin: 200 };
/** A dashboard of the owner, shared with u-viewer to read and u-shared-member to edit: whoever may not see it gets 404. */
const DASH_READ = { operator: 404, admin: 200, owner: 200, sharedMember: 200, otherMember: 404, viewer: 200, unsharedViewer: 404, otherAdmin: 404 };
const DASH_EDIT = { operator: 404, admin: 200, owner: 200, sharedMember: 200, otherMember: 404, otherAdmin: 404 };
const INTEGRATIONS_READ = { operator: 404, admin: 200, owner: 200, sharedMember: 200, otherMember: 200, otherAdmin: 404 };
const DASH_MANAGE = { operator: 404, admin: 200, owner: 200, otherMember: 404, otherAdmin: 404 };

interface Row {
  method: string;
  path: string;
  url: () => string;
  body?: () => unknown;
  codes: Record<Caller, number>;
  /** A never-ending response (SSE): asked over real HTTP, closed once the status is known. */
  stream?: boolean;
}

const q = '?start_date=2026-03-01&end_date=2026-03-31';
const MATRIX: Row[] = [
  { method: 'POST', path: '/api/v1/events', url: () => '/api/v1/events', body: () => [ev.started('wf-x', 'x', '2026-03-02T10:00:00Z')], codes: expect(403, { operator: 200, admin: 200, owner: 200, sharedMember: 200, otherMember: 200, ingest: 200, otherAdmin: 200 }) },
  { method: 'GET', path: '/api/v1/workflows', url: () => '/api/v1/workflows', codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/workflows', url: () => `/api/v1/analytics/workflows${q}`, codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}', url: () => '/api/v1/workflows/wf', codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics', url: () => `/api/v1/workflows/wf/analytics${q}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/funnel', url: () => `/api/v1/workflows/wf/analytics/funnel${q}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/actions', url: () => `/api/v1/workflows/wf/analytics/actions${q}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/cohorts', url: () => `/api/v1/workflows/wf/analytics/cohorts${q}&cohort=month&metric=converted`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/segments', url: () => `/api/v1/workflows/wf/analytics/segments${q}&by=attribute&attribute=plan&enrollment_source=api`, codes: expect(403, READ_WF) },
  { method: 'POST', path: '/api/v1/workflows/{workflow_id}/analytics/refresh', url: () => '/api/v1/workflows/wf/analytics/refresh', codes: expect(403, { ...WRITE_WF, admin: 202, owner: 202, sharedMember: 202 }) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/stream', url: () => '/api/v1/workflows/wf/analytics/stream', codes: expect(403, READ_WF), stream: true },
  { method: 'POST', path: '/api/v1/auth/stream-token', url: () => '/api/v1/auth/stream-token', body: () => ({ workflow_id: 'wf' }), codes: expect(403, { ...READ_WF, admin: 201, owner: 201, sharedMember: 201, viewer: 201 }) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/export', url: () => `/api/v1/workflows/wf/analytics/export${q}`, codes: expect(403, READ_WF) },
  { method: 'POST', path: '/api/v1/workflows/{workflow_id}/analytics/export', url: () => '/api/v1/workflows/wf/analytics/export', body: () => ({ start_date: '2026-03-01', end_date: '2026-03-31', format: 'json' }), codes: expect(403, { ...READ_WF, admin: 202, owner: 202, sharedMember: 202, viewer: 202 }) },
  { method: 'GET', path: '/api/v1/exports', url: () => '/api/v1/exports', codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/exports/{export_id}', url: () => `/api/v1/exports/${exportId}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/exports/{export_id}/download', url: () => `/api/v1/exports/${exportId}/download`, codes: expect(403, READ_WF) },
  { method: 'POST', path: '/api/v1/reports', url: () => '/api/v1/reports', body: () => REPORT, codes: expect(403, { operator: 400, admin: 201, otherAdmin: 400 }) },
  { method: 'GET', path: '/api/v1/reports', url: () => '/api/v1/reports', codes: expect(403, ADMIN_ONLY) },
  { method: 'GET', path: '/api/v1/reports/{report_id}', url: () => `/api/v1/reports/${reportId}`, codes: expect(403, { operator: 404, admin: 200, otherAdmin: 404 }) },
  { method: 'PUT', path: '/api/v1/reports/{report_id}', url: () => `/api/v1/reports/${reportId}`, body: () => REPORT, codes: expect(403, { operator: 404, admin: 200, otherAdmin: 404 }) },
  { method: 'POST', path: '/api/v1/reports/{report_id}/run', url: () => `/api/v1/reports/${reportId}/run`, codes: expect(403, { operator: 404, admin: 200, otherAdmin: 404 }) },
  { method: 'GET', path: '/api/v1/jobs/{job_id}', url: () => `/api/v1/jobs/${refreshJob}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/access', url: () => '/api/v1/workflows/wf/access', codes: expect(403, { operator: 404, admin: 200, owner: 200, otherAdmin: 404 }) },
  { method: 'PUT', path: '/api/v1/workflows/{workflow_id}/access', url: () => '/api/v1/workflows/wf/access', body: () => ({ user_ids: ['u-viewer', 'u-shared-member'] }), codes: expect(403, { operator: 404, admin: 200, owner: 200, otherAdmin: 404 }) },
  { method: 'GET', path: '/api/v1/api-keys', url: () => '/api/v1/api-keys', codes: expect(403, ADMIN_ONLY) },
  { method: 'GET', path: '/api/v1/audit-log', url: () => '/api/v1/audit-log', codes: expect(403, ADMIN_ONLY) },
  { method: 'GET', path: '/api/v1/account/settings', url: () => '/api/v1/account/settings', codes: expect(403, ADMIN_ONLY) },
  { method: 'PUT', path: '/api/v1/account/settings', url: () => '/api/v1/account/settings', body: () => ({ pseudonymize_contact_ids: false }), codes: expect(403, ADMIN_ONLY) },
  { method: 'DELETE', path: '/api/v1/contacts/{contact_id}', url: () => '/api/v1/contacts/nobody', codes: expect(403, { operator: 202, admin: 202, otherAdmin: 202 }) },
  { method: 'POST', path: '/api/v1/accounts', url: () => '/api/v1/accounts', body: () => ({ name: 'new' }), codes: expect(403, { operator: 201 }) },
  { method: 'POST', path: '/api/v1/api-keys', url: () => '/api/v1/api-keys', body: () => ({ role: 'viewer', name: 'x' }), codes: expect(403, { operator: 201, admin: 201, otherAdmin: 201 }) },
  // platform analytics (issue 8): account-wide reads count only readable workflows; activity and budgets are for admins
  { method: 'GET', path: '/api/v1/analytics/executions', url: () => `/api/v1/analytics/executions${q}&groupBy=workflow`, codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/executions/summary', url: () => `/api/v1/analytics/executions/summary${q}`, codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/executions/errors', url: () => `/api/v1/analytics/executions/errors${q}`, codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/workflows/{workflow_id}/performance', url: () => `/api/v1/analytics/workflows/wf/performance${q}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/analytics/workflows/{workflow_id}/steps', url: () => `/api/v1/analytics/workflows/wf/steps${q}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/analytics/workflows/comparison', url: () => `/api/v1/analytics/workflows/comparison${q}&workflow_ids=wf`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/analytics/workflows/rankings', url: () => `/api/v1/analytics/workflows/rankings${q}`, codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/roi', url: () => `/api/v1/analytics/roi${q}`, codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/activity', url: () => `/api/v1/analytics/activity${q}`, codes: expect(403, ADMIN_ONLY) },
  { method: 'GET', path: '/api/v1/analytics/activity/engagement', url: () => `/api/v1/analytics/activity/engagement${q}`, codes: expect(403, ADMIN_ONLY) },
  { method: 'GET', path: '/api/v1/analytics/activity/cohorts', url: () => `/api/v1/analytics/activity/cohorts${q}&cohort=month`, codes: expect(403, ADMIN_ONLY) },
  { method: 'GET', path: '/api/v1/analytics/activity/users/{user_id}', url: () => '/api/v1/analytics/activity/users/u-viewer', codes: expect(403, { ...ADMIN_ONLY, viewer: 200 }) },
  { method: 'GET', path: '/api/v1/analytics/costs', url: () => `/api/v1/analytics/costs${q}`, codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/costs/breakdown', url: () => `/api/v1/analytics/costs/breakdown${q}&by=user`, codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/costs/forecast', url: () => '/api/v1/analytics/costs/forecast', codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/costs/budgets', url: () => '/api/v1/analytics/costs/budgets', codes: expect(403, ADMIN_ONLY) },
  { method: 'PUT', path: '/api/v1/analytics/costs/budgets', url: () => '/api/v1/analytics/costs/budgets', body: () => ({ budgets: [] }), codes: expect(403, ADMIN_ONLY) },
  { method: 'GET', path: '/api/v1/analytics/costs/alerts', url: () => '/api/v1/analytics/costs/alerts', codes: expect(403, ADMIN_ONLY) },
  // versions compared, experiments (issue 26): read and write follow the experiment's workflow; assignment is for keys that send events
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/versions', url: () => `/api/v1/workflows/wf/analytics/versions${q}&versions=1,2`, codes: expect(403, READ_WF) },
  { method: 'POST', path: '/api/v1/experiments', url: () => '/api/v1/experiments', body: () => EXPERIMENT, codes: expect(403, { ...WRITE_WF, admin: 201, owner: 201, sharedMember: 201 }) },
  { method: 'GET', path: '/api/v1/experiments', url: () => '/api/v1/experiments', codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/experiments/{experiment_id}', url: () => `/api/v1/experiments/${runningExperiment}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/experiments/{experiment_id}/results', url: () => `/api/v1/experiments/${runningExperiment}/results`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/experiments/{experiment_id}/decisions', url: () => `/api/v1/experiments/${runningExperiment}/decisions`, codes: expect(403, READ_WF) },
  { method: 'POST', path: '/api/v1/experiments/{experiment_id}/evaluate', url: () => `/api/v1/experiments/${runningExperiment}/evaluate`, codes: expect(403, WRITE_WF) },
  // state changes that the experiment's state refuses (409) once the caller may make them
  { method: 'PUT', path: '/api/v1/experiments/{experiment_id}', url: () => `/api/v1/experiments/${runningExperiment}`, body: () => EXPERIMENT, codes: expect(403, { ...WRITE_WF, admin: 409, owner: 409, sharedMember: 409 }) },
  { method: 'DELETE', path: '/api/v1/experiments/{experiment_id}', url: () => `/api/v1/experiments/${runningExperiment}`, codes: expect(403, { ...WRITE_WF, admin: 409, owner: 409, sharedMember: 409 }) },
  { method: 'POST', path: '/api/v1/experiments/{experiment_id}/start', url: () => `/api/v1/experiments/${runningExperiment}/start`, codes: expect(403, { ...WRITE_WF, admin: 409, owner: 409, sharedMember: 409 }) },
  { method: 'POST', path: '/api/v1/experiments/{experiment_id}/stop', url: () => `/api/v1/experiments/${draftExperiment}/stop`, codes: expect(403, { ...WRITE_WF, admin: 409, owner: 409, sharedMember: 409 }) },
  { method: 'POST', path: '/api/v1/experiments/{experiment_id}/decide', url: () => `/api/v1/experiments/${draftExperiment}/decide`, body: () => ({ winner: 'B' }), codes: expect(403, { ...WRITE_WF, admin: 409, owner: 409, sharedMember: 409 }) },
  { method: 'POST', path: '/api/v1/experiments/{experiment_id}/rollback', url: () => `/api/v1/experiments/${runningExperiment}/rollback`, codes: expect(403, { ...WRITE_WF, admin: 409, owner: 409, sharedMember: 409 }) },
  { method: 'POST', path: '/api/v1/experiments/{experiment_id}/assign', url: () => `/api/v1/experiments/${runningExperiment}/assign`, body: () => ({ contact_id: 'c-1' }), codes: expect(403, { operator: 404, admin: 200, owner: 200, sharedMember: 200, otherMember: 200, ingest: 200, otherAdmin: 404 }) },
  // alerting (issue 27): rules and silences are the admins'; alerts follow their workflow
  { method: 'POST', path: '/api/v1/alerts/rules', url: () => '/api/v1/alerts/rules', body: () => RULE, codes: expect(403, { operator: 201, admin: 201, otherAdmin: 201 }) },
  { method: 'GET', path: '/api/v1/alerts/rules', url: () => '/api/v1/alerts/rules', codes: expect(403, ADMIN_ONLY) },
  { method: 'GET', path: '/api/v1/alerts/rules/{rule_id}', url: () => `/api/v1/alerts/rules/${ruleId}`, codes: expect(403, { operator: 404, admin: 200, otherAdmin: 404 }) },
  { method: 'PUT', path: '/api/v1/alerts/rules/{rule_id}', url: () => `/api/v1/alerts/rules/${ruleId}`, body: () => RULE, codes: expect(403, { operator: 404, admin: 200, otherAdmin: 404 }) },
  { method: 'DELETE', path: '/api/v1/alerts/rules/{rule_id}', url: () => `/api/v1/alerts/rules/${doomedRule}`, codes: expect(403, { operator: 404, admin: 204, otherAdmin: 404 }) },
  { method: 'POST', path: '/api/v1/alerts/rules/{rule_id}/evaluate', url: () => `/api/v1/alerts/rules/${ruleId}/evaluate`, codes: expect(403, { operator: 404, admin: 200, otherAdmin: 404 }) },
  { method: 'GET', path: '/api/v1/alerts', url: () => '/api/v1/alerts', codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/alerts/{alert_id}/history', url: () => `/api/v1/alerts/${alertId}/history`, codes: expect(403, READ_WF) },
  { method: 'POST', path: '/api/v1/alerts/{alert_id}/acknowledge', url: () => `/api/v1/alerts/${alertId}/acknowledge`, codes: expect(403, WRITE_WF) },
  { method: 'POST', path: '/api/v1/alerts/silences', url: () => '/api/v1/alerts/silences', body: () => ({ ends_at: new Date(Date.now() + 3_600_000).toISOString() }), codes: expect(403, { operator: 201, admin: 201, otherAdmin: 201 }) },
  { method: 'GET', path: '/api/v1/alerts/silences', url: () => '/api/v1/alerts/silences', codes: expect(403, ADMIN_ONLY) },
  { method: 'DELETE', path: '/api/v1/alerts/silences/{silence_id}', url: () => `/api/v1/alerts/silences/${silenceId}`, codes: expect(403, { operator: 404, admin: 204, otherAdmin: 404 }) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/anomalies', url: () => `/api/v1/workflows/wf/analytics/anomalies${q}&metric=events_received&bucket=day`, codes: expect(403, READ_WF) },
  // drill-down (issue 28): whoever may read the workflow
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/executions', url: () => `/api/v1/workflows/wf/executions${q}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/executions/{execution_id}', url: () => '/api/v1/workflows/wf/executions/e1', codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/insights', url: () => `/api/v1/workflows/wf/analytics/insights${q}`, codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/workflows/{workflow_id}/analytics/unified', url: () => `/api/v1/workflows/wf/analytics/unified${q}&model=first_touch`, codes: expect(403, READ_WF) },
  // dashboards (issue 28): readers of figures see what is theirs or shared with them, admins and members change (owner and admins manage); the public view answers to its token alone
  { method: 'GET', path: '/api/v1/analytics/dashboards', url: () => '/api/v1/analytics/dashboards', codes: expect(200, { ingest: 403 }) },
  { method: 'GET', path: '/api/v1/analytics/dashboards/templates', url: () => '/api/v1/analytics/dashboards/templates', codes: expect(200, { ingest: 403 }) },
  { method: 'POST', path: '/api/v1/analytics/dashboards', url: () => '/api/v1/analytics/dashboards', body: () => ({ name: 'New', template: 'operations' }), codes: expect(403, { operator: 201, admin: 201, owner: 201, sharedMember: 201, otherMember: 201, otherAdmin: 201 }) },
  { method: 'POST', path: '/api/v1/analytics/dashboards/widget-data', url: () => '/api/v1/analytics/dashboards/widget-data', body: () => ({ widget: DASHBOARD.widgets[0], workflow_ids: ['wf'] }), codes: expect(403, READ_WF) },
  { method: 'GET', path: '/api/v1/analytics/dashboards/{dashboard_id}', url: () => `/api/v1/analytics/dashboards/${dashboardId}`, codes: expect(403, DASH_READ) },
  { method: 'PUT', path: '/api/v1/analytics/dashboards/{dashboard_id}', url: () => `/api/v1/analytics/dashboards/${dashboardId}`, body: () => ({ name: 'Renamed', workflow_ids: ['wf'] }), codes: expect(403, DASH_EDIT) },
  { method: 'POST', path: '/api/v1/analytics/dashboards/{dashboard_id}/duplicate', url: () => `/api/v1/analytics/dashboards/${dashboardId}/duplicate`, codes: expect(403, { ...DASH_EDIT, admin: 201, owner: 201, sharedMember: 201 }) },
  { method: 'GET', path: '/api/v1/analytics/dashboards/{dashboard_id}/data', url: () => `/api/v1/analytics/dashboards/${dashboardId}/data`, codes: expect(403, DASH_READ) },
  { method: 'GET', path: '/api/v1/analytics/dashboards/{dashboard_id}/widgets/{widget_id}/data', url: () => `/api/v1/analytics/dashboards/${dashboardId}/widgets/n/data`, codes: expect(403, DASH_READ) },
  { method: 'PUT', path: '/api/v1/analytics/dashboards/{dashboard_id}/sharing', url: () => `/api/v1/analytics/dashboards/${dashboardId}/sharing`, body: () => DASHBOARD_SHARING, codes: expect(403, DASH_MANAGE) },
  { method: 'GET', path: '/api/v1/analytics/dashboards/{dashboard_id}/links', url: () => `/api/v1/analytics/dashboards/${dashboardId}/links`, codes: expect(403, DASH_MANAGE) },
  { method: 'POST', path: '/api/v1/analytics/dashboards/{dashboard_id}/links', url: () => `/api/v1/analytics/dashboards/${dashboardId}/links`, body: () => ({}), codes: expect(403, { ...DASH_MANAGE, admin: 201, owner: 201 }) },
  { method: 'DELETE', path: '/api/v1/analytics/dashboards/{dashboard_id}/links/{link_id}', url: () => `/api/v1/analytics/dashboards/${dashboardId}/links/${dashboardLink}`, codes: expect(403, { ...DASH_MANAGE, admin: 204, owner: 204 }) },
  { method: 'GET', path: '/api/v1/public/dashboards/{token}', url: () => `/api/v1/public/dashboards/${publicToken}`, codes: { ...expect(200, {}), none: 200 } },
  // the admin deletes it first: the owner and the member it is shared with then find it gone (an editor may not delete: test/dashboards.test.ts)
  { method: 'DELETE', path: '/api/v1/analytics/dashboards/{dashboard_id}', url: () => `/api/v1/analytics/dashboards/${doomedDashboard}`, codes: expect(403, { ...DASH_EDIT, admin: 204, owner: 404, sharedMember: 404 }) },
  // integrations (issue 29): admins manage them, admins and members read them (never their credentials); another account's is 404
  { method: 'GET', path: '/api/v1/integrations', url: () => '/api/v1/integrations', codes: expect(403, { ...INTEGRATIONS_READ, operator: 200, otherAdmin: 200 }) },
  { method: 'POST', path: '/api/v1/integrations', url: () => '/api/v1/integrations', body: () => INTEGRATION, codes: expect(403, { operator: 201, admin: 201, otherAdmin: 201 }) },
  { method: 'GET', path: '/api/v1/integrations/{integration_id}', url: () => `/api/v1/integrations/${integrationId}`, codes: expect(403, INTEGRATIONS_READ) },
  { method: 'PATCH', path: '/api/v1/integrations/{integration_id}', url: () => `/api/v1/integrations/${integrationId}`, body: () => ({ name: 'CRM (renamed)' }), codes: expect(403, { operator: 404, admin: 200, otherAdmin: 404 }) },
  { method: 'GET', path: '/api/v1/integrations/{integration_id}/runs', url: () => `/api/v1/integrations/${integrationId}/runs`, codes: expect(403, INTEGRATIONS_READ) },
  { method: 'POST', path: '/api/v1/integrations/{integration_id}/sync', url: () => `/api/v1/integrations/${integrationId}/sync`, codes: expect(403, { operator: 404, admin: 202, otherAdmin: 404 }) },
  { method: 'DELETE', path: '/api/v1/integrations/{integration_id}', url: () => `/api/v1/integrations/${doomedIntegration}`, codes: expect(403, { operator: 404, admin: 204, otherAdmin: 404 }) },
  // the metric catalog: every key that may read figures
  { method: 'GET', path: '/api/v1/metrics', url: () => '/api/v1/metrics', codes: expect(200, { ingest: 403 }) },
  // who am I: every valid key, the ingest key too (issue 36: it got 403); without a key, "nobody signed in"
  { method: 'GET', path: '/api/v1/session', url: () => '/api/v1/session', codes: { ...expect(200, {}), none: 200 } },
  // a workflow id names a workflow within the caller's account: another account registers its own
  { method: 'PUT', path: '/api/v1/workflows/{workflow_id}', url: () => '/api/v1/workflows/wf', body: () => ({ name: 'Onboarding', version: 1, owner_user_id: 'u-owner', steps: [{ step_id: 's1', name: 'Email', order: 1, type: 'action', action_type: 'send_email' }] }), codes: expect(403, { operator: 201, admin: 200, owner: 200, sharedMember: 200, otherAdmin: 201 }) },
];

describe('access control', () => {
  after(async () => rt?.close());

  test('the matrix covers every /api/ route of the OpenAPI document', async () => {
    const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/'))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    // the session routes answer callers without a key (sign-in, "nobody signed in"): test/dashboard-session.test.ts
    const SESSION = ['POST /api/v1/session', 'DELETE /api/v1/session'];
    const covered = new Set([...MATRIX.map((r) => `${r.method} ${r.path}`), 'DELETE /api/v1/api-keys/{id}', 'DELETE /api/v1/reports/{report_id}', ...SESSION]);
    assert.deepEqual(documented.filter((r) => !covered.has(r)), [], 'routes without matrix rows');
  });

  test('every route answers each role as CONTRACT §2 says', async () => {
    const failures: string[] = [];
    for (const row of MATRIX) {
      for (const caller of CALLERS) {
        const body = row.body?.();
        if (row.stream) {
          const controller = new AbortController();
          const r = await fetch(`${baseUrl}${row.url()}`, { headers: caller === 'none' ? {} : { authorization: `Bearer ${keys[caller]}` }, signal: controller.signal });
          if (r.status !== row.codes[caller]) failures.push(`${row.method} ${row.path} as ${caller}: ${r.status} (expected ${row.codes[caller]})`);
          if (r.status >= 400) assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
          controller.abort();
          continue;
        }
        const res = await rt.app.inject({
          method: row.method as 'GET',
          url: row.url(),
          headers: caller === 'none' ? {} : { authorization: `Bearer ${keys[caller]}` },
          ...(body === undefined ? {} : { payload: body as object }),
        });
        if (res.statusCode !== row.codes[caller]) failures.push(`${row.method} ${row.path} as ${caller}: ${res.statusCode} (expected ${row.codes[caller]}) ${res.body.slice(0, 160)}`);
        if (res.statusCode >= 400) {
          assert.match(String(res.headers['content-type']), /application\/problem\+json/, `${row.method} ${row.path} as ${caller}`);
          if (res.statusCode === 401) assert.equal(res.headers['www-authenticate'], 'Bearer');
        }
      }
      await rt.deps.jobs.idle();
    }
    assert.deepEqual(failures, []);
  });

  test('deleting a report: admins of its account only', async () => {
    assert.equal((await rt.call('DELETE', `/api/v1/reports/${reportId}`, keys.otherAdmin)).status, 404);
    assert.equal((await rt.call('DELETE', `/api/v1/reports/${reportId}`, keys.owner)).status, 403);
    assert.equal((await rt.call('DELETE', `/api/v1/reports/${reportId}`, keys.admin)).status, 204);
  });

  test('revoking a key takes effect at once; only admins of the key\'s account may revoke it', async () => {
    const k = await key(accountA, 'viewer', 'u-viewer');
    assert.equal((await rt.call('GET', '/api/v1/workflows', k.key)).status, 200);
    assert.equal((await rt.call('DELETE', `/api/v1/api-keys/${k.id}`, keys.otherAdmin)).status, 404);
    assert.equal((await rt.call('DELETE', `/api/v1/api-keys/${k.id}`, keys.owner)).status, 403);
    assert.equal((await rt.call('DELETE', `/api/v1/api-keys/${k.id}`, keys.admin)).status, 204);
    const res = await rt.call('GET', '/api/v1/workflows', k.key);
    assert.equal(res.status, 401);
    assert.match(res.json.detail, /revoked/);
    const list = (await rt.call('GET', '/api/v1/api-keys', keys.admin)).json.api_keys as Array<Record<string, unknown>>;
    assert.ok(!list.some((x) => x.key_id === k.id), 'a revoked key is not listed');
    assert.ok(list.every((x) => !('key' in x) && !('key_hash' in x)), 'secrets are never listed');
  });

  test('an expired key is refused; one about to expire works until it does', async () => {
    const past = await key(accountA, 'admin', 'u-x', { expires_at: new Date(Date.now() - 1000).toISOString() });
    assert.equal((await rt.call('GET', '/api/v1/workflows', past.key)).status, 401);
    const soon = await key(accountA, 'admin', 'u-x', { expires_at: new Date(Date.now() + 1500).toISOString() });
    assert.equal((await rt.call('GET', '/api/v1/workflows', soon.key)).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal((await rt.call('GET', '/api/v1/workflows', soon.key)).status, 401);
  });

  test('lists show a member or viewer only the workflows it may read', async () => {
    await rt.call('PUT', '/api/v1/workflows/wf-secret', keys.admin, { name: 'Secret', version: 1, steps: [] });
    const ids = async (k: string) => ((await rt.call('GET', '/api/v1/workflows', k)).json.workflows as Array<{ workflow_id: string }>).map((w) => w.workflow_id).sort();
    assert.deepEqual(await ids(keys.admin), ['wf', 'wf-secret', 'wf-x'].sort());
    assert.deepEqual(await ids(keys.owner), ['wf']);
    assert.deepEqual(await ids(keys.viewer), ['wf']);
    assert.deepEqual(await ids(keys.unsharedViewer), []);
    // the dashboard's overview lists the same workflows
    const overview = async (k: string) => ((await rt.call('GET', `/api/v1/analytics/workflows${q}`, k)).json.workflows as Array<{ workflow_id: string }>).map((w) => w.workflow_id).sort();
    assert.deepEqual(await overview(keys.admin), ['wf', 'wf-secret', 'wf-x'].sort());
    assert.deepEqual(await overview(keys.viewer), ['wf']);
    assert.deepEqual(await overview(keys.unsharedViewer), []);
  });

  test('sharing and unsharing take effect at once; a member registering a workflow owns it', async () => {
    const url = `/api/v1/workflows/wf/analytics${q}`;
    assert.equal((await rt.call('GET', url, keys.unsharedViewer)).status, 403);
    await rt.call('PUT', '/api/v1/workflows/wf/access', keys.admin, { user_ids: ['u-viewer', 'u-viewer2'] });
    assert.equal((await rt.call('GET', url, keys.unsharedViewer)).status, 200);
    await rt.call('PUT', '/api/v1/workflows/wf/access', keys.admin, { user_ids: ['u-viewer', 'u-shared-member'] });
    assert.equal((await rt.call('GET', url, keys.unsharedViewer)).status, 403);
    // a shared member may read and change, but not re-share
    assert.equal((await rt.call('PUT', '/api/v1/workflows/wf/access', keys.sharedMember, { user_ids: [] })).status, 403);

    const mine = await rt.call('PUT', '/api/v1/workflows/wf-mine', keys.otherMember, { name: 'Mine', version: 1, steps: [] });
    assert.equal(mine.status, 201);
    assert.equal(mine.json.versions[0].owner_user_id, 'u-other');
    assert.equal((await rt.call('GET', '/api/v1/workflows/wf-mine', keys.otherMember)).status, 200);
    assert.equal((await rt.call('GET', '/api/v1/workflows/wf-mine', keys.owner)).status, 403);
    const access = await rt.call('GET', '/api/v1/workflows/wf/access', keys.owner);
    assert.deepEqual(access.json.user_ids, ['u-shared-member', 'u-viewer']);
    assert.equal(access.json.owner_user_id, 'u-owner');
  });

  test('injection-shaped ids and parameters are answered with 4xx problem+json and change nothing', async () => {
    const before = (await rt.query<{ n: number }>('SELECT count() AS n FROM events'))[0]!.n;
    const nasty = ["x' OR '1'='1", "'; DROP TABLE events; --", '{a:String}', '../../etc/passwd', 'wf\u0000', '%27%20OR%201%3D1', 'wf" OR ""="', 'ö'.repeat(128), 'x'.repeat(129)];
    for (const id of nasty) {
      for (const suffix of ['', '/analytics/funnel', '/access']) {
        const res = await rt.call('GET', `/api/v1/workflows/${encodeURIComponent(id)}${suffix}${suffix ? q : ''}`, keys.admin);
        assert.ok([400, 404].includes(res.status), `${id}${suffix}: ${res.status} ${res.text}`);
        assert.doesNotMatch(res.text, /DB::Exception|SELECT |at .*\.ts:\d+/);
      }
      for (const param of ['start_date', 'timezone', 'granularity', 'range', 'variant', 'version', 'compare']) {
        const res = await rt.call('GET', `/api/v1/workflows/wf/analytics?start_date=2026-03-01&end_date=2026-03-02&${param}=${encodeURIComponent(id)}`, keys.admin);
        assert.ok(res.status === 400 || (param === 'variant' && res.status === 200), `${param}=${id}: ${res.status} ${res.text}`);
      }
    }
    assert.equal((await rt.query<{ n: number }>('SELECT count() AS n FROM events'))[0]!.n, before);
    const tables = await rt.query<{ name: string }>("SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'events'");
    assert.equal(tables.length, 1);
  });

  test('responses carry security headers; CORS is closed unless origins are configured', async () => {
    const res = await rt.app.inject({ method: 'GET', url: '/api/v1/workflows', headers: { authorization: `Bearer ${keys.admin}`, origin: 'https://evil.example' } });
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.headers['content-security-policy']);
    assert.ok(res.headers['strict-transport-security']);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('configured CORS origins are allowed, others are not', async () => {
    const other = await buildApp({ ...rt.deps, config: { ...rt.deps.config, corsOrigins: ['https://dash.example.com'] } });
    try {
      const pre = (origin: string) => other.inject({ method: 'OPTIONS', url: '/api/v1/workflows', headers: { origin, 'access-control-request-method': 'GET' } });
      assert.equal((await pre('https://dash.example.com')).headers['access-control-allow-origin'], 'https://dash.example.com');
      assert.equal((await pre('https://evil.example')).headers['access-control-allow-origin'], undefined);
    } finally {
      await other.close();
    }
  });
});
