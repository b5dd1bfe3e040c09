/**
 * The dashboard's server side: sign-in sessions (HTTP-only cookie, the key's rights, sign-out,
 * revocation and expiry, the X-Requested-With rule), the overview of every workflow with hand-computed
 * figures in a timezone, and serving the built app.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let account = '';
const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-web-'));

async function key(role: string, userId = '', extra: Record<string, unknown> = {}) {
  const res = await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role, name: `${role} key`, ...(userId ? { user_id: userId } : {}), ...extra });
  assert.equal(res.status, 201, res.text);
  return res.json as { id: string; key: string };
}

/** A request with only the session cookie (no Bearer key), as the browser sends it. */
async function withCookie(method: string, url: string, cookie: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await rt.app.inject({ method: method as 'GET', url, headers: { cookie: `flowlens_session=${cookie}`, ...opts.headers }, ...(opts.body === undefined ? {} : { payload: opts.body as object }) });
  return { status: res.statusCode, json: (() => { try { return res.json(); } catch { return undefined; } })(), headers: res.headers };
}

async function signIn(apiKey: string): Promise<string> {
  const res = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { api_key: apiKey } });
  assert.equal(res.statusCode, 201, res.body);
  const cookie = String(res.headers['set-cookie']);
  return /flowlens_session=([^;]+)/.exec(cookie)![1]!;
}

before(async () => {
  fs.mkdirSync(path.join(webDir, 'assets'));
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Flowlens test app</title>');
  fs.writeFileSync(path.join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
  rt = await startTestRuntime({ webDir });
  account = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Dash' })).json.account_id;
});
after(async () => {
  await rt?.close();
  fs.rmSync(webDir, { recursive: true, force: true });
});

describe('sign-in sessions', () => {
  test('signing in sets an HTTP-only, SameSite=Strict cookie and says who is signed in', async () => {
    const admin = await key('admin', 'u-admin');
    const res = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { api_key: admin.key } });
    assert.equal(res.statusCode, 201);
    const cookies = res.headers['set-cookie'] as string[];
    const cookie = cookies.find((c) => c.startsWith('flowlens_session='))!;
    assert.match(cookie, /^flowlens_session=[A-Za-z0-9_-]{43}; /);
    // a hint for the page's script, without secret
    assert.match(cookies.find((c) => c.startsWith('flowlens_signed_in='))!, /^flowlens_signed_in=1; .*SameSite=Strict/);
    assert.doesNotMatch(cookies.find((c) => c.startsWith('flowlens_signed_in='))!, /HttpOnly/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    assert.ok(!cookie.includes(admin.key), 'the key is not the cookie');
    assert.equal(res.json().role, 'admin');
    assert.equal(res.json().user_id, 'u-admin');
    const id = /flowlens_session=([^;]+)/.exec(cookie)![1]!;
    const who = await withCookie('GET', '/api/v1/session', id);
    assert.equal(who.status, 200);
    assert.equal(who.json.signed_in, true);
    assert.equal(who.json.account_id, account);
    // the stored session holds a hash of the id, never the id
    const stored = await rt.query<{ session_hash: string }>('SELECT session_hash FROM sessions');
    assert.ok(stored.every((r) => r.session_hash !== id && /^[0-9a-f]{64}$/.test(r.session_hash)));
  });

  test('bad sign-ins are clear problems and set no cookie', async () => {
    const ingest = await key('ingest');
    for (const [payload, status] of [[{}, 400], [{ api_key: 'fl_wrong' }, 401], [{ api_key: ingest.key }, 403]] as const) {
      const res = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload });
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      assert.equal(res.headers['set-cookie'], undefined);
    }
  });

  test('nobody signed in is a 200 answer, not an error; a bad Bearer key still is', async () => {
    const none = await rt.app.inject({ method: 'GET', url: '/api/v1/session' });
    assert.equal(none.statusCode, 200);
    assert.deepEqual(none.json(), { signed_in: false });
    assert.deepEqual((await withCookie('GET', '/api/v1/session', 'no-such-session')).json, { signed_in: false });
    assert.equal((await rt.call('GET', '/api/v1/session', 'fl_wrong')).status, 401);
    assert.equal((await rt.call('GET', '/api/v1/session', (await key('viewer')).key)).json.signed_in, true);
  });

  test('a session has its key\'s rights, no more', async () => {
    const admin = await key('admin', 'u-admin');
    await rt.call('PUT', '/api/v1/workflows/shared', admin.key, { name: 'Shared', version: 1, steps: [] });
    await rt.call('PUT', '/api/v1/workflows/private', admin.key, { name: 'Private', version: 1, steps: [] });
    await rt.call('PUT', '/api/v1/workflows/shared/access', admin.key, { user_ids: ['u-view'] });
    const viewer = await signIn((await key('viewer', 'u-view')).key);
    const q = '?range=last_7_days';
    assert.equal((await withCookie('GET', `/api/v1/workflows/shared/analytics${q}`, viewer)).status, 200);
    assert.equal((await withCookie('GET', `/api/v1/workflows/private/analytics${q}`, viewer)).status, 403);
    const listed = (await withCookie('GET', `/api/v1/analytics/workflows${q}`, viewer)).json.workflows.map((w: { workflow_id: string }) => w.workflow_id);
    assert.deepEqual(listed, ['shared']);
    assert.equal((await withCookie('GET', '/api/v1/api-keys', viewer)).status, 403);
  });

  test('a changing request on the cookie alone must say X-Requested-With: flowlens', async () => {
    const admin = await key('admin');
    await rt.call('PUT', '/api/v1/workflows/wf-csrf', admin.key, { name: 'CSRF', version: 1, steps: [] });
    const id = await signIn(admin.key);
    const bare = await withCookie('POST', '/api/v1/auth/stream-token', id, { body: { workflow_id: 'wf-csrf' } });
    assert.equal(bare.status, 403);
    assert.match(bare.json.detail, /X-Requested-With/);
    const marked = await withCookie('POST', '/api/v1/auth/stream-token', id, { body: { workflow_id: 'wf-csrf' }, headers: { 'x-requested-with': 'flowlens' } });
    assert.equal(marked.status, 201);
    assert.equal((await withCookie('DELETE', '/api/v1/session', id)).status, 403, 'even signing out');
  });

  test('signing out ends the session at once and clears the cookie', async () => {
    const id = await signIn((await key('admin')).key);
    assert.equal((await withCookie('GET', '/api/v1/workflows', id)).status, 200);
    const out = await withCookie('DELETE', '/api/v1/session', id, { headers: { 'x-requested-with': 'flowlens' } });
    assert.equal(out.status, 204);
    assert.match(String(out.headers['set-cookie']), /flowlens_session=;.*Expires=Thu, 01 Jan 1970/);
    assert.match(String(out.headers['set-cookie']), /flowlens_signed_in=;.*Expires=Thu, 01 Jan 1970/);
    const after = await withCookie('GET', '/api/v1/workflows', id);
    assert.equal(after.status, 401);
    assert.match(after.json.detail, /session has ended/);
    assert.deepEqual((await withCookie('GET', '/api/v1/session', id)).json, { signed_in: false });
  });

  test('revoking the key ends its sessions; a session never outlives its key', async () => {
    const k = await key('admin');
    const id = await signIn(k.key);
    assert.equal((await rt.call('DELETE', `/api/v1/api-keys/${k.id}`, OPERATOR_KEY)).status, 204);
    assert.equal((await withCookie('GET', '/api/v1/workflows', id)).status, 401);

    const soon = await key('admin', '', { expires_at: new Date(Date.now() + 1500).toISOString() });
    const res = await rt.app.inject({ method: 'POST', url: '/api/v1/session', payload: { api_key: soon.key } });
    const expires = Date.parse(res.json().expires_at);
    assert.ok(expires <= Date.now() + 1500, 'the session ends when the key does');
    const sid = /flowlens_session=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!;
    assert.equal((await withCookie('GET', '/api/v1/workflows', sid)).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal((await withCookie('GET', '/api/v1/workflows', sid)).status, 401);
  });
});

