/**
 * Monthly cost budgets: PUT/GET /analytics/costs/budgets and /costs/alerts. Alerts go to a real SMTP
 * server (smtp-server) and a real HTTP webhook receiver started here, and fire exactly once per budget,
 * threshold and month: first by forecast, then by the actual spend, again in a new month, never twice.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { BudgetMonitor } from '../src/budgets/monitor.js';
import { startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let smtp: SMTPServer;
let hooks: http.Server;
let hookUrl = '';
let admin = '';
let monitor: BudgetMonitor;
const mails: Array<{ to: string[]; raw: string }> = [];
const posts: Array<Record<string, any>> = [];

const cost = (wf: string, ex: string, ts: string, usd: number) => ({ type: 'cost.recorded', workflow_id: wf, execution_id: ex, timestamp: ts, action_type: 'llm', amount_usd: usd });
const send = async (key: string, events: unknown[]) => {
  const r = await rt.call('POST', '/api/v1/events', key, events);
  assert.equal(r.json.accepted, events.length, r.text);
  await rt.deps.derived.idle();
};

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('latin1')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  hooks = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/fail') {
        res.writeHead(500).end();
        return;
      }
      posts.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  // the webhook receiver is on this host: loopback targets must be allowed (test/budget-webhook-targets.test.ts refuses them)
  rt = await startTestRuntime({ smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, budgetTickMs: 0, budgetCheckDelayMs: 50, webhookAllowPrivate: true });
  monitor = rt.deps.budgets;
  ({ key: admin } = await rt.newAccount('admin'));
  await rt.call('PUT', '/api/v1/workflows/wf-b', admin, { name: 'B', version: 1, steps: [] });
  // $2 a day from March 1st to 9th: $18 by the 10th
  await send(admin, Array.from({ length: 9 }, (_, i) => cost('wf-b', `d${i}`, `2026-03-0${i + 1}T12:00:00Z`, 2)));
});

after(async () => {
  await rt?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => hooks.close(() => r()));
});

const BUDGETS = () => ({
  budgets: [
    { scope: 'workflow', workflow_id: 'wf-b', monthly_usd: 100, notify: { emails: ['ops@example.com'], webhook_url: `${hookUrl}/hook` } },
    { scope: 'account', monthly_usd: 1000, thresholds: [50], timezone: 'Europe/Paris' },
  ],
});

describe('budgets', () => {
  test('bad budgets are 400 naming the field, and change nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ budgets: [{ scope: 'workflow', monthly_usd: 10 }] }, '/budgets/0/workflow_id'],
      [{ budgets: [{ scope: 'account', monthly_usd: 10, timezone: 'Mars/Base' }] }, '/budgets/0/timezone'],
      [{ budgets: [{ scope: 'workflow', workflow_id: 'nope', monthly_usd: 10 }] }, '/budgets/0/workflow_id'],
      [{ budgets: [{ scope: 'account', monthly_usd: 10 }, { scope: 'account', monthly_usd: 20 }] }, '/budgets/1/scope'],
      [{ budgets: [{ scope: 'account', monthly_usd: 0 }] }, '/budgets/0/monthly_usd'],
      [{ budgets: [{ scope: 'account', monthly_usd: 10, notify: { webhook_url: 'ftp://x' } }] }, '/budgets/0/notify/webhook_url'],
      [{ budgets: [{ scope: 'account', monthly_usd: 10, thresholds: [80, 80] }] }, '/budgets/0/thresholds'],
    ];
    for (const [body, path] of cases) {
      const r = await rt.call('PUT', '/api/v1/analytics/costs/budgets', admin, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.ok(r.json.errors.some((e: any) => e.path === path), `${path} in ${r.text}`);
    }
    assert.deepEqual((await rt.call('GET', '/api/v1/analytics/costs/budgets', admin)).json, { budgets: [], alerts: [] });
  });

  test('saved budgets are listed with where they stand', async () => {
    const r = await rt.call('PUT', '/api/v1/analytics/costs/budgets', admin, BUDGETS());
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.budgets.map((b: any) => [b.budget_id, b.thresholds, b.timezone]), [['workflow:wf-b', [80, 100], 'UTC'], ['account', [50], 'Europe/Paris']]);
    // the check at saving uses the real clock (months after March): nothing spent, nothing forecast
    assert.deepEqual(r.json.alerts, []);
    const g = await rt.call('GET', '/api/v1/analytics/costs/budgets', admin);
    assert.equal(g.json.budgets[0].status.spent_usd, 0);
  });

  test('80 % crossed by the forecast, then 100 % by the spend: one email and one webhook each, never repeated', async () => {
    // March 10th, 00:00 UTC: $18 spent; $2/day for 22 more days → $62: no alert
    assert.deepEqual(await monitor.check(await accountOf(), new Date('2026-03-10T00:00:00Z')), []);
    // $25 on the 10th; at noon: $43 spent + half of today ($1) + 21 days × $2 = $86 ≥ $80 by forecast
    await send(admin, [cost('wf-b', 'spike', '2026-03-10T06:00:00Z', 25)]);
    const first = await monitor.check(await accountOf(), new Date('2026-03-10T12:00:00Z'));
    assert.deepEqual(first.map((a) => [a.budget_id, a.month, a.threshold, a.trigger, a.spent_usd, a.forecast_usd, a.webhook_status, a.email_status]), [
      ['workflow:wf-b', '2026-03', 80, 'forecast', 43, 86, 'sent', 'sent'],
    ]);
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]!.to, ['ops@example.com']);
    assert.match(mails[0]!.raw, /Budget of workflow wf-b for 2026-03 \(UTC\): forecast spend will reach 80% of/);
    assert.match(mails[0]!.raw, /Spent so far: \$43\.00 \(43\.0%\)\r\nForecast for the month: \$86\.00/);
    assert.equal(posts.length, 1);
    assert.deepEqual([posts[0]!.type, posts[0]!.threshold, posts[0]!.trigger, posts[0]!.budget_id, posts[0]!.workflow_id, posts[0]!.month], ['budget.threshold_crossed', 80, 'forecast', 'workflow:wf-b', 'wf-b', '2026-03']);

    // checked again: nothing new
    assert.deepEqual(await monitor.check(await accountOf(), new Date('2026-03-10T12:30:00Z')), []);
    // $60 more: $103 spent ≥ $100: only the 100 % threshold, by the spend
    await send(admin, [cost('wf-b', 'spike2', '2026-03-10T13:00:00Z', 60)]);
    const second = await monitor.check(await accountOf(), new Date('2026-03-10T14:00:00Z'));
    assert.deepEqual(second.map((a) => [a.threshold, a.trigger, a.spent_usd]), [[100, 'actual', 103]]);
    assert.deepEqual(await monitor.check(await accountOf(), new Date('2026-03-20T00:00:00Z')), []);
    assert.equal(mails.length, 2);
    assert.equal(posts.length, 2);
    assert.match(mails[1]!.raw, /\(UTC\): spend has reached 100% of/);
    assert.match(mails[1]!.raw, /Spent so far: \$103\.00/);

    const alerts = await rt.call('GET', '/api/v1/analytics/costs/alerts?month=2026-03', admin);
    assert.deepEqual(alerts.json.alerts.map((a: any) => [a.threshold, a.trigger, a.webhook_status, a.email_status]).sort(), [[100, 'actual', 'sent', 'sent'], [80, 'forecast', 'sent', 'sent']]);
  });

  test('a new month alerts again, once', async () => {
    await send(admin, [cost('wf-b', 'april', '2026-04-01T10:00:00Z', 85)]);
    const april = await monitor.check(await accountOf(), new Date('2026-04-01T12:00:00Z'));
    const eighty = april.find((a) => a.threshold === 80);
    assert.deepEqual([eighty?.month, eighty?.trigger, eighty?.spent_usd], ['2026-04', 'actual', 85]);
    assert.deepEqual(await monitor.check(await accountOf(), new Date('2026-04-01T13:00:00Z')), []);
    const all = (await rt.call('GET', '/api/v1/analytics/costs/alerts', admin)).json.alerts as Array<{ budget_id: string; month: string; threshold: number }>;
    const keys = all.map((a) => `${a.budget_id} ${a.month} ${a.threshold}`);
    assert.equal(new Set(keys).size, keys.length, 'one alert per budget, month and threshold');
    assert.equal(mails.length, 2 + april.length);
    // budgets are rules of the alert engine: their alerts are alerts like any other; a month that is over resolves them
    // (March's; April's too once a check runs at the real date, as the one after each ingest does)
    const engine = (await rt.call('GET', '/api/v1/alerts?limit=50', admin)).json.alerts as Array<{ alert_id: string; rule_name: string; metric: string; status: string; labels: Record<string, string>; severity: string }>;
    const budgetAlerts = engine.filter((a) => a.rule_name.startsWith('Budget workflow:wf-b'));
    assert.deepEqual(budgetAlerts.map((a) => [a.labels.month, a.rule_name, a.severity, a.metric]).sort(), [
      ['2026-03', 'Budget workflow:wf-b: 100%', 'critical', 'cost_usd'], ['2026-03', 'Budget workflow:wf-b: 80%', 'warning', 'cost_usd'],
      ...april.filter((a) => a.budget_id === 'workflow:wf-b').map((a) => ['2026-04', `Budget workflow:wf-b: ${a.threshold}%`, a.threshold >= 100 ? 'critical' : 'warning', 'cost_usd']),
    ].sort());
    assert.ok(budgetAlerts.filter((a) => a.labels.month === '2026-03').every((a) => a.status === 'resolved'));
    const march = budgetAlerts.find((a) => a.labels.month === '2026-03' && a.rule_name.endsWith('80%'))!;
    const history = (await rt.call('GET', `/api/v1/alerts/${march.alert_id}/history`, admin)).json;
    assert.deepEqual(history.transitions.map((t: { to_status: string }) => t.to_status), ['firing', 'resolved']);
    assert.deepEqual(history.deliveries.map((d: { channel: string; ok: boolean }) => [d.channel, d.ok]).sort(), [['email', true], ['webhook', true]]);
  });

  test('with FLOWLENS_WEBHOOK_ALLOW_PRIVATE=1, webhooks to loopback and private hosts are accepted', async () => {
    const { key } = await rt.newAccount('admin');
    for (const url of [`${hookUrl}/hook`, 'http://localhost:9/hook', 'http://[::1]/hook', 'https://10.0.0.8/hook', 'http://169.254.169.254/latest']) {
      const r = await rt.call('PUT', '/api/v1/analytics/costs/budgets', key, { budgets: [{ scope: 'account', monthly_usd: 10, notify: { webhook_url: url } }] });
      assert.equal(r.status, 200, `${url}: ${r.text}`);
      assert.equal(r.json.budgets[0].notify.webhook_url, url);
    }
  });

  test('checked by itself after ingested events settle; a failing webhook is recorded', async () => {
    const { key } = await rt.newAccount('admin');
    await rt.call('PUT', '/api/v1/workflows/wf-live', key, { name: 'Live', version: 1, steps: [] });
    const put = await rt.call('PUT', '/api/v1/analytics/costs/budgets', key, {
      budgets: [{ scope: 'account', monthly_usd: 10, thresholds: [50], notify: { webhook_url: `${hookUrl}/fail` } }],
    });
    assert.deepEqual(put.json.alerts, []);
    await send(key, [cost('wf-live', 'now', new Date(Date.now() - 1000).toISOString(), 6)]);
    let alerts: any[] = [];
    for (let i = 0; i < 100 && alerts.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await monitor.idle();
      alerts = (await rt.call('GET', '/api/v1/analytics/costs/alerts', key)).json.alerts.filter((a: any) => a.webhook_status !== 'sending');
    }
    assert.equal(alerts.length, 1);
    assert.deepEqual([alerts[0].threshold, alerts[0].trigger, alerts[0].spent_usd, alerts[0].webhook_status, alerts[0].email_status], [50, 'actual', 6, 'failed: HTTP 500', 'not configured']);
  });
});

let account = '';
async function accountOf(): Promise<string> {
  if (!account) {
    const [row] = await rt.query<{ account_id: string }>("SELECT account_id FROM cost_budgets FINAL WHERE budgets LIKE '%wf-b%'");
    account = row!.account_id;
  }
  return account;
}
