import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertRuleOut } from './api.js';
import { alertSince, detectorText, emptyChannel, emptyRuleForm, formOfRule, noticeText, orderOpen, parseAlertNotice, parseLabels, ruleOfForm, scopeText, silenceText } from './alert-model.js';

const pct = (n: number) => `${n.toFixed(1)}%`;

test('detectors in words', () => {
  assert.equal(detectorText({ type: 'threshold', threshold: 20, direction: 'above' }, pct), 'above 20.0%');
  assert.equal(detectorText({ type: 'threshold', threshold: 5, direction: 'below' }), 'below 5');
  assert.equal(detectorText({ type: 'change', percent: 50, direction: 'below', against: 'week_before' }), 'falls by more than 50% against the same bucket a week before');
  assert.equal(detectorText({ type: 'change', percent: 30, direction: 'both' }), 'moves by more than 30% against the bucket before');
  assert.equal(detectorText({ type: 'anomaly' }), 'outside the seasonal band (medium sensitivity)');
  assert.equal(detectorText({ type: 'anomaly', sensitivity: 'high', direction: 'above' }), 'above the seasonal band (high sensitivity)');
});

test('scopes and silences in words', () => {
  assert.equal(scopeText({ type: 'workflow', workflow_id: 'wf' }, () => 'Checkout'), 'Checkout');
  assert.equal(scopeText({ type: 'each_workflow' }), 'each workflow');
  assert.equal(scopeText({ type: 'account' }), 'all workflows together');
  const names = (id: string) => id.toUpperCase();
  assert.equal(silenceText({ rule_id: 'r', workflow_id: null, severity: 'critical', labels: { team: 'ops' } }, names, names), 'rule R, critical alerts, team=ops');
  assert.equal(silenceText({ rule_id: null, workflow_id: 'w', severity: null, labels: {} }, names, names), 'workflow W');
  assert.equal(silenceText({ rule_id: null, workflow_id: null, severity: null, labels: {} }, names, names), 'every alert');
});

test('open alerts: firing first, then the most severe, then the newest; since when', () => {
  const a = (id: string, status: 'pending' | 'firing', severity: 'info' | 'warning' | 'critical', started_at: string) => ({ id, status, severity, started_at });
  const sorted = orderOpen([a('1', 'pending', 'critical', '2026-01-03'), a('2', 'firing', 'info', '2026-01-01'), a('3', 'firing', 'critical', '2026-01-01'), a('4', 'firing', 'critical', '2026-01-02')]);
  assert.deepEqual(sorted.map((x) => x.id), ['4', '3', '2', '1']);
  assert.equal(alertSince({ status: 'firing', started_at: 's', fired_at: 'f', resolved_at: null }), 'f');
  assert.equal(alertSince({ status: 'pending', started_at: 's', fired_at: null, resolved_at: null }), 's');
  assert.equal(alertSince({ status: 'resolved', started_at: 's', fired_at: 'f', resolved_at: 'r' }), 'r');
});

test('the live stream\'s alert event', () => {
  const n = parseAlertNotice(JSON.stringify({ kind: 'firing', alert_id: 'a1', rule_name: 'Failures', summary: 'Failure rate 50% is above the threshold 20%' }));
  assert.ok(n);
  assert.equal(noticeText(n), 'Firing: Failures — Failure rate 50% is above the threshold 20%');
  assert.equal(noticeText({ ...n, kind: 'resolved' }), 'Resolved: Failures — Failure rate 50% is above the threshold 20%');
  const budget = parseAlertNotice(JSON.stringify({ kind: 'firing', alert_id: 'b1', rule_name: 'Budget b: 80%', summary: 'Spend crossed 80%', metric: 'cost_usd' }));
  assert.deepEqual([budget?.value, budget?.expected, budget?.lower, budget?.upper, budget?.unit], [null, null, null, null, ''], 'figures it lacks are null');
  assert.equal(parseAlertNotice('{"kind":"other"}'), null);
  assert.equal(parseAlertNotice('not json'), null);
});