describe('every workflow at a glance', () => {
  test('cohort figures and sparkline buckets in Asia/Kolkata, with a duplicate and a late event', async () => {
    const k = (await rt.newAccount('admin')).key;
    await rt.call('PUT', '/api/v1/workflows/quiet', k, { name: 'Quiet', version: 1, steps: [] });
    const events = [
      // 2026-03-01 00:30 IST: day 1
      ev.started('busy', 'a', '2026-02-28T19:00:00Z', { event_id: 'a-start' }),
      // 23:59 IST on day 1
      ev.started('busy', 'b', '2026-03-01T18:29:00Z'),
      // 00:01 IST on day 2
      ev.started('busy', 'c', '2026-03-01T18:31:00Z'),
      // 2026-03-04 00:00 IST: after the period
      ev.started('busy', 'd', '2026-03-03T18:30:00Z'),
      // before the period (23:59 IST on Feb 28)
      ev.started('busy', 'z', '2026-02-28T18:29:00Z'),
      ev.completed('busy', 'b', '2026-03-02T10:00:00Z'),
    ];
    assert.equal((await rt.call('POST', '/api/v1/events', k, events)).json.accepted, 6);
    // the same event again, and a goal arriving late for execution a
    const again = await rt.call('POST', '/api/v1/events', k, [ev.started('busy', 'a', '2026-02-28T19:00:00Z', { event_id: 'a-start' }), ev.goal('busy', 'a', '2026-03-05T09:00:00Z')]);
    assert.equal(again.json.duplicates, 1);
    const res = await rt.call('GET', '/api/v1/analytics/workflows?start_date=2026-03-01&end_date=2026-03-03&timezone=Asia/Kolkata', k);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.period, { start_date: '2026-03-01', end_date: '2026-03-03', timezone: 'Asia/Kolkata', granularity: 'daily' });
    const byId = Object.fromEntries(res.json.workflows.map((w: { workflow_id: string }) => [w.workflow_id, w]));
    assert.deepEqual(
      { ...byId.busy, last_event_at: undefined },
      {
        workflow_id: 'busy', name: 'busy', registered: false, last_event_at: undefined, total_enrolled: 3, currently_active: 1, completed: 2, completion_rate: 66.67, goals_achieved: 1, conversion_rate: 33.33, enrollments: [2, 1, 0],
        // none failed, no cost; the last run is d's start (after the period); the period before (Feb 26–28 IST) enrolled z only
        failed: 0, failure_rate: 0, cost_usd: 0, last_run_at: '2026-03-03T18:30:00.000Z',
        previous: { total_enrolled: 1, completion_rate: 0, failure_rate: 0 }, enrolled_change_percent: 200,
      },
    );
    assert.deepEqual(
      { ...byId.quiet, last_event_at: undefined },
      {
        workflow_id: 'quiet', name: 'Quiet', registered: true, last_event_at: undefined, total_enrolled: 0, currently_active: 0, completed: 0, completion_rate: 0, goals_achieved: 0, conversion_rate: 0, enrollments: [0, 0, 0],
        failed: 0, failure_rate: 0, cost_usd: 0, last_run_at: null, previous: { total_enrolled: 0, completion_rate: 0, failure_rate: 0 }, enrolled_change_percent: null,
      },
    );
    // the same figures as each workflow's own summary
    const summary = (await rt.call('GET', '/api/v1/workflows/busy/analytics?start_date=2026-03-01&end_date=2026-03-03&timezone=Asia/Kolkata', k)).json;
    assert.equal(summary.summary.total_enrolled, 3);
    assert.deepEqual(summary.trends.map((t: { new_enrollments: number }) => t.new_enrollments), [2, 1, 0]);
  });

  test('weekly buckets, and bad parameters are 400s naming them', async () => {
    const k = (await rt.newAccount('admin')).key;
    await rt.call('POST', '/api/v1/events', k, [ev.started('w', 'x', '2026-03-02T12:00:00Z'), ev.started('w', 'y', '2026-03-09T12:00:00Z'), ev.started('w', 'z', '2026-03-10T12:00:00Z')]);
    const weekly = await rt.call('GET', '/api/v1/analytics/workflows?start_date=2026-03-01&end_date=2026-03-14&granularity=weekly', k);
    // weeks start on Monday: Feb 23, Mar 2, Mar 9
    assert.deepEqual(weekly.json.workflows[0].enrollments, [0, 1, 2]);
    for (const [qs, param] of [['?range=forever', 'range'], ['?range=today&granularity=minute', 'granularity'], ['?range=today&timezone=Mars/Olympus', 'timezone'], ['', 'start_date']] as const) {
      const r = await rt.call('GET', `/api/v1/analytics/workflows${qs}`, k);
      assert.equal(r.status, 400, qs);
      assert.match(r.json.detail, new RegExp(param));
    }
  });
});

