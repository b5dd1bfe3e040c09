/**
 * Exports (CONTRACT §6): CSV rows of the cohort with hand-computed values, quoting and formula safety;
 * the other datasets; JSON; PDF parsed back and rendered with poppler; export jobs, history, download;
 * the 1,000,000-row limit; a 1M-row CSV streamed with bounded memory.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { requireTool } from './helpers/services.js';
import { tempDir } from './helpers/store.js';

let rt: TestRuntime;
let admin = '';
let accountId = '';
const Q = 'start_date=2026-03-01&end_date=2026-03-31';

before(async () => {
  rt = await startTestRuntime();
  ({ key: admin, accountId } = await rt.newAccount('admin'));
  await rt.call('PUT', '/api/v1/workflows/wf', admin, {
    name: 'Onboarding "Pro", EU',
    version: 1,
    steps: [
      { step_id: 's1', name: 'Welcome email', order: 1, type: 'action', action_type: 'send_email' },
      { step_id: 's2', name: 'Wait', order: 2, type: 'wait' },
    ],
  });
  const events = [
    // e1: completed after 2 h
    ev.started('wf', 'e1', '2026-03-02T10:00:00Z', { contact_id: 'alice' }),
    ev.step('started', 'wf', 'e1', 's1', '2026-03-02T10:00:00Z'),
    ev.step('completed', 'wf', 'e1', 's1', '2026-03-02T10:00:05Z', { duration_ms: 5000 }),
    ev.completed('wf', 'e1', '2026-03-02T12:00:00Z'),
    // e2: exited with a formula-looking reason, contact id starting with +
    ev.started('wf', 'e2', '2026-03-03T09:30:00Z', { contact_id: '+31612345678', enrollment_source: 'api' }),
    ev.exited('wf', 'e2', '2026-03-03T10:00:00Z', '=HYPERLINK("http://evil","click")'),
    // e3: active at s2
    ev.started('wf', 'e3', '2026-03-04T08:00:00Z', { contact_id: 'carol, "the boss"' }),
    ev.step('started', 'wf', 'e3', 's1', '2026-03-04T08:00:00Z'),
    ev.step('completed', 'wf', 'e3', 's1', '2026-03-04T08:00:02Z', { duration_ms: 2000 }),
    ev.step('started', 'wf', 'e3', 's2', '2026-03-04T08:00:03Z'),
    // outside the period
    ev.started('wf', 'e4', '2026-04-02T10:00:00Z'),
  ];
  assert.equal((await rt.call('POST', '/api/v1/events', admin, events)).json.accepted, events.length);
});
after(async () => rt?.close());

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

describe('exports', () => {
  test('the four CSV datasets download under four names, each with its dataset and period; JSON and PDF by period', async () => {
    const names: string[] = [];
    for (const q of ['dataset=executions', 'dataset=trends', 'dataset=funnel', 'dataset=actions', 'format=json', 'format=pdf']) {
      const res = await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}&${q}`, admin);
      assert.equal(res.status, 200, `${q}: ${res.text}`);
      names.push(/filename="([^"]+)"/.exec(String(res.headers['content-disposition']))?.[1] ?? '');
    }
    assert.deepEqual(names, [
      'workflow-analytics-wf-executions-2026-03-01-to-2026-03-31.csv',
      'workflow-analytics-wf-trends-2026-03-01-to-2026-03-31.csv',
      'workflow-analytics-wf-funnel-2026-03-01-to-2026-03-31.csv',
      'workflow-analytics-wf-actions-2026-03-01-to-2026-03-31.csv',
      'workflow-analytics-wf-2026-03-01-to-2026-03-31.json',
      'workflow-analytics-wf-2026-03-01-to-2026-03-31.pdf',
    ]);
    const day = await rt.call('GET', '/api/v1/workflows/wf/analytics/export?start_date=2026-03-02&end_date=2026-03-02&dataset=funnel', admin);
    assert.equal(day.headers['content-disposition'], 'attachment; filename="workflow-analytics-wf-funnel-2026-03-02.csv"');
  });

  test('CSV: one row per cohort execution, hand-computed, quoted and formula-safe', async () => {
    const res = await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}`, admin);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="workflow-analytics-wf-executions-2026-03-01-to-2026-03-31.csv"');
    const rows = parseCsv(res.text);
    assert.deepEqual(rows[0], ['execution_id', 'contact_id', 'status', 'enrollment_source', 'enrolled_at', 'completed_at', 'goal_achieved_at', 'exit_reason', 'current_step_id', 'duration_seconds']);
    assert.deepEqual(rows.slice(1), [
      ['e1', 'alice', 'completed', 'trigger', '2026-03-02T10:00:00.000Z', '2026-03-02T12:00:00.000Z', '', '', '', '7200'],
      ['e2', "'+31612345678", 'exited', 'api', '2026-03-03T09:30:00.000Z', '', '', `'=HYPERLINK("http://evil","click")`, '', ''],
      ['e3', 'carol, "the boss"', 'active', 'trigger', '2026-03-04T08:00:00.000Z', '', '', '', 's2', ''],
    ]);
    assert.ok(res.text.includes(`"'=HYPERLINK(""http://evil"",""click"")"`), 'quotes doubled inside a quoted cell');
  });

  test('CSV datasets: trends (one row per day), funnel (catalog order), actions', async () => {
    const trends = parseCsv((await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}&dataset=trends`, admin)).text);
    assert.equal(trends.length, 1 + 31);
    assert.deepEqual(trends[2], ['2026-03-02', '1', '1', '0', '0.04']);
    const funnel = parseCsv((await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}&dataset=funnel`, admin)).text);
    assert.deepEqual(funnel.slice(1).map((r) => r.slice(0, 6)), [['1', 's1', 'Welcome email', '2', '2', '0'], ['2', 's2', 'Wait', '1', '0', '1']]);
    // in_progress, exited, lost_before, lost: e3 is still waiting at s2 (not lost), e2 never entered s1
    assert.deepEqual(funnel[0]!.slice(11), ['in_progress', 'exited', 'lost_before', 'lost']);
    assert.deepEqual(funnel.slice(1).map((r) => r.slice(11)), [['0', '0', '0', '0'], ['1', '0', '0', '0']]);
    const actions = parseCsv((await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}&dataset=actions`, admin)).text);
    assert.deepEqual(actions.slice(1).map((r) => r.slice(0, 6)), [['s1', 'send_email', '2', '2', '0', '100']]);
  });

  test('JSON: the summary, funnel and actions responses in one document', async () => {
    const res = await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}&format=json`, admin);
    assert.match(String(res.headers['content-disposition']), /\.json"$/);
    const doc = JSON.parse(res.text);
    assert.equal(doc.summary.summary.total_enrolled, 3);
    assert.equal(doc.summary.trends.length, 31);
    assert.equal(doc.funnel.funnel_steps.length, 2);
    assert.equal(doc.actions.actions[0].action_id, 's1');
  });

  test('JSON with compare: the funnel and actions (built on the summary\'s cohort totals and one catalog read) equal the endpoints\' answers', async () => {
    const doc = JSON.parse((await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}&format=json&compare=previous_period`, admin)).text);
    const funnel = (await rt.call('GET', `/api/v1/workflows/wf/analytics/funnel?${Q}&compare=previous_period`, admin)).json;
    const actions = (await rt.call('GET', `/api/v1/workflows/wf/analytics/actions?${Q}&compare=previous_period`, admin)).json;
    assert.deepEqual(doc.funnel, funnel);
    assert.deepEqual(doc.actions, actions);
    assert.equal(doc.funnel.total_enrolled, doc.summary.summary.total_enrolled);
    assert.equal(doc.funnel.comparison.total_enrolled, doc.summary.comparison.summary.total_enrolled);
  });

  test('PDF: executive is one page, detailed more; the text holds the figures; it renders to PNG', async (t) => {
    if (!(await requireTool('pdftotext', 'poppler-utils'))) return t.skip('poppler-utils is not installed');
    await rt.call('PUT', '/api/v1/account/settings', admin, { brand_name: 'Acme Automation', accent_color: '#d97706' });
    const dir = tempDir('flowlens-pdf-');
    for (const template of ['executive', 'detailed']) {
      const res = await rt.app.inject({ method: 'GET', url: `/api/v1/workflows/wf/analytics/export?${Q}&format=pdf&template=${template}`, headers: { authorization: `Bearer ${admin}` } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/pdf');
      const file = path.join(dir, `${template}.pdf`);
      fs.writeFileSync(file, res.rawPayload);
      assert.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-');
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())![1]);
      if (template === 'executive') assert.equal(pages, 1);
      else assert.ok(pages >= 2);
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
      for (const needle of ['Onboarding "Pro", EU', 'Acme Automation', 'Mar 1, 2026 – Mar 31, 2026', 'Summary', 'Enrolled', 'Completion rate', '33.3%', 'Observations', 'Biggest drop-off: Wait', 'Slowest step: Welcome email, 3.5 s']) {
        assert.ok(text.includes(needle), `${template}: "${needle}" in\n${text}`);
      }
      if (template === 'detailed') for (const needle of ['Actions', 'send_email', 'Exit reasons', '=HYPERLINK']) assert.ok(text.includes(needle), `detailed: ${needle}`);
      execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', file, path.join(dir, template)]);
      const png = fs.readdirSync(dir).find((f) => f.startsWith(template) && f.endsWith('.png'));
      assert.ok(png && fs.statSync(path.join(dir, png)).size > 5000, 'page 1 rendered');
    }
  });

  test('export jobs: 202, progress, history, download; expired files are 410; every step is audited', async () => {
    const queued = await rt.call('POST', '/api/v1/workflows/wf/analytics/export', admin, { start_date: '2026-03-01', end_date: '2026-03-31', format: 'csv' });
    assert.equal(queued.status, 202);
    await rt.deps.jobs.idle();
    const job = (await rt.call('GET', `/api/v1/jobs/${queued.json.job_id}`, admin)).json;
    assert.equal(job.status, 'succeeded');
    assert.equal(job.result.rows, 3);
    const history = (await rt.call('GET', '/api/v1/exports', admin)).json.exports as Array<Record<string, any>>;
    const mine = history.find((e) => e.export_id === queued.json.export_id)!;
    assert.equal(mine.status, 'succeeded');
    assert.equal(mine.mode, 'file');
    assert.ok(Date.parse(mine.expires_at) > Date.now() + 23 * 3600_000);
    assert.ok(history.some((e) => e.mode === 'streamed' && e.format === 'pdf'), 'streamed exports are in the history too');
    const file = await rt.call('GET', mine.download_url, admin);
    assert.equal(file.status, 200);
    const streamed = await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}`, admin);
    assert.equal(file.text, streamed.text, 'the file holds what the streamed export holds');
    // the file is gone (expired and swept): 410
    fs.rmSync(rt.deps.exportHistory.filePath(queued.json.export_id, 'csv'));
    assert.equal((await rt.call('GET', mine.download_url, admin)).status, 410);
    const viewer = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'viewer', name: 'v', user_id: 'u-v' })).json.key;
    assert.equal((await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}`, viewer)).status, 403);
    assert.equal((await rt.call('GET', mine.download_url, viewer)).status, 403);
    const audit = (await rt.call('GET', '/api/v1/audit-log?limit=1000', admin)).json.entries as Array<{ action: string; outcome: string }>;
    for (const action of ['export', 'export.queued', 'export.download']) assert.ok(audit.some((e) => e.action === action), action);
    assert.ok(audit.some((e) => e.action === 'export' && e.outcome === 'denied'));
  });

  test('over 1,000,000 rows is a clear 400; 1,000,000 rows stream with bounded memory', { timeout: 300_000 }, async () => {
    await rt.call('PUT', '/api/v1/workflows/big', admin, { name: 'Big', version: 1, steps: [] });
    const insert = (n: number, day: string) =>
      rt.deps.store.command(
        `INSERT INTO execution_facts (account_id, workflow_id, enrolled_at, execution_id, version, is_deleted, status, contact_id, enrollment_source, last_received_at)
         SELECT {a:String}, 'big', toDateTime64({day:String}, 3, 'UTC') + toIntervalMillisecond(number), concat('x', toString(number)), 1, 0,
                'active', concat('c', toString(number)), 'api', now64(3)
         FROM numbers({n:UInt64})`,
        { a: accountId, n, day },
      );
    await insert(1_000_000, '2026-05-10 00:00:00');
    await insert(1, '2026-05-11 00:00:00');
    const over = await rt.call('GET', '/api/v1/workflows/big/analytics/export?start_date=2026-05-10&end_date=2026-05-11', admin);
    assert.equal(over.status, 400);
    assert.match(over.json.detail, /1,000,001 rows; at most 1,000,000/);

    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(rt.app.server.address() as { port: number }).port}/api/v1/workflows/big/analytics/export?start_date=2026-05-10&end_date=2026-05-10`;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${admin}` } });
    let lines = 0;
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    clearInterval(sampler);
    const seconds = (performance.now() - t) / 1000;
    const extraMb = (peak - rssBefore) / 1024 / 1024;
    console.log(`1,000,000-row CSV export: ${seconds.toFixed(1)} s, ${(bytes / 1e6).toFixed(0)} MB, peak RSS +${extraMb.toFixed(0)} MB (server and client in one process)`);
    assert.equal(lines, 1_000_001, 'header + 1,000,000 rows');
    assert.ok(extraMb < 400, `peak RSS grew by ${extraMb.toFixed(0)} MB`);
  });

  test('flowlens export writes the same file from a running server, with progress', async () => {
    const port = (rt.app.server.address() as { port: number }).port;
    const out = path.join(tempDir('flowlens-cli-'), 'wf.csv');
    const root = path.resolve(import.meta.dirname, '..');
    // asynchronously: the server answering it runs in this process
    const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'export', '--url', `http://127.0.0.1:${port}`, '--key', admin,
        '--workflow', 'wf', '--start-date', '2026-03-01', '--end-date', '2026-03-31', '--out', out], { cwd: root });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (status) => resolve({ status, stderr }));
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /Exported .*wf\.csv/);
    const api = await rt.call('GET', `/api/v1/workflows/wf/analytics/export?${Q}`, admin);
    assert.equal(fs.readFileSync(out, 'utf8'), api.text);
  });
});
