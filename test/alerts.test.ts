/**
 * Alerting on the real engine (issue 27): rules judged on the rollups, alerts moving ok → pending → firing →
 * resolved, notified once on each channel — a real SMTP server, a Slack-shaped receiver, a receiver verifying the
 * HMAC signature —, also across a restart (a second engine on the same store), silences holding a notification
 * back until they end, acknowledgement, the live stream hearing of it, and the anomaly bands.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { AlertEngine } from '../src/alerts/engine.js';
import { verifySignature } from '../src/alerts/signature.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const H = 3_600_000;
const SECRET = 'a-secret-of-sixteen-chars';
let rt: TestRuntime;
let admin = '';
let account = '';
let smtp: SMTPServer;
const mails: string[] = [];
let receiver: http.Server;
const slack: Array<Record<string, unknown>> = [];
const hooks: Array<{ body: Record<string, unknown>; verified: boolean }> = [];
let base = '';
const live: Array<Record<string, unknown>> = [];

// "now" of the evaluations: 5 minutes into the hour after the bad one (data runs ten days up to the real present)
const NOW0 = Math.floor(Date.now() / H) * H - 20 * H + 5 * 60_000;
const BAD = Math.floor(NOW0 / H) * H - H; // the last complete hour at NOW0: half its finished executions fail

before(async () => {
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'],
    onData(stream, _s, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('latin1')));
      stream.on('end', () => { mails.push(raw); cb(); });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const json = JSON.parse(body) as Record<string, unknown>;
      if (req.url === '/slack') slack.push(json);
      else hooks.push({ body: json, verified: verifySignature(SECRET, { timestamp: String(req.headers['x-flowlens-timestamp']), signature: String(req.headers['x-flowlens-signature']) }, body) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  rt = await startTestRuntime({ smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, webhookAllowPrivate: true, alertTickMs: 0 });
  ({ key: admin, accountId: account } = await rt.newAccount('admin'));
  rt.deps.bus.subscribe((m) => { if (m.alert) live.push(m.alert); });

  // ten days of hours up to now: 20 enrollments an hour, 19 complete and 1 fails; in BAD, 10 of 20 fail
  const events: unknown[] = [];
  const end = Math.floor(Date.now() / H) * H;
  for (let h = end - 240 * H; h < end; h += H) {
    for (let i = 0; i < 20; i++) {
      const ex = `e${h}-${i}`;
      const t0 = h + i * 60_000;
      events.push(ev.started('wfa', ex, new Date(t0).toISOString()));
      const fails = h === BAD ? i < 10 : i === 0;
      events.push(fails ? ev.failed('wfa', ex, new Date(t0 + 30_000).toISOString()) : ev.completed('wfa', ex, new Date(t0 + 30_000).toISOString()));
    }
  }
  for (let i = 0; i < events.length; i += 5000) assert.equal((await rt.call('POST', '/api/v1/events', admin, events.slice(i, i + 5000))).status, 200);
});

after(async () => {
  await rt?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => receiver.close(() => r()));
});

const rule = (extra: Record<string, unknown> = {}) => ({
  name: 'Failures on wfa', metric: 'execution_failure_rate', scope: { type: 'workflow', workflow_id: 'wfa' },
  detector: { type: 'threshold', threshold: 20, direction: 'above' }, severity: 'critical', labels: { team: 'ops' },
  channels: [{ type: 'email', to: ['ops@example.com'] }, { type: 'slack', webhook_url: `${base}/slack` }, { type: 'webhook', url: `${base}/hook`, secret: SECRET }],
  ...extra,
});

describe('alert rules', () => {
  test('a rule is checked: unknown workflow and metric are 400; a secret is never answered', async () => {
    const bad = await rt.call('POST', '/api/v1/alerts/rules', admin, rule({ scope: { type: 'workflow', workflow_id: 'nope' } }));
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.errors.map((e: { path: string }) => e.path), ['/scope/workflow_id']);
    assert.equal((await rt.call('POST', '/api/v1/alerts/rules', admin, rule({ metric: 'enrolled' }))).status, 400, 'not a watchable metric');
    const ok = await rt.call('POST', '/api/v1/alerts/rules', admin, rule({ name: 'tmp' }));
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.channels[2].secret, '*'.repeat(16));
    assert.equal(ok.json.min_volume, 20);
    // given back masked, the secret is kept
    const put = await rt.call('PUT', `/api/v1/alerts/rules/${ok.json.rule_id}`, admin, { ...rule({ name: 'tmp2' }), channels: ok.json.channels });
    assert.equal(put.status, 200, put.text);
    const stored = await rt.deps.alerts.rule(account, ok.json.rule_id);
    assert.equal((stored.channels[2] as { secret: string }).secret, SECRET);
    assert.equal((await rt.call('DELETE', `/api/v1/alerts/rules/${ok.json.rule_id}`, admin)).status, 204);
  });

  test('a breach fires at once: notified on every channel once, signed, and heard live; a second evaluation sends nothing', async () => {
    const created = (await rt.call('POST', '/api/v1/alerts/rules', admin, rule())).json;
    const [r] = await rt.deps.alerts.records.rules(account, created.rule_id);
    const [first] = await rt.deps.alerts.evaluateRules([r!], new Date(NOW0));
    assert.equal(first!.evaluation.bucket, BAD);
    assert.equal(first!.evaluation.value, 50);
    assert.equal(first!.evaluation.volume, 20);
    assert.equal(first!.status, 'firing');
    assert.match(first!.evaluation.summary, /Failure rate \(finished\) 50\.0% is above the threshold 20\.0%/);
    assert.equal(hooks.length, 1);
    assert.equal(hooks[0]!.verified, true);
    assert.equal(hooks[0]!.body.type, 'alert.firing');
    assert.equal(hooks[0]!.body.value, 50);
    assert.equal(slack.length, 1);
    assert.equal(typeof slack[0]!.text, 'string');
    assert.ok(Array.isArray(slack[0]!.blocks));
    assert.ok(mails.some((m) => /Failures on wfa/.test(m)));
    assert.equal(live.filter((a) => a.kind === 'firing').length, 1);

    await rt.deps.alerts.evaluateRules([r!], new Date(NOW0 + 60_000));
    assert.equal(hooks.length, 1, 'still firing: not notified again');

    // a restart: a new engine on the same store knows the alert fires and has been notified
    const again = new AlertEngine({ store: rt.deps.store, queries: rt.deps.queries, audit: rt.deps.audit, mailer: { send: async () => { throw new Error('must not send'); } }, bus: rt.deps.bus }, { tickMs: 0, webhookAllowPrivate: true });
    const [caught] = await again.evaluateRules([r!], new Date(NOW0 + 2 * 60_000));
    assert.equal(caught!.status, 'firing');
    assert.equal(caught!.transition, 'none');
    assert.equal(hooks.length, 1, 'no second notification after a restart');

    const list = (await rt.call('GET', '/api/v1/alerts?status=open', admin)).json.alerts;
    assert.equal(list.length, 1);
    assert.equal(list[0].status, 'firing');
    assert.equal(list[0].workflow_id, 'wfa');
    const ack = await rt.call('POST', `/api/v1/alerts/${list[0].alert_id}/acknowledge`, admin);
    assert.equal(ack.status, 200, ack.text);
    assert.ok(ack.json.acknowledged_at);

    // an hour later the last complete hour is normal again: resolved, and the resolution is notified
    const [resolved] = await rt.deps.alerts.evaluateRules([r!], new Date(NOW0 + H));
    assert.equal(resolved!.transition, 'resolve');
    assert.equal(hooks.length, 2);
    assert.equal(hooks[1]!.body.type, 'alert.resolved');
    const history = (await rt.call('GET', `/api/v1/alerts/${list[0].alert_id}/history`, admin)).json;
    assert.deepEqual(history.transitions.map((t: { to_status: string }) => t.to_status), ['firing', 'firing', 'resolved']); // fired, acknowledged, resolved
    assert.equal(history.deliveries.filter((d: { ok: boolean }) => d.ok).length, 6, 'three channels, firing and resolved');
    await rt.call('DELETE', `/api/v1/alerts/rules/${created.rule_id}`, admin);
  });

  test('for_minutes: pending first, firing once the breach has lasted, never for a shorter one', async () => {
    const created = (await rt.call('POST', '/api/v1/alerts/rules', admin, rule({ name: 'slow', for_minutes: 30, channels: [{ type: 'webhook', url: `${base}/hook`, secret: SECRET }] }))).json;
    const [r] = await rt.deps.alerts.records.rules(account, created.rule_id);
    const sent = hooks.length;
    assert.equal((await rt.deps.alerts.evaluateRules([r!], new Date(NOW0)))[0]!.status, 'pending');
    assert.equal((await rt.deps.alerts.evaluateRules([r!], new Date(NOW0 + 20 * 60_000)))[0]!.status, 'pending');
    assert.equal(hooks.length, sent);
    assert.equal((await rt.deps.alerts.evaluateRules([r!], new Date(NOW0 + 31 * 60_000)))[0]!.status, 'firing');
    assert.equal(hooks.length, sent + 1);
    await rt.call('DELETE', `/api/v1/alerts/rules/${created.rule_id}`, admin);
    assert.equal(hooks.length, sent + 2, 'deleting the rule resolves its firing alert');
  });

  test('a silence holds the notification back; when it ends, the alert still firing is notified', async () => {
    const created = (await rt.call('POST', '/api/v1/alerts/rules', admin, rule({ name: 'silenced', channels: [{ type: 'webhook', url: `${base}/hook`, secret: SECRET }] }))).json;
    const [r] = await rt.deps.alerts.records.rules(account, created.rule_id);
    const silence = await rt.call('POST', '/api/v1/alerts/silences', admin, { labels: { team: 'ops' }, starts_at: new Date(NOW0 - H).toISOString(), ends_at: new Date(Date.now() + H).toISOString(), comment: 'maintenance' });
    assert.equal(silence.status, 201, silence.text);
    const sent = hooks.length;
    assert.equal((await rt.deps.alerts.evaluateRules([r!], new Date(NOW0)))[0]!.status, 'firing');
    assert.equal(hooks.length, sent, 'silenced');
    assert.equal((await rt.call('DELETE', `/api/v1/alerts/silences/${silence.json.silence_id}`, admin)).status, 204);
    await rt.deps.alerts.evaluateRules([r!], new Date(NOW0 + 60_000));
    assert.equal(hooks.length, sent + 1, 'notified once the silence ended');
    await rt.deps.alerts.evaluateRules([r!], new Date(NOW0 + 2 * 60_000));
    assert.equal(hooks.length, sent + 1);
    await rt.call('DELETE', `/api/v1/alerts/rules/${created.rule_id}`, admin);
  });

  test('the seasonal anomaly detector fires on the bad hour; the anomaly bands mark it', async () => {
    const created = (await rt.call('POST', '/api/v1/alerts/rules', admin, rule({ name: 'anomaly', detector: { type: 'anomaly', sensitivity: 'medium', direction: 'above' }, channels: [] }))).json;
    const [r] = await rt.deps.alerts.records.rules(account, created.rule_id);
    const [e] = await rt.deps.alerts.evaluateRules([r!], new Date(NOW0));
    assert.equal(e!.evaluation.breached, true, e!.evaluation.summary);
    assert.ok(e!.evaluation.expected! < 10 && e!.evaluation.upper! < 50, JSON.stringify(e!.evaluation));
    const day = new Date(BAD).toISOString().slice(0, 10);
    const asked = Date.now();
    const bands = await rt.call('GET', `/api/v1/workflows/wfa/analytics/anomalies?metric=execution_failure_rate&start_date=${day}&end_date=${day}&bucket=hour`, admin);
    assert.equal(bands.status, 200, bands.text);
    // the day's complete hours (today's are not all complete yet: the running hour and the rest are left out)
    const complete = (at: number) => Math.min(24, Math.floor((at - Date.parse(`${day}T00:00:00Z`)) / H));
    assert.ok(bands.json.points.length >= complete(asked) && bands.json.points.length <= complete(Date.now()), `${bands.json.points.length} points`);
    const bad = bands.json.points.find((p: { t: string }) => Date.parse(p.t) === BAD);
    assert.equal(bad.anomaly, true);
    assert.equal(bad.value, 50);
    assert.ok(bands.json.points.filter((p: { anomaly: boolean }) => p.anomaly).length <= 2, 'the normal hours are not anomalies');
    await rt.call('DELETE', `/api/v1/alerts/rules/${created.rule_id}`, admin);
  });
});