describe('serving the app', () => {
  test('/ and app paths get index.html, assets are cached for good, the API keeps its 404s', async () => {
    for (const url of ['/', '/workflows/wf-1?range=today', '/sign-in']) {
      const res = await rt.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /Flowlens test app/);
      assert.equal(res.headers['cache-control'], 'no-cache');
    }
    const asset = await rt.app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /immutable/);
    assert.match(String(asset.headers['content-security-policy']), /script-src 'self'/);
    const api = await rt.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
    assert.equal(api.statusCode, 404);
    assert.match(String(api.headers['content-type']), /problem\+json/);
    assert.equal((await rt.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode, 404, 'a missing build file is not an app page');
    assert.equal((await rt.app.inject({ method: 'POST', url: '/somewhere' })).statusCode, 404);
    const unknown = await rt.app.inject({ method: 'GET', url: '/no-such-page' });
    assert.equal(unknown.statusCode, 404, 'only the app\'s pages are the app');
    assert.match(String(unknown.headers['content-type']), /problem\+json/);
    // a browser navigating to an unknown page gets the app (its own not-found page), still with status 404
    for (const url of ['/no-such-page', '/workflows/x/y', '/reports/nothing?x=1']) {
      const page = await rt.app.inject({ method: 'GET', url, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      assert.equal(page.statusCode, 404, url);
      assert.match(page.body, /Flowlens test app/, url);
    }
    for (const url of ['/api/v1/nothing-here', '/assets/missing.js']) {
      const html = await rt.app.inject({ method: 'GET', url, headers: { accept: 'text/html', authorization: `Bearer ${OPERATOR_KEY}` } });
      assert.equal(html.statusCode, 404, url);
      assert.match(String(html.headers['content-type']), /problem\+json/, `${url}: the API and missing files keep their problem`);
    }
    for (const url of ['/overview', '/costs?range=today', '/activity', '/errors', '/workflows/a%2Fb']) assert.equal((await rt.app.inject({ method: 'GET', url })).statusCode, 200, url);
  });
});
