/**
 * Dashboards (issue 28): widgets answered from the existing endpoints' answers for the same query (checked by hand
 * and against those endpoints), relative periods resolved at read time, templates and duplicates, who sees and
 * changes a dashboard (owner, admins, shares to users and roles, read or edit), a viewer seeing only the workflows
 * it may read, public links (hashed tokens, expiry, revocation: 404/410, nothing but the dashboard's workflows of its
 * own account) and the embed page's frame-ancestors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashToken } from '../src/dashboards/store.js';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let account = '';
const keys = { admin: '', mia: '', vera: '', otto: '', other: '' };
const at = (day: number, h: number, m = 0) => `2026-03-${String(day).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`;
const PERIOD = { start_date: '2026-03-01', end_date: '2026-03-07', range: null, timezone: 'UTC', granularity: 'daily' };
const q = 'start_date=2026-03-01&end_date=2026-03-07';
const base = '/api/v1/analytics/dashboards';

async function key(role: string, userId: string, acc = account) {
  const r = await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: acc, role, name: userId, user_id: userId });
  assert.equal(r.status, 201, r.text);
  return r.json.key as string;
}

async function ok(method: string, url: string, k: string, body?: unknown, status = 200) {
  const r = await rt.call(method, url, k, body);
  assert.equal(r.status, status, `${method} ${url}: ${r.text}`);
  return r.json;
}

before(async () => {
  rt = await startTestRuntime();
  account = (await ok('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Dash' }, 201)).account_id;
  keys.admin = await key('admin', 'ada');
  keys.mia = await key('member', 'mia');
  keys.vera = await key('viewer', 'vera');
  keys.otto = await key('member', 'otto');
  const other = (await ok('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Other' }, 201)).account_id;
  keys.other = await key('admin', 'olga', other);
  const steps = [{ step_id: 's1', name: 'Welcome', order: 1, type: 'action', action_type: 'send_email' }, { step_id: 's2', name: 'Follow-up', order: 2, type: 'action', action_type: 'send_email' }];
  await ok('PUT', '/api/v1/workflows/onboard', keys.mia, { name: 'Onboarding', version: 1, steps }, 201);
  await ok('PUT', '/api/v1/workflows/billing', keys.mia, { name: 'Billing', version: 1, steps: [] }, 201);
  await ok('PUT', '/api/v1/workflows/secret', keys.admin, { name: 'Secret', version: 1, steps: [] }, 201);
  await ok('PUT', '/api/v1/workflows/onboard/access', keys.mia, { user_ids: ['vera'] });
  const O = 'onboard';
  const B = 'billing';
  const events = [
    // onboard, 2026-03-01..07 (UTC): e1 completed after 2 h, e2 converted and completed after 4 h, e3 exited, e4 failed, e5 active
    ev.started(O, 'e1', at(2, 10)), ev.step('started', O, 'e1', 's1', at(2, 10, 1)), ev.step('completed', O, 'e1', 's1', at(2, 10, 2), { duration_ms: 60_000 }), ev.completed(O, 'e1', at(2, 12)),
    ev.started(O, 'e2', at(2, 11)), ev.step('started', O, 'e2', 's1', at(2, 11, 1)), ev.step('failed', O, 'e2', 's1', at(2, 11, 2), { duration_ms: 1000 }), ev.goal(O, 'e2', at(2, 11, 30)), ev.completed(O, 'e2', at(2, 15)),
    ev.started(O, 'e3', at(3, 9)), ev.exited(O, 'e3', at(3, 10), 'unsubscribed'),
    ev.started(O, 'e4', at(4, 9)), ev.failed(O, 'e4', at(4, 9, 30)),
    ev.started(O, 'e5', at(5, 23, 30)),
    // the week before: one execution, completed
    ev.started(O, 'p1', '2026-02-25T10:00:00Z'), ev.completed(O, 'p1', '2026-02-25T12:00:00Z'),
    // billing: b1 completed after 1 h, b2 active and charged 5 USD
    ev.started(B, 'b1', at(2, 10, 30)), ev.completed(B, 'b1', at(2, 11, 30)),
    ev.started(B, 'b2', at(6, 8)), { type: 'cost.recorded', workflow_id: B, execution_id: 'b2', timestamp: at(6, 8, 5), action_type: 'llm', amount_usd: 5, credits: 50 },
    // secret: never shown to mia, vera, nor any public link
    ev.started('secret', 'x1', at(3, 10)),
  ];
  const r = await ok('POST', '/api/v1/events', keys.admin, events);
  assert.equal(r.accepted, events.length);
});
after(() => rt?.close());

const widget = (id: string, extra: Record<string, unknown>) => ({ widget_id: id, ...PERIOD, ...extra });
let dash = '';

describe('widget data equals the existing endpoints\' answers', () => {
  let data: Map<string, any>;
  before(async () => {
    const created = await ok('POST', base, keys.mia, {
      name: 'Growth',
      workflow_ids: ['onboard', 'billing'],
      widgets: [
        widget('enrolled', { type: 'metric', metrics: ['enrolled'], workflow_ids: ['onboard'], compare: true, x: 0, y: 0 }),
        widget('completion', { type: 'metric', metrics: ['completion_rate'], x: 3, y: 0 }),
        widget('duration', { type: 'metric', metrics: ['duration_hours'], x: 6, y: 0 }),
        widget('median', { type: 'metric', metrics: ['duration_hours_p50'], x: 9, y: 0 }),
        widget('trend', { type: 'area', metrics: ['new_enrollments', 'completions'], x: 0, y: 2 }),
        widget('funnel', { type: 'funnel', workflow_ids: ['onboard'], x: 6, y: 2 }),
        widget('table', { type: 'table', rows: 'workflows', metrics: ['enrolled', 'completion_rate', 'converted'], x: 0, y: 6 }),
        widget('actions', { type: 'table', rows: 'actions', workflow_ids: ['onboard'], x: 0, y: 10 }),
        widget('heat', { type: 'heatmap', metrics: ['new_enrollments'], timezone: 'America/New_York', x: 0, y: 14 }),
        widget('outcomes', { type: 'pie', breakdown: 'outcome', workflow_ids: ['onboard'], x: 6, y: 14 }),
        widget('errors', { type: 'pie', breakdown: 'error_types', x: 6, y: 18 }),
        widget('events', { type: 'line', metrics: ['events_received'], workflow_ids: ['onboard'], x: 0, y: 18 }),
        widget('spend', { type: 'metric', metrics: ['cost_usd'], x: 0, y: 22 }),
        widget('by-wf', { type: 'pie', breakdown: 'workflow', metrics: ['enrolled'], x: 3, y: 22 }),
      ],
    }, 201);
    dash = created.dashboard_id;
    assert.equal(created.your_access, 'owner');
    assert.equal(created.created_by, 'mia');
    const body = await ok('GET', `${base}/${dash}/data`, keys.mia);
    data = new Map(body.widgets.map((w: { widget_id: string }) => [w.widget_id, w]));
    for (const w of body.widgets) assert.equal(w.error, null, `${w.widget_id}: ${w.error}`);
  });

  test('cards: the summary\'s figures, summed over workflows, rates from the sums', async () => {
    const onboard = await ok('GET', `/api/v1/workflows/onboard/analytics?${q}&compare=previous_period`, keys.mia);
    const billing = await ok('GET', `/api/v1/workflows/billing/analytics?${q}`, keys.mia);
    // onboard: 5 enrolled in the week, 1 the week before: +400 %
    assert.deepEqual(data.get('enrolled').card, { metric: 'enrolled', label: 'Enrolled', unit: 'executions', better: 'higher', value: 5, previous: 1, change_percent: 400 });
    assert.equal(data.get('enrolled').card.value, onboard.summary.total_enrolled);
    assert.equal(data.get('enrolled').card.change_percent, onboard.comparison.change_percent.total_enrolled);
    // both: completed 2 + 1 of 5 + 2 enrolled = 42.86 %
    assert.equal(onboard.summary.completed + billing.summary.completed, 3);
    assert.equal(data.get('completion').card.value, 42.86);
    assert.deepEqual(data.get('completion').workflows, ['onboard', 'billing']);
    // mean duration: onboard 3 h over 2 completed, billing 1 h over 1 → 7 / 3
    assert.equal(onboard.summary.average_duration_hours, 3);
    assert.equal(billing.summary.average_duration_hours, 1);
    assert.equal(data.get('duration').card.value, 2.33);
    assert.match(data.get('duration').note, /weighted/);
    // a median of two workflows is not made of theirs
    assert.equal(data.get('median').card.value, null);
    assert.match(data.get('median').note, /name one workflow/);
    // cost: the 5 USD of b2 (a watched sum, per UTC hour)
    assert.equal(data.get('spend').card.value, 5);
  });

  test('charts: the trends per bucket, summed', async () => {
    const [o, b] = await Promise.all(['onboard', 'billing'].map((w) => ok('GET', `/api/v1/workflows/${w}/analytics?${q}`, keys.mia)));
    const s = data.get('trend').series;
    assert.equal(s.buckets, 'period');
    assert.deepEqual(s.labels, ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07']);
    assert.deepEqual(s.metrics[0].values, [0, 3, 1, 1, 1, 1, 0]);
    assert.deepEqual(s.metrics[0].values, o.trends.map((r: { new_enrollments: number }, i: number) => r.new_enrollments + b.trends[i].new_enrollments));
    assert.deepEqual(s.metrics[1].values, [0, 3, 0, 0, 0, 0, 0]);
    assert.equal(s.metrics[1].label, 'Completions');
    // a watched metric per UTC day: the anomaly bands' values
    const bands = await ok('GET', `/api/v1/workflows/onboard/analytics/anomalies?${q}&metric=events_received&bucket=day`, keys.mia);
    const events = data.get('events').series;
    assert.equal(events.buckets, 'day');
    assert.deepEqual(events.metrics[0].values, bands.points.map((p: { value: number }) => p.value));
    // onboard's events per day: 2 + 4 + 1 goal + … on the 2nd (4 + 5), 2 on the 3rd, 2 on the 4th, 1 on the 5th
    assert.deepEqual(events.metrics[0].values, [0, 9, 2, 2, 1, 0, 0]);
  });

  test('funnel, tables and pies: the funnel, the overview and the actions', async () => {
    const funnel = await ok('GET', `/api/v1/workflows/onboard/analytics/funnel?${q}`, keys.mia);
    const f = data.get('funnel').funnel;
    for (const k of ['total_enrolled', 'funnel_steps', 'overall_conversion', 'drop_off_points', 'bottleneck_step', 'slowest_step']) assert.deepEqual(f[k], funnel[k], k);
    assert.equal(f.funnel_steps[0].entered, 2);

    const overview = await ok('GET', `/api/v1/analytics/workflows?${q}`, keys.mia);
    const t = data.get('table').table;
    assert.deepEqual(t.columns.map((c: { key: string }) => c.key), ['enrolled', 'completion_rate', 'converted']);
    assert.deepEqual(t.rows.map((r: { id: string; label: string }) => [r.id, r.label]), [['onboard', 'Onboarding'], ['billing', 'Billing']]);
    for (const row of t.rows) {
      const o = overview.workflows.find((w: { workflow_id: string }) => w.workflow_id === row.id);
      assert.deepEqual(row.values, [o.total_enrolled, o.completion_rate, o.goals_achieved]);
    }
    assert.deepEqual(t.rows[0].values, [5, 40, 1]);

    const actions = await ok('GET', `/api/v1/workflows/onboard/analytics/actions?${q}`, keys.mia);
    const a = data.get('actions').table;
    assert.deepEqual(a.rows.map((r: { id: string }) => r.id), actions.actions.map((r: { action_id: string }) => r.action_id));
    assert.deepEqual(a.rows[0].values, [actions.actions[0].executions, actions.actions[0].failures, actions.actions[0].error_rate, actions.actions[0].average_duration_ms, actions.actions[0].p95_duration_ms]);
    assert.deepEqual(a.rows[0].values.slice(0, 3), [2, 1, 50]);

    // onboard's cohort: converted e2, completed e1, active e5, exited e3, failed e4
    assert.deepEqual(data.get('outcomes').pie.slices.map((s: { key: string; value: number }) => [s.key, s.value]), [['converted', 1], ['completed', 1], ['active', 1], ['exited', 1], ['failed', 1]]);
    assert.deepEqual(data.get('errors').pie.slices, [{ key: 'timeout', label: 'timeout', value: 1 }]);
    assert.deepEqual(data.get('by-wf').pie.slices.map((s: { label: string; value: number }) => [s.label, s.value]), [['Onboarding', 5], ['Billing', 2]]);
  });

  test('the heatmap folds the hourly enrollments by weekday and hour in the widget\'s timezone', () => {
    const h = data.get('heat').heatmap;
    assert.equal(h.timezone, 'America/New_York');
    assert.equal(h.total, 7);
    // New York is UTC−5 until 8 March: Monday 2 March 10:00Z and 10:30Z → Mon 05h (2), 11:00Z → Mon 06h;
    // Tue 09:00Z → Tue 04h; Wed 09:00Z → Wed 04h; Thu 23:30Z → Thu 18h; Fri 08:00Z → Fri 03h
    const cells: Array<[number, number, number]> = [];
    h.cells.forEach((row: number[], d: number) => row.forEach((v, hour) => v > 0 && cells.push([d, hour, v])));
    assert.deepEqual(cells, [[0, 5, 2], [0, 6, 1], [1, 4, 1], [2, 4, 1], [3, 18, 1], [4, 3, 1]]);
    assert.equal(h.max, 2);
  });

  test('one widget\'s data and an unsaved widget\'s preview give the same answer', async () => {
    const one = await ok('GET', `${base}/${dash}/widgets/completion/data`, keys.mia);
    assert.equal(one.card.value, 42.86);
    const preview = await ok('POST', `${base}/widget-data`, keys.mia, { widget: { type: 'metric', metrics: ['completion_rate'], ...PERIOD }, workflow_ids: ['onboard', 'billing'] });
    assert.equal(preview.card.value, 42.86);
    assert.equal((await rt.call('GET', `${base}/${dash}/widgets/nope/data`, keys.mia)).status, 404);
  });
});

test('a relative period is resolved when read, in the widget\'s timezone', async () => {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  await ok('POST', '/api/v1/events', keys.admin, [ev.started('billing', 'today-1', iso(now - 60_000)), ev.started('billing', 'week-1', iso(now - 3 * 86_400_000))]);
  const d = await ok('POST', base, keys.mia, {
    name: 'Now', workflow_ids: ['billing'], timezone: 'Asia/Kolkata',
    widgets: [{ widget_id: 'today', type: 'metric', metrics: ['enrolled'], range: 'today' }, { widget_id: 'week', type: 'metric', metrics: ['new_enrollments'], range: 'last_7_days' }],
  }, 201);
  assert.equal(d.widgets[0].timezone, 'Asia/Kolkata');
  const data = await ok('GET', `${base}/${d.dashboard_id}/data`, keys.mia);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
  assert.equal(data.widgets[0].period.end_date, today);
  assert.equal(data.widgets[0].period.timezone, 'Asia/Kolkata');
  const summary = await ok('GET', `/api/v1/workflows/billing/analytics?range=today&timezone=Asia/Kolkata`, keys.mia);
  assert.equal(data.widgets[0].card.value, summary.summary.total_enrolled);
  assert.ok(data.widgets[0].card.value >= 1);
  assert.equal(data.widgets[1].card.value, (await ok('GET', `/api/v1/workflows/billing/analytics?range=last_7_days&timezone=Asia/Kolkata`, keys.mia)).summary.total_enrolled);
});

test('templates, duplicates and invalid widgets', async () => {
  const { templates, library } = await ok('GET', `${base}/templates`, keys.vera);
  assert.deepEqual(templates.map((t: { template: string }) => t.template), ['executive', 'operations', 'costs']);
  // the widget library: each kind with what it can show
  assert.deepEqual(library.map((k: { type: string }) => k.type), ['metric', 'line', 'area', 'bar', 'funnel', 'table', 'heatmap', 'pie']);
  const line = library.find((k: { type: string }) => k.type === 'line');
  assert.ok(line.metrics.includes('execution_failure_rate') && line.metrics.includes('completions') && !line.metrics.includes('completion_rate'));
  assert.deepEqual(library.find((k: { type: string }) => k.type === 'table').metrics, ['enrolled', 'active', 'completed', 'completion_rate', 'converted', 'conversion_rate']);
  const exec = await ok('POST', base, keys.mia, { name: 'Exec', template: 'executive', workflow_ids: ['onboard'] }, 201);
  assert.equal(exec.template, 'executive');
  assert.deepEqual(exec.widgets.map((w: { widget_id: string }) => w.widget_id), templates[0].widgets.map((w: { widget_id: string }) => w.widget_id));
  const data = await ok('GET', `${base}/${exec.dashboard_id}/data`, keys.mia);
  assert.deepEqual(data.widgets.filter((w: { error: string | null }) => w.error !== null), []);
  for (const t of ['operations', 'costs']) {
    const d = await ok('POST', base, keys.mia, { name: t, template: t }, 201);
    const answered = await ok('GET', `${base}/${d.dashboard_id}/data`, keys.mia);
    assert.deepEqual(answered.widgets.filter((w: { error: string | null }) => w.error !== null).map((w: { error: string }) => w.error), [], t);
  }

  const copy = await ok('POST', `${base}/${exec.dashboard_id}/duplicate`, keys.admin, undefined, 201);
  assert.equal(copy.name, 'Copy of Exec');
  assert.equal(copy.created_by, 'ada');
  assert.deepEqual(copy.widgets, exec.widgets);
  assert.deepEqual(copy.shares, []);

  const bad = await rt.call('POST', base, keys.mia, {
    name: 'Bad', workflow_ids: ['onboard'],
    widgets: [
      { type: 'metric', metrics: ['no_such_metric'] },
      { type: 'line', metrics: ['completions', 'cost_usd'] },
      { type: 'funnel', workflow_ids: ['billing'] },
      { type: 'metric', metrics: ['events_received'], variant: 'A' },
      { type: 'bar', metrics: ['new_enrollments'], x: 10, w: 4 },
    ],
  });
  assert.equal(bad.status, 400, bad.text);
  const paths = bad.json.errors.map((e: { path: string }) => e.path);
  assert.deepEqual(paths, ['/widgets/0/metrics/0', '/widgets/1/metrics', '/widgets/2/workflow_ids/0', '/widgets/3/variant', '/widgets/4/w']);
  // a workflow the creator may not read cannot be put on a dashboard
  assert.equal((await rt.call('POST', base, keys.mia, { name: 'Peek', workflow_ids: ['secret'] })).status, 403);
});

describe('who sees and changes a dashboard', () => {
  let shared = '';
  before(async () => {
    shared = (await ok('POST', base, keys.mia, { name: 'Shared', workflow_ids: ['onboard', 'billing'], widgets: [widget('n', { type: 'metric', metrics: ['enrolled'] }), widget('t', { type: 'table', rows: 'workflows', metrics: ['enrolled'], range: 'last_7_days', start_date: null, end_date: null })] }, 201)).dashboard_id;
  });

  test('unshared: only its owner and admins; another account never', async () => {
    const ids = async (k: string) => (await ok('GET', base, k)).dashboards.map((d: { dashboard_id: string }) => d.dashboard_id);
    assert.ok((await ids(keys.mia)).includes(shared));
    assert.ok((await ids(keys.admin)).includes(shared));
    assert.ok(!(await ids(keys.vera)).includes(shared));
    assert.ok(!(await ids(keys.otto)).includes(shared));
    assert.deepEqual(await ids(keys.other), []);
    for (const k of [keys.vera, keys.otto, keys.other]) assert.equal((await rt.call('GET', `${base}/${shared}/data`, k)).status, 404);
    assert.equal((await ok('GET', `${base}/${shared}`, keys.admin)).your_access, 'admin');
  });

  test('a viewer it is shared with sees it, and only the workflows it may read', async () => {
    await ok('PUT', `${base}/${shared}/sharing`, keys.mia, { shares: [{ kind: 'user', id: 'vera', access: 'read' }, { kind: 'role', id: 'member', access: 'edit' }], allowed_origins: [] });
    const d = await ok('GET', `${base}/${shared}`, keys.vera);
    assert.equal(d.your_access, 'read');
    // who else it is shared with is for those who manage it
    assert.deepEqual([d.shares, d.allowed_origins], [[], []]);
    assert.equal((await ok('GET', `${base}/${shared}`, keys.mia)).shares.length, 2);
    const data = await ok('GET', `${base}/${shared}/data`, keys.vera);
    // billing is not shared with vera: it is neither counted nor listed
    assert.equal(data.widgets[0].card.value, 5);
    assert.deepEqual(data.widgets[0].workflows, ['onboard']);
    assert.equal(data.widgets[0].omitted_workflows, 1);
    assert.deepEqual(data.widgets[1].table.rows.map((r: { id: string }) => r.id), ['onboard']);
    assert.doesNotMatch(JSON.stringify(data), /Billing/);
    // read, not edit
    assert.equal((await rt.call('PUT', `${base}/${shared}`, keys.vera, { name: 'Mine now' })).status, 403);
    assert.equal((await rt.call('PUT', `${base}/${shared}/sharing`, keys.vera, { shares: [], allowed_origins: [] })).status, 403);
  });

  test('a role share with edit lets members change the widgets, not the sharing; deleting is the owner\'s', async () => {
    const d = await ok('GET', `${base}/${shared}`, keys.otto);
    assert.equal(d.your_access, 'edit');
    // otto may not read billing: its figures are left out for him, and he may not add workflows he cannot read
    const renamed = await ok('PUT', `${base}/${shared}`, keys.otto, { name: 'Shared, renamed', workflow_ids: d.workflow_ids, widgets: d.widgets.map((w: { x: number }) => ({ ...w, x: 0 })) });
    assert.equal(renamed.name, 'Shared, renamed');
    // a widget sent back as it was answered (nulls included) is kept as it was
    assert.deepEqual(renamed.widgets.map((w: { x: number }) => ({ ...w, x: 0 })), d.widgets.map((w: { x: number }) => ({ ...w, x: 0 })));
    assert.equal(renamed.widgets[1].range, 'last_7_days');
    assert.equal(renamed.widgets[1].start_date, null);
    assert.equal((await rt.call('PUT', `${base}/${shared}`, keys.otto, { name: 'x', workflow_ids: ['onboard', 'billing', 'secret'] })).status, 403);
    assert.equal((await rt.call('PUT', `${base}/${shared}/sharing`, keys.otto, { shares: [], allowed_origins: [] })).status, 403);
    assert.equal((await rt.call('POST', `${base}/${shared}/links`, keys.otto, {})).status, 403);
    assert.equal((await rt.call('DELETE', `${base}/${shared}`, keys.otto)).status, 403);
    const copy = await rt.call('POST', `${base}/${shared}/duplicate`, keys.otto);
    assert.equal(copy.status, 403, 'a copy would be otto\'s, naming billing, which he may not read');
    assert.equal((await rt.call('DELETE', `${base}/${shared}`, keys.mia)).status, 204);
    assert.equal((await rt.call('GET', `${base}/${shared}`, keys.admin)).status, 404);
  });
});

describe('public links and the embed page', () => {
  let id = '';
  before(async () => {
    id = (await ok('POST', base, keys.mia, {
      name: 'For partners', workflow_ids: ['onboard'],
      widgets: [widget('n', { type: 'metric', metrics: ['enrolled'] }), widget('t', { type: 'table', rows: 'workflows', metrics: ['enrolled'] }), widget('p', { type: 'pie', breakdown: 'workflow', metrics: ['enrolled'] })],
    }, 201)).dashboard_id;
    await ok('PUT', `${base}/${id}/sharing`, keys.mia, { shares: [], allowed_origins: ['https://partner.example', 'HTTPS://*.Partner.example:8443/'] });
    await ok('PUT', '/api/v1/account/settings', keys.admin, { pseudonymize_contact_ids: false, brand_name: 'Acme', accent_color: '#aa3300' });
  });

  test('a token opens the dashboard without a key: its workflows only, white-labelled; the token is stored hashed', async () => {
    const link = await ok('POST', `${base}/${id}/links`, keys.mia, {}, 201);
    assert.match(link.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(link.url, `/embed/${link.token}`);
    assert.equal(link.status, 'active');
    const stored = await rt.query<{ token_hash: string }>('SELECT token_hash FROM dashboard_links FINAL WHERE link_id = {id:String}', { id: link.link_id });
    assert.deepEqual(stored, [{ token_hash: hashToken(link.token) }]);
    assert.doesNotMatch(JSON.stringify(await rt.query('SELECT * FROM dashboard_links')), new RegExp(link.token));
    const listed = (await ok('GET', `${base}/${id}/links`, keys.mia)).links;
    assert.equal(listed.length, 1);
    assert.ok(!('token' in listed[0]));

    const res = await rt.app.inject({ method: 'GET', url: `/api/v1/public/dashboards/${link.token}` });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.dashboard.name, 'For partners');
    assert.deepEqual(body.workflows, [{ workflow_id: 'onboard', name: 'Onboarding' }]);
    assert.deepEqual(body.branding, { brand_name: 'Acme', accent_color: '#aa3300', logo_data_url: null });
    assert.equal(body.widgets[0].card.value, 5);
    assert.deepEqual(body.widgets[1].table.rows.map((r: { id: string }) => r.id), ['onboard']);
    assert.deepEqual(body.widgets[2].pie.slices.map((s: { key: string }) => s.key), ['onboard']);
    assert.doesNotMatch(res.body, /billing|Billing|secret|Secret/, 'nothing of another workflow');
    assert.doesNotMatch(res.body, new RegExp(account), 'nor the account');
    // the view is in the account's audit log, by link, never by token
    await rt.deps.audit.flush();
    const audit = await ok('GET', '/api/v1/audit-log?action=dashboard.public_view', keys.admin);
    assert.equal(audit.entries.length, 1);
    assert.deepEqual(audit.entries[0].params, { dashboard_id: id, link_id: link.link_id });
    assert.doesNotMatch(JSON.stringify(audit), new RegExp(link.token));
  });

  test('a token shows exactly the dashboard\'s workflows, even when an admin widens a widget', async () => {
    const link = await ok('POST', `${base}/${id}/links`, keys.mia, {}, 201);
    // the dashboard names onboard only: a widget cannot name more, and none is counted beyond it
    const d = await ok('GET', `${base}/${id}`, keys.admin);
    const widened = await rt.call('PUT', `${base}/${id}`, keys.admin, { name: d.name, workflow_ids: ['onboard'], widgets: [{ type: 'metric', metrics: ['enrolled'], workflow_ids: ['billing'] }] });
    assert.equal(widened.status, 400);
    const body = (await rt.app.inject({ method: 'GET', url: `/api/v1/public/dashboards/${link.token}` })).json();
    assert.deepEqual(body.widgets.map((w: { workflows: string[] }) => w.workflows), [['onboard'], ['onboard'], ['onboard']]);
  });

  test('expired and revoked tokens are 410; unknown ones 404; another account\'s admin cannot revoke', async () => {
    const soon = await ok('POST', `${base}/${id}/links`, keys.mia, { expires_at: new Date(Date.now() + 1200).toISOString() }, 201);
    assert.equal((await rt.app.inject({ method: 'GET', url: `/api/v1/public/dashboards/${soon.token}` })).statusCode, 200);
    await new Promise((r) => setTimeout(r, 1300));
    const expired = await rt.app.inject({ method: 'GET', url: `/api/v1/public/dashboards/${soon.token}` });
    assert.equal(expired.statusCode, 410);
    assert.match(expired.json().detail, /expired/);

    const link = await ok('POST', `${base}/${id}/links`, keys.mia, {}, 201);
    assert.equal((await rt.call('DELETE', `${base}/${id}/links/${link.link_id}`, keys.other)).status, 404);
    assert.equal((await rt.call('DELETE', `${base}/${id}/links/${link.link_id}`, keys.mia)).status, 204);
    const revoked = await rt.app.inject({ method: 'GET', url: `/api/v1/public/dashboards/${link.token}` });
    assert.equal(revoked.statusCode, 410);
    assert.match(revoked.json().detail, /revoked/);
    const statuses = (await ok('GET', `${base}/${id}/links`, keys.mia)).links.map((l: { link_id: string; status: string }) => [l.link_id, l.status]);
    assert.ok(statuses.some(([lid, s]: string[]) => lid === link.link_id && s === 'revoked'));
    assert.ok(statuses.some(([lid, s]: string[]) => lid === soon.link_id && s === 'expired'));
    for (const token of ['x'.repeat(43), link.token.slice(0, 42), "' OR 1=1 --"]) {
      const r = await rt.app.inject({ method: 'GET', url: `/api/v1/public/dashboards/${encodeURIComponent(token)}` });
      assert.equal(r.statusCode, 404, token);
    }
    assert.equal((await rt.call('POST', `${base}/${id}/links`, keys.mia, { expires_at: '2020-01-01T00:00:00Z' })).status, 400);
    // a dashboard that names no workflows would show whatever its viewer may read: no public link for it
    const open = (await ok('POST', base, keys.mia, { name: 'Open' }, 201)).dashboard_id;
    assert.equal((await rt.call('POST', `${base}/${open}/links`, keys.mia, {})).status, 409);
  });

  test('the embed page allows framing only from the dashboard\'s origins', async () => {
    const link = await ok('POST', `${base}/${id}/links`, keys.mia, {}, 201);
    const page = await rt.app.inject({ method: 'GET', url: `/embed/${link.token}` });
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors https:\/\/partner\.example https:\/\/\*\.partner\.example:8443$/);
    assert.equal(csp.match(/frame-ancestors/g)!.length, 1);
    assert.match(csp, /default-src 'self'/);
    assert.equal(page.headers['x-frame-options'], undefined);
    // no origins: nobody may frame it; an unknown token neither
    await ok('PUT', `${base}/${id}/sharing`, keys.mia, { shares: [], allowed_origins: [] });
    assert.match(String((await rt.app.inject({ method: 'GET', url: `/embed/${link.token}` })).headers['content-security-policy']), /frame-ancestors 'none'$/);
    assert.match(String((await rt.app.inject({ method: 'GET', url: '/embed/unknown-token-0123456789' })).headers['content-security-policy']), /frame-ancestors 'none'$/);
    const bad = await rt.call('PUT', `${base}/${id}/sharing`, keys.mia, { shares: [{ kind: 'role', id: 'owner', access: 'read' }], allowed_origins: ["https://a.example; script-src 'unsafe-inline'", 'javascript:alert(1)'] });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.errors.map((e: { path: string }) => e.path), ['/shares/0/id', '/allowed_origins/0', '/allowed_origins/1']);
  });
});
