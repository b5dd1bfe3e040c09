/**
 * Budget webhooks go to public addresses only (FLOWLENS_WEBHOOK_ALLOW_PRIVATE unset; test/platform-budgets.test.ts
 * runs with it set): a loopback, private, link-local or unspecified host is refused when the budgets are saved,
 * and a name that resolves to one when the alert is sent, recorded as a failed delivery.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { BudgetInput } from '../src/budgets/budgets.js';
import { AlertEngine } from '../src/alerts/engine.js';
import { BudgetMonitor } from '../src/budgets/monitor.js';
import { NO_SMTP } from '../src/reports/mailer.js';
import { startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let hooks: http.Server;
let port = 0;
const posts: unknown[] = [];

before(async () => {
  hooks = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts.push(req.url);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  port = (hooks.address() as AddressInfo).port;
  rt = await startTestRuntime({ budgetTickMs: 0, budgetCheckDelayMs: 50 });
  assert.equal(rt.deps.config.webhookAllowPrivate, false);
});

after(async () => {
  await rt?.close();
  await new Promise<void>((r) => hooks.close(() => r()));
});

const budget = (webhook_url: string): { budgets: BudgetInput[] } => ({ budgets: [{ scope: 'account', monthly_usd: 10, thresholds: [50], notify: { webhook_url } }] });

test('a webhook to a non-public host is refused at saving, naming the field; nothing is saved', async () => {
  const { key } = await rt.newAccount('admin');
  const cases: Array<[string, RegExp]> = [
    [`http://127.0.0.1:${port}/hook`, /^127\.0\.0\.1 is a loopback address: webhooks must go to public addresses \(FLOWLENS_WEBHOOK_ALLOW_PRIVATE=1 allows others\)$/],
    ['http://localhost:8080/hook', /^localhost is a loopback name/],
    ['http://alerts.localhost/', /^alerts\.localhost is a loopback name/],
    ['http://2130706433/', /^127\.0\.0\.1 is a loopback address/],
    ['http://0x7f.1/', /^127\.0\.0\.1 is a loopback address/],
    ['http://[::1]/', /^::1 is a loopback address/],
    ['http://[::ffff:127.0.0.1]/', /^::ffff:7f00:1 is a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /^169\.254\.169\.254 is a link-local address/],
    ['https://10.1.2.3/hook', /^10\.1\.2\.3 is a private address/],
    ['https://172.20.0.1/hook', /^172\.20\.0\.1 is a private address/],
    ['https://192.168.1.10/hook', /^192\.168\.1\.10 is a private address/],
    ['https://[fd00::5]/hook', /^fd00::5 is a private address/],
    ['https://[fe80::1]/hook', /^fe80::1 is a link-local address/],
    ['http://0.0.0.0:9000/', /^0\.0\.0\.0 is an unspecified address/],
    ['http://[::]/', /^:: is an unspecified address/],
  ];
  for (const [url, message] of cases) {
    const r = await rt.call('PUT', '/api/v1/analytics/costs/budgets', key, budget(url));
    assert.equal(r.status, 400, `${url}: ${r.text}`);
    assert.equal(r.json.errors.length, 1, r.text);
    assert.equal(r.json.errors[0].path, '/budgets/0/notify/webhook_url', r.text);
    assert.match(r.json.errors[0].message, message, url);
    assert.match(r.json.detail, /^Invalid budgets: \/budgets\/0\/notify\/webhook_url /, r.text);
  }
  assert.deepEqual((await rt.call('GET', '/api/v1/analytics/costs/budgets', key)).json, { budgets: [], alerts: [] });
  assert.deepEqual(posts, []);
});

test('a webhook to a public address or a name is accepted at saving', async () => {
  const { key } = await rt.newAccount('admin');
  for (const url of ['https://hooks.example.com/alerts?token=abc', 'http://93.184.216.34/hook', 'https://[2606:4700:4700::1111]/hook']) {
    const r = await rt.call('PUT', '/api/v1/analytics/costs/budgets', key, budget(url));
    assert.equal(r.status, 200, `${url}: ${r.text}`);
    assert.equal(r.json.budgets[0].notify.webhook_url, url);
  }
});

test('a name resolving to a non-public address when the alert is sent is refused, and recorded as a failed delivery', async () => {
  const { key, accountId } = await rt.newAccount('admin');
  // the runtime's own monitor resolves with the system resolver; this one resolves the test's name to loopback
  const alerts = new AlertEngine({ store: rt.deps.store, queries: rt.deps.queries, audit: rt.deps.audit, mailer: NO_SMTP, bus: rt.deps.bus }, { tickMs: 0, webhookAllowPrivate: false });
  const monitor = new BudgetMonitor(
    { store: rt.deps.store, derived: rt.deps.derived, alerts, resolve: async () => [{ address: '127.0.0.1', family: 4 }] },
    { tickMs: 0, delayMs: 50, retryMs: 10 },
  );
  const saved = await monitor.save(accountId, budget(`http://hooks.rebound.test:${port}/hook`).budgets, 'test');
  assert.deepEqual(saved.alerts, []);
  const sent = await rt.call('POST', '/api/v1/events', key, [
    { type: 'cost.recorded', workflow_id: 'wf-x', execution_id: 'x1', timestamp: '2026-03-02T12:00:00Z', action_type: 'llm', amount_usd: 6 },
  ]);
  assert.equal(sent.json.accepted, 1, sent.text);
  await rt.deps.derived.idle();
  const raised = await monitor.check(accountId, new Date('2026-03-03T00:00:00Z'));
  assert.deepEqual(raised.map((a) => [a.threshold, a.trigger, a.spent_usd]), [[50, 'actual', 6]]);
  assert.match(raised[0]!.webhook_status, /^failed: hooks\.rebound\.test resolves to 127\.0\.0\.1, a loopback address: webhooks must go to public addresses/);
  assert.deepEqual(posts, [], 'nothing reached the receiver');
  const listed = await rt.call('GET', '/api/v1/analytics/costs/alerts?month=2026-03', key);
  assert.deepEqual(listed.json.alerts.map((a: any) => [a.threshold, a.webhook_status, a.email_status]), [[50, raised[0]!.webhook_status, 'not configured']]);
  await monitor.stop();
});
