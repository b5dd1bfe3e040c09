/**
 * The insights panel (issue 28) on data with planted effects: in the second week a step is made five times slower
 * and fails far more often, and variant B converts much better. The panel names those first, each observation's
 * numbers are the API's own (funnel, actions, summary), and each drill-down lists as many executions as it says.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let key = '';
const W = 'wf-insights';
const PERIOD = 'start_date=2026-03-08&end_date=2026-03-14';

before(async () => {
  rt = await startTestRuntime();
  ({ key } = await rt.newAccount('admin'));
  await rt.call('PUT', `/api/v1/workflows/${W}`, key, {
    name: 'Insights', version: 1,
    steps: [{ step_id: 'send', name: 'Send email', order: 1, type: 'action', action_type: 'send_email' }, { step_id: 'crm', name: 'Update CRM', order: 2, type: 'action', action_type: 'update_crm' }],
  });
  const events: unknown[] = [];
  for (const week of [0, 1]) {
    for (let i = 0; i < 200; i++) {
      const ex = `w${week}-${i}`;
      const variant = i % 2 ? 'A' : 'B';
      const t0 = Date.parse(`2026-03-0${1 + (i % 7)}T08:00:00Z`) + week * 7 * 86_400_000 + i * 60_000;
      const t = (ms: number) => new Date(t0 + ms).toISOString();
      const crmSeconds = week === 0 ? 1 : 5; // planted: the CRM update is five times slower in the second week
      const crmFails = week === 0 ? i % 50 === 0 : i % 5 === 0; // planted: 2% → 20% failures
      // planted: in the second week B converts 40%, A 15% (first week: both 20%); j counts within a variant, and no
      // converting execution is one of the failing ones (i % 5 === 0: j % 5 === 0 for B, j % 5 === 2 for A)
      const j = Math.floor(i / 2);
      const converts = week === 0 ? i % 5 === 1 : variant === 'B' ? j % 5 === 1 || j % 5 === 3 : [0, 1, 3].includes(j % 20);
      events.push(ev.started(W, ex, t(0), { variant }));
      events.push(ev.step('started', W, ex, 'send', t(1000)), ev.step('completed', W, ex, 'send', t(2000), { duration_ms: 1000 }));
      events.push(ev.step('started', W, ex, 'crm', t(3000), { action_type: 'update_crm' }));
      if (crmFails) {
        events.push(ev.step('failed', W, ex, 'crm', t(3000 + crmSeconds * 1000), { action_type: 'update_crm', duration_ms: crmSeconds * 1000, error_type: 'auth_expired' }), ev.failed(W, ex, t(3000 + crmSeconds * 1000 + 10)));
      } else {
        events.push(ev.step('completed', W, ex, 'crm', t(3000 + crmSeconds * 1000), { action_type: 'update_crm', duration_ms: crmSeconds * 1000 }));
        if (converts) events.push(ev.goal(W, ex, t(60_000)));
        events.push(ev.completed(W, ex, t(60_000 + 10)));
      }
    }
  }
  for (let i = 0; i < events.length; i += 5000) assert.equal((await rt.call('POST', '/api/v1/events', key, events.slice(i, i + 5000))).status, 200);
});
after(() => rt?.close());

test('the planted effects come first: the slower step, the failing action, the better variant, the failure rate', async () => {
  const res = await rt.call('GET', `/api/v1/workflows/${W}/analytics/insights?${PERIOD}`, key);
  assert.equal(res.status, 200, res.text);
  const list = res.json.insights as Array<{ kind: string; metric: string; tone: string; title: string; text: string; impact: number; numbers: Record<string, number | null>; drill: string | null }>;
  const kinds = list.slice(0, 6).map((i) => `${i.kind}:${i.metric}`);
  for (const k of ['slower_step:step_time_p50', 'action_errors:action_error_rate', 'variant_difference:conversion_rate', 'rate_change:failure_rate']) assert.ok(kinds.includes(k), `${k} among the first: ${kinds.join(', ')}`);
  assert.deepEqual(list.map((i) => i.impact), [...list.map((i) => i.impact)].sort((a, b) => b - a), 'most impact first');

  // the numbers are the API's own
  const funnel = (await rt.call('GET', `/api/v1/workflows/${W}/analytics/funnel?${PERIOD}&compare=previous_period`, key)).json;
  const slower = list.find((i) => i.kind === 'slower_step')!;
  const crm = funnel.funnel_steps.find((s: { step_id: string }) => s.step_id === 'crm');
  assert.equal(slower.numbers.p50_seconds, crm.p50_time_seconds);
  assert.equal(slower.numbers.previous_p50_seconds, funnel.comparison.funnel_steps.find((s: { step_id: string }) => s.step_id === 'crm').p50_time_seconds);
  assert.match(slower.title, /"Update CRM" 400% slower/);
  const actions = (await rt.call('GET', `/api/v1/workflows/${W}/analytics/actions?${PERIOD}&compare=previous_period`, key)).json;
  const errors = list.find((i) => i.kind === 'action_errors')!;
  const crmAction = actions.actions.find((a: { action_id: string }) => a.action_id === 'crm');
  assert.equal(errors.numbers.error_rate, crmAction.error_rate);
  assert.equal(errors.numbers.failures, 40);
  const variant = list.find((i) => i.kind === 'variant_difference' && i.metric === 'conversion_rate')!;
  assert.equal(variant.tone, 'good');
  assert.equal(variant.numbers.value, 40); // B: 40 of 100
  assert.equal(variant.numbers.baseline, 15); // A: 15 of 100 (the first variant in order is A)
  const failure = list.find((i) => i.kind === 'rate_change' && i.metric === 'failure_rate')!;
  assert.equal(failure.tone, 'bad');
  assert.equal(failure.numbers.value, 20);
  assert.equal(failure.numbers.previous, 2);
});

test('each observation\'s drill-down lists as many executions as it states', async () => {
  const list = (await rt.call('GET', `/api/v1/workflows/${W}/analytics/insights?${PERIOD}`, key)).json.insights as Array<{ kind: string; drill: string | null; numbers: Record<string, number> }>;
  const drillTotal = async (q: string) => (await rt.call('GET', `/api/v1/workflows/${W}/executions?${PERIOD}&${q}`, key)).json.total as number;
  const left = list.find((i) => i.kind === 'drop_off');
  if (left) assert.equal(await drillTotal(left.drill!), left.numbers.exited);
  const variant = list.find((i) => i.kind === 'variant_difference')!;
  assert.equal(await drillTotal(variant.drill!), variant.numbers.n);
  const failure = list.find((i) => i.kind === 'rate_change' && i.drill === 'status=failed')!;
  assert.equal(await drillTotal(failure.drill!), 40);
  // wherever an observation says how many its list holds, it holds that many
  for (const i of list as unknown as Array<{ kind: string; drill: string | null; drill_total: number | null }>) {
    if (i.drill && i.drill_total !== null) assert.equal(await drillTotal(i.drill), i.drill_total, i.kind);
  }
});

test('a period with nothing to say says nothing', async () => {
  const res = await rt.call('GET', `/api/v1/workflows/${W}/analytics/insights?start_date=2025-01-01&end_date=2025-01-07`, key);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.insights, []);
});