test('labels are key=value pairs', () => {
  assert.deepEqual(parseLabels('team=ops, env = prod'), { team: 'ops', env: 'prod' });
  assert.deepEqual(parseLabels(''), {});
  assert.deepEqual(parseLabels('solo'), { solo: '' });
  assert.equal(parseLabels('=x'), null);
});

test('a form becomes a rule: threshold, change and anomaly detectors, every kind of channel', () => {
  const f = {
    ...emptyRuleForm('execution_failure_rate', 'wfa'), name: ' Failures ', threshold: '20', labels: 'team=ops', min_volume: '10',
    channels: [{ ...emptyChannel('email'), to: 'a@x.com, b@x.com a@x.com' }, { ...emptyChannel('slack'), url: 'https://hooks.slack.com/services/T/B/C' }, { ...emptyChannel('webhook'), url: 'https://example.com/hook', secret: 'sixteen-chars-or-more' }],
  };
  const r = ruleOfForm(f);
  assert.equal(r.errors, null);
  assert.deepEqual(r.body, {
    name: 'Failures', metric: 'execution_failure_rate', scope: { type: 'workflow', workflow_id: 'wfa' }, detector: { type: 'threshold', threshold: 20, direction: 'above' }, bucket: 'hour',
    min_volume: 10, interval_minutes: 5, for_minutes: 0, severity: 'warning', labels: { team: 'ops' }, timezone: 'UTC', enabled: true,
    channels: [{ type: 'email', to: ['a@x.com', 'b@x.com'] }, { type: 'slack', webhook_url: 'https://hooks.slack.com/services/T/B/C' }, { type: 'webhook', url: 'https://example.com/hook', secret: 'sixteen-chars-or-more' }],
  });
  const change = ruleOfForm({ ...f, detector: 'change', percent: '40', change_direction: 'below', against: 'day_before', scope: 'account', channels: [], min_volume: '' });
  assert.deepEqual(change.body?.detector, { type: 'change', percent: 40, direction: 'below', against: 'day_before' });
  assert.deepEqual(change.body?.scope, { type: 'account' });
  assert.equal('min_volume' in change.body!, false, 'empty: the server\'s default');
  assert.deepEqual(ruleOfForm({ ...f, detector: 'anomaly', sensitivity: 'high', anomaly_direction: 'above' }).body?.detector, { type: 'anomaly', sensitivity: 'high', direction: 'above' });
});

test('a form with mistakes says which fields', () => {
  const r = ruleOfForm({ ...emptyRuleForm(), scope: 'workflow', threshold: 'x', for_minutes: '1.5', labels: '=a', channels: [emptyChannel('email'), { ...emptyChannel('webhook'), url: 'ftp://x', secret: '' }, { ...emptyChannel('webhook'), url: 'https://x', secret: 'short' }] });
  assert.equal(r.body, null);
  assert.deepEqual(Object.keys(r.errors!).sort(), ['channel-0', 'channel-1', 'channel-2', 'for_minutes', 'labels', 'name', 'threshold', 'workflow_id']);
  assert.ok(ruleOfForm({ ...emptyRuleForm(), name: 'n', detector: 'change', percent: '0' }).errors?.percent);
});

test('an existing rule fills the form and comes back the same (the masked secret kept)', () => {
  const rule = {
    rule_id: 'r1', name: 'Enrollments drop', description: 'watch', metric: 'new_enrollments', scope: { type: 'each_workflow' }, detector: { type: 'change', percent: 50, direction: 'below', against: 'week_before' },
    bucket: 'day', min_volume: 0, interval_minutes: 60, for_minutes: 30, severity: 'critical', labels: { team: 'growth' }, timezone: 'Europe/Paris', enabled: false,
    channels: [{ type: 'webhook', url: 'https://example.com/h', secret: '****************' }, { type: 'email', to: ['x@y.com'] }],
    created_by: 'ada', created_at: '', updated_at: '',
  } as AlertRuleOut;
  const f = formOfRule(rule);
  assert.equal(f.labels, 'team=growth');
  assert.equal(f.channels[0]!.secret, '****************');
  const { body } = ruleOfForm(f);
  const { rule_id: _id, created_by: _by, created_at: _at, updated_at: _up, ...input } = rule;
  assert.deepEqual(body, input);
});
