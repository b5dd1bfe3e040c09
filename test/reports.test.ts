/**
 * Scheduled reports delivered to a real SMTP server started in the test (smtp-server): the right
 * attachments, at most once per period (also after a restart of the scheduler), a refused delivery
 * recorded as failed and retried, every run in the audit log.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { smtpMailer } from '../src/reports/mailer.js';
import { ReportScheduler } from '../src/reports/scheduler.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

interface Received {
  to: string[];
  raw: string;
}

let rt: TestRuntime;
let smtp: SMTPServer;
let smtpUrl = '';
const received: Received[] = [];
let refuse = false;
let admin = '';

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, cb) {
      if (refuse) return cb(Object.assign(new Error('mailbox unavailable (test)'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('latin1')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  rt = await startTestRuntime({ smtpUrl, reportTickMs: 3_600_000 });
  ({ key: admin } = await rt.newAccount('admin'));
  await rt.call('PUT', '/api/v1/workflows/wf', admin, { name: 'Onboarding', version: 1, steps: [{ step_id: 's1', name: 'Email', order: 1, type: 'action' }] });
  await rt.call('POST', '/api/v1/events', admin, [
    ev.started('wf', 'e1', '2026-03-09T10:00:00Z'),
    ev.step('started', 'wf', 'e1', 's1', '2026-03-09T10:00:00Z'),
    ev.completed('wf', 'e1', '2026-03-09T11:00:00Z'),
    ev.started('wf', 'e2', '2026-03-09T12:00:00Z'),
  ]);
});
after(async () => {
  await rt?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

const definition = {
  name: 'Daily onboarding',
  workflow_id: 'wf',
  template: 'executive',
  formats: ['pdf', 'csv'],
  schedule: { frequency: 'daily', time: '08:00', timezone: 'Europe/Paris' },
  recipients: ['owner@example.com', 'team@example.com'],
};

function scheduler() {
  return new ReportScheduler(
    { store: rt.deps.store, queries: rt.deps.queries, derived: rt.deps.derived, accountSettings: rt.deps.accountSettings, audit: rt.deps.audit, reports: rt.deps.reports, mailer: smtpMailer(smtpUrl, 'Flowlens <reports@test>'), dashboards: rt.deps.dashboards },
    { tickMs: 3_600_000, retryMs: 60_000, maxAttempts: 3 },
  );
}

describe('scheduled reports', () => {
  test('create, list, update, validate, delete', async () => {
    const bad = await rt.call('POST', '/api/v1/reports', admin, { ...definition, schedule: { ...definition.schedule, timezone: 'Mars/Base' }, recipients: ['not-an-email'] });
    assert.equal(bad.status, 400);
    const unknown = await rt.call('POST', '/api/v1/reports', admin, { ...definition, workflow_id: 'nope' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.errors[0].path, '/workflow_id');
    const created = await rt.call('POST', '/api/v1/reports', admin, definition);
    assert.equal(created.status, 201);
    const id = created.json.report_id;
    const changed = await rt.call('PUT', `/api/v1/reports/${id}`, admin, { ...definition, name: 'Renamed' });
    assert.equal(changed.json.name, 'Renamed');
    assert.equal((await rt.call('GET', '/api/v1/reports', admin)).json.reports.length, 1);
    assert.equal((await rt.call('DELETE', `/api/v1/reports/${id}`, admin)).status, 204);
    assert.equal((await rt.call('GET', `/api/v1/reports/${id}`, admin)).status, 404);
    const viewer = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'viewer', name: 'v' })).json.key;
    assert.equal((await rt.call('GET', '/api/v1/reports', viewer)).status, 403);
  });

  test('a due report is emailed once per period with its PDF and CSV; a restart does not send it again', async () => {
    const report = (await rt.call('POST', '/api/v1/reports', admin, definition)).json;
    // the report was created now; tick at noon UTC two days later, four hours after that day's 08:00 Paris
    // occurrence and far from the next (created + 36 h landed a minute before 08:00 Paris when the test ran at
    // ≈19:00 UTC, and the tick a minute later then began a new period: a second email)
    const created = new Date(report.created_at);
    const tomorrow = new Date(Date.UTC(created.getUTCFullYear(), created.getUTCMonth(), created.getUTCDate() + 2, 12));
    const before = received.length;
    const s = scheduler();
    await s.tick(tomorrow);
    assert.equal(received.length, before + 1, 'one email');
    const mail = received.at(-1)!;
    assert.deepEqual(mail.to.sort(), ['owner@example.com', 'team@example.com']);
    assert.match(mail.raw, /Subject: =\?UTF-8\?Q\?Flowlens_=E2=80=94_Daily_onboarding/);
    assert.match(mail.raw, /Content-Type: application\/pdf;\s+name=workflow-analytics-wf-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.pdf/);
    assert.match(mail.raw, /Content-Type: text\/csv;\s+name=workflow-analytics-wf-.*\.csv/);
    // the same period again, and a new scheduler (a restart) for it: nothing more is sent
    await s.tick(new Date(tomorrow.getTime() + 60_000));
    await scheduler().tick(new Date(tomorrow.getTime() + 120_000));
    assert.equal(received.length, before + 1, 'at most once per period');
    const history = (await rt.call('GET', `/api/v1/reports/${report.report_id}`, admin)).json.runs;
    assert.equal(history.length, 1);
    assert.equal(history[0].status, 'sent');
    assert.equal(history[0].attempts, 1);
    assert.equal(history[0].attachments.length, 2);
    // the next day's occurrence is a new period
    await s.tick(new Date(tomorrow.getTime() + 24 * 3600_000));
    assert.equal(received.length, before + 2);
    await rt.call('DELETE', `/api/v1/reports/${report.report_id}`, admin);
  });

  test('a refused delivery is recorded as failed with the reason, then retried and sent', async () => {
    const report = (await rt.call('POST', '/api/v1/reports', admin, { ...definition, formats: ['csv'], schedule: { frequency: 'weekly', day_of_week: 1, time: '09:00', timezone: 'UTC' } })).json;
    const firstMonday = new Date(report.created_at);
    firstMonday.setUTCDate(firstMonday.getUTCDate() + ((8 - firstMonday.getUTCDay()) % 7 || 7));
    firstMonday.setUTCHours(9, 30, 0, 0);
    const s = scheduler();
    const before = received.length;
    refuse = true;
    await s.tick(firstMonday);
    let runs = (await rt.call('GET', `/api/v1/reports/${report.report_id}`, admin)).json.runs;
    assert.equal(runs[0].status, 'failed');
    assert.match(runs[0].error, /mailbox unavailable/);
    await s.tick(new Date(firstMonday.getTime() + 10_000));
    assert.equal((await rt.call('GET', `/api/v1/reports/${report.report_id}`, admin)).json.runs[0].attempts, 1, 'not retried before the retry delay');
    refuse = false;
    await s.tick(new Date(firstMonday.getTime() + 61_000));
    runs = (await rt.call('GET', `/api/v1/reports/${report.report_id}`, admin)).json.runs;
    assert.equal(runs[0].status, 'sent', JSON.stringify(runs));
    assert.equal(runs[0].attempts, 2, JSON.stringify(runs));
    assert.equal(received.length, before + 1);
    const audit = (await rt.call('GET', '/api/v1/audit-log?action=report.run', admin)).json.entries as Array<{ outcome: string; params: { attempt: number } }>;
    assert.ok(audit.some((e) => e.outcome === 'error' && e.params.attempt === 1));
    assert.ok(audit.some((e) => e.outcome === 'success' && e.params.attempt === 2));
  });

  test('send now', async () => {
    const report = (await rt.call('POST', '/api/v1/reports', admin, { ...definition, formats: ['pdf'] })).json;
    const before = received.length;
    const run = await rt.call('POST', `/api/v1/reports/${report.report_id}/run`, admin);
    assert.equal(run.status, 200);
    assert.equal(run.json.status, 'sent', JSON.stringify(run.json));
    assert.match(run.json.period_key, /^manual:/);
    assert.equal(received.length, before + 1);
  });

  test('a saved dashboard sent as a PDF on a schedule: its widgets\' titles and figures in the attachment', async () => {
    const dashboard = await rt.call('POST', '/api/v1/analytics/dashboards', admin, { name: 'Weekly overview', template: 'executive', workflow_ids: ['wf'] });
    assert.equal(dashboard.status, 201, dashboard.text);
    const bad = await rt.call('POST', '/api/v1/reports', admin, { ...definition, dashboard_id: dashboard.json.dashboard_id });
    assert.equal(bad.status, 400, 'a dashboard is sent as one PDF, for "*"');
    assert.deepEqual(bad.json.errors.map((e: { path: string }) => e.path).sort(), ['/formats', '/workflow_id']);
    assert.equal((await rt.call('POST', '/api/v1/reports', admin, { ...definition, workflow_id: '*', formats: ['pdf'], dashboard_id: 'nope' })).status, 400);
    const report = await rt.call('POST', '/api/v1/reports', admin, { ...definition, workflow_id: '*', formats: ['pdf'], dashboard_id: dashboard.json.dashboard_id });
    assert.equal(report.status, 201, report.text);
    assert.equal(report.json.dashboard_id, dashboard.json.dashboard_id);
    const before = received.length;
    const run = await rt.call('POST', `/api/v1/reports/${report.json.report_id}/run`, admin);
    assert.equal(run.json.status, 'sent', JSON.stringify(run.json));
    assert.match(run.json.attachments[0], /^dashboard-Weekly_overview-\d{4}-\d{2}-\d{2}\.pdf$/);
    assert.equal(received.length, before + 1);
    const mail = received[received.length - 1]!.raw;
    assert.match(mail, /Content-Type: application\/pdf/);
    // the PDF's text names the dashboard and every widget of it
    const b64 = /filename="?dashboard-[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(mail)?.[1];
    assert.ok(b64, 'the attachment is in the mail');
    const pdf = Buffer.from(b64.replace(/\s+/g, ''), 'base64');
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const { execFileSync } = await import('node:child_process');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    let text = '';
    try {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-dash-')), 'd.pdf');
      fs.writeFileSync(file, pdf);
      text = execFileSync('pdftotext', [file, '-']).toString();
    } catch (err) {
      if (process.env.FLOWLENS_REQUIRE_SERVICES === '1') throw err;
      console.warn('SKIPPED: reading the PDF back needs pdftotext (Debian: poppler-utils)');
      return;
    }
    assert.match(text, /Weekly overview/);
    for (const w of dashboard.json.widgets as Array<{ title: string }>) assert.ok(text.replace(/\s+/g, ' ').includes(w.title.replace(/\s+/g, ' ')), `widget "${w.title}" in the PDF`);
  });
});
