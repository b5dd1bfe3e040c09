/** The audit log (who, what, when, parameters, outcome; paging, filters) and the privacy features. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
before(async () => (rt = await startTestRuntime()));
after(async () => rt?.close());

async function waitJob(key: string, id: string) {
  for (let i = 0; i < 200; i++) {
    const job = (await rt.call('GET', `/api/v1/jobs/${id}`, key)).json;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('job did not finish');
}

describe('audit log', () => {
  test('reads, denials, key and access changes are recorded with who, what, parameters and outcome', async () => {
    const { accountId, key: admin } = await rt.newAccount('admin');
    const viewerKey = await rt.call('POST', '/api/v1/api-keys', admin, { role: 'viewer', name: 'v', user_id: 'u-v' });
    const viewer = viewerKey.json.key as string;
    await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'e1', '2026-03-02T10:00:00Z')]);
    assert.equal((await rt.call('GET', '/api/v1/workflows/wf/analytics?start_date=2026-03-01&end_date=2026-03-31&timezone=Europe/Paris', admin)).status, 200);
    assert.equal((await rt.call('GET', '/api/v1/workflows/nope/analytics/funnel?range=last_7_days', admin)).status, 404);
    assert.equal((await rt.call('GET', '/api/v1/workflows/wf/analytics/actions?range=last_7_days', viewer)).status, 403);
    assert.equal((await rt.call('PUT', '/api/v1/workflows/wf/access', admin, { user_ids: ['u-v'] })).status, 200);
    assert.equal((await rt.call('DELETE', `/api/v1/api-keys/${viewerKey.json.id}`, admin)).status, 204);

    const res = await rt.call('GET', '/api/v1/audit-log', admin);
    assert.equal(res.status, 200);
    const entries = res.json.entries as Array<Record<string, any>>;
    const summary = (a: Record<string, any>) => `${a.action} ${a.outcome} ${a.status} ${a.workflow_id}`;
    assert.deepEqual(entries.map(summary), [
      `api_key.revoke success 204 `,
      `access.update success 200 wf`,
      `analytics.read denied 403 wf`,
      `analytics.read not_found 404 nope`,
      `analytics.read success 200 wf`,
      `api_key.create success 201 `,
    ]);
    const read = entries[4]!;
    assert.equal(read.role, 'admin');
    assert.equal(read.account_id, accountId);
    assert.equal(read.method, 'GET');
    assert.equal(read.path, '/api/v1/workflows/wf/analytics');
    assert.deepEqual(read.params, { workflow_id: 'wf', start_date: '2026-03-01', end_date: '2026-03-31', timezone: 'Europe/Paris' });
    assert.ok(Date.now() - Date.parse(read.at) < 60_000);
    assert.equal(entries[2]!.user_id, 'u-v');
    assert.deepEqual(entries[1]!.params.user_ids, ['u-v']);
    const created = entries[5]!;
    assert.deepEqual(created.params, { role: 'viewer', name: 'v', user_id: 'u-v' });
    assert.doesNotMatch(JSON.stringify(entries), /fl_[A-Za-z0-9_-]{20,}/, 'no secret in the log');

    // another account sees none of it
    const other = await rt.newAccount('admin');
    const theirs = (await rt.call('GET', '/api/v1/audit-log', other.key)).json.entries as Array<Record<string, any>>;
    assert.ok(theirs.every((e) => e.account_id === other.accountId));
    // the operator may read any account's log
    const viaOperator = await rt.call('GET', `/api/v1/audit-log?account_id=${accountId}&action=analytics.read`, OPERATOR_KEY);
    assert.equal(viaOperator.json.entries.length, 3);
  });

  test('pages with next_before cover every entry once; filters narrow; a bad cursor is 400', async () => {
    const { key: admin } = await rt.newAccount('admin');
    await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'e1', '2026-03-02T10:00:00Z')]);
    for (let i = 0; i < 7; i++) await rt.call('GET', `/api/v1/workflows/wf/analytics?start_date=2026-03-0${i + 1}&end_date=2026-03-09`, admin);
    const all = (await rt.call('GET', '/api/v1/audit-log?limit=1000', admin)).json.entries as Array<{ entry_id: string }>;
    const paged: string[] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page: { entries: Array<{ entry_id: string }>; next_before: string | null } = (
        await rt.call('GET', `/api/v1/audit-log?limit=3${before ? `&before=${encodeURIComponent(before)}` : ''}`, admin)
      ).json;
      paged.push(...page.entries.map((e) => e.entry_id));
      before = page.next_before;
      if (!before) break;
    }
    assert.deepEqual(paged, all.map((e) => e.entry_id));
    assert.equal(new Set(paged).size, paged.length);
    const filtered = (await rt.call('GET', '/api/v1/audit-log?action=analytics.read&workflow_id=wf', admin)).json.entries;
    assert.equal(filtered.length, 7);
    const old = (await rt.call('GET', '/api/v1/audit-log?before=2000-01-01T00:00:00Z', admin)).json.entries;
    assert.equal(old.length, 0);
    const bad = await rt.call('GET', '/api/v1/audit-log?before=yesterday', admin);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errors[0].path, '/before');
  });
});

describe('audit log at shutdown', () => {
  test('close writes what is queued, tries a failing write a few times, then gives up leaving no timer behind', async () => {
    const { AuditLog } = await import('../src/audit/audit-log.js');
    const store = rt.deps.store;
    let failures = 2;
    const logged: string[] = [];
    // the real store, its first two inserts refused (as under load); then one that refuses for good
    const flaky = Object.assign(Object.create(store) as typeof store, {
      insert: async (...args: Parameters<typeof store.insert>) => {
        if (failures-- > 0) throw new Error('refused');
        return store.insert(...args);
      },
    });
    const entry = (id: string) => ({ account_id: 'audit-close', key_id: 'k', user_id: '', role: 'admin', action: 'test.close', method: 'GET', path: `/${id}`, workflow_id: '', params: {}, status: 200, ip: '127.0.0.1', duration_ms: 1 });
    const a = new AuditLog(flaky, (m) => logged.push(m));
    a.record(entry('one'));
    await a.close();
    const rows = await store.query<{ path: string }>("SELECT path FROM audit_log WHERE account_id = 'audit-close'");
    assert.deepEqual(rows.map((r) => r.path), ['/one'], 'written on the third try');
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const refusing = Object.assign(Object.create(store) as typeof store, { insert: async () => { throw new Error('store closed'); } });
    const b = new AuditLog(refusing, (m) => logged.push(m));
    b.record(entry('two'));
    await b.close();
    assert.ok(logged.some((m) => /1 audit entries could not be written .* lost/.test(m)), logged.join('\n'));
    assert.ok(timers() <= before, 'no retry timer left');
  });
});

describe('privacy', () => {
  test('with pseudonymisation on, contact ids are stored as a keyed hash, the same for the same contact', async () => {
    const { accountId, key: admin } = await rt.newAccount('admin');
    assert.deepEqual((await rt.call('GET', '/api/v1/account/settings', admin)).json, { pseudonymize_contact_ids: false });
    assert.deepEqual((await rt.call('PUT', '/api/v1/account/settings', admin, { pseudonymize_contact_ids: true })).json, { pseudonymize_contact_ids: true });
    await rt.call('POST', '/api/v1/events', admin, [
      ev.started('wf', 'e1', '2026-03-02T10:00:00Z', { contact_id: 'alice@example.com' }),
      ev.started('wf', 'e2', '2026-03-02T11:00:00Z', { contact_id: 'alice@example.com' }),
      ev.started('wf', 'e3', '2026-03-02T12:00:00Z', { contact_id: 'bob@example.com' }),
    ]);
    const other = await rt.newAccount('admin');
    await rt.call('PUT', '/api/v1/account/settings', other.key, { pseudonymize_contact_ids: true });
    await rt.call('POST', '/api/v1/events', other.key, [ev.started('wf', 'e1', '2026-03-02T10:00:00Z', { contact_id: 'alice@example.com' })]);
    await rt.stored();
    const stored = async (account: string) =>
      (await rt.query<{ e: string; c: string }>('SELECT execution_id AS e, contact_id AS c FROM events WHERE account_id = {a:String} ORDER BY e', { a: account })).map((r) => r.c);
    const [a1, a2, b] = await stored(accountId);
    assert.match(a1!, /^ps_[0-9a-f]{32}$/);
    assert.equal(a1, a2);
    assert.notEqual(a1, b);
    assert.notEqual((await stored(other.accountId))[0], a1, 'each account has its own key');
    // turned off: ids are stored as sent from then on
    await rt.call('PUT', '/api/v1/account/settings', admin, { pseudonymize_contact_ids: false });
    await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'e4', '2026-03-02T13:00:00Z', { contact_id: 'carol' })]);
    assert.equal((await stored(accountId))[3], 'carol');
  });

  test('deleting a contact removes its executions everywhere and the figures follow; the audit log keeps no id', async () => {
    const { key: admin } = await rt.newAccount('admin');
    await rt.call('PUT', '/api/v1/account/settings', admin, { pseudonymize_contact_ids: true });
    const events = [
      ev.started('wf1', 'a1', '2026-03-02T10:00:00Z', { contact_id: 'alice', event_id: 'x1' }),
      ev.step('started', 'wf1', 'a1', 's1', '2026-03-02T10:01:00Z', { event_id: 'x2' }),
      ev.step('completed', 'wf1', 'a1', 's1', '2026-03-02T10:02:00Z', { event_id: 'x3', duration_ms: 60000 }),
      ev.goal('wf1', 'a1', '2026-03-02T11:00:00Z', { event_id: 'x4' }),
      ev.started('wf2', 'a2', '2026-03-03T10:00:00Z', { contact_id: 'alice', event_id: 'x5' }),
      ev.started('wf1', 'b1', '2026-03-02T12:00:00Z', { contact_id: 'bob', event_id: 'x6' }),
      ev.step('started', 'wf1', 'b1', 's1', '2026-03-02T12:01:00Z', { event_id: 'x7' }),
    ];
    assert.equal((await rt.call('POST', '/api/v1/events', admin, events)).json.accepted, 7);
    const q = '?start_date=2026-03-01&end_date=2026-03-31';
    const before1 = (await rt.call('GET', `/api/v1/workflows/wf1/analytics${q}`, admin)).json.summary;
    assert.equal(before1.total_enrolled, 2);
    assert.equal(before1.goals_achieved, 1);

    const del = await rt.call('DELETE', '/api/v1/contacts/alice', admin);
    assert.equal(del.status, 202, del.text);
    assert.equal(del.json.executions, 2);
    assert.equal(del.json.workflows, 2);
    const job = await waitJob(admin, del.json.job_id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.deepEqual(job.result, { deleted_executions: 2, deleted_events: 5 });
    assert.doesNotMatch(JSON.stringify(job), /alice/);

    const s1 = (await rt.call('GET', `/api/v1/workflows/wf1/analytics${q}`, admin)).json.summary;
    assert.equal(s1.total_enrolled, 1);
    assert.equal(s1.goals_achieved, 0);
    // wf2 existed only through alice's events: with them gone, it is gone too
    assert.equal((await rt.call('GET', `/api/v1/workflows/wf2/analytics${q}`, admin)).status, 404);
    const funnel = (await rt.call('GET', `/api/v1/workflows/wf1/analytics/funnel${q}`, admin)).json;
    assert.deepEqual(funnel.funnel_steps.map((s: any) => [s.step_id, s.entered, s.completed]), [['s1', 1, 0]]);
    for (const table of ['events', 'execution_state', 'execution_facts']) {
      const rows = await rt.query(`SELECT 1 FROM ${table} WHERE execution_id IN ('a1', 'a2')`);
      assert.equal(rows.length, 0, table);
    }
    // resending the deleted events does not bring them back
    const again = (await rt.call('POST', '/api/v1/events', admin, events.slice(0, 5))).json;
    assert.deepEqual([again.accepted, again.duplicates], [0, 5]);

    const log = (await rt.call('GET', '/api/v1/audit-log?action=contact.delete', admin)).json.entries;
    assert.equal(log.length, 1);
    assert.equal(log[0].path, '/api/v1/contacts/:contact_id');
    assert.match(log[0].params.contact, /^sha256:[0-9a-f]{16}$/);
    assert.doesNotMatch(JSON.stringify(log), /alice/);
  });
});
