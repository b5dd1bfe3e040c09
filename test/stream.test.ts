/**
 * Live updates (CONTRACT §6 stream, §2 stream tokens): a real SSE client over HTTP receives a snapshot,
 * then only changed figures after ingests, coalesced; resumes with Last-Event-ID; gets heartbeats; stream
 * tokens are checked; ETag/If-None-Match polling; slow and gone clients; the Redis bus across instances.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openRedis } from '../src/redis/connection.js';
import { InProcessBus, type WorkflowChanged } from '../src/realtime/bus.js';
import { StreamHub, type StreamClient } from '../src/realtime/hub.js';
import { RedisBus } from '../src/realtime/redis-bus.js';
import type { Store } from '../src/store/store.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { REDIS_URL, requireService } from './helpers/services.js';
import { openSse } from './helpers/sse.js';

let rt: TestRuntime;
let base = '';
let admin = '';
const today = () => new Date().toISOString();

before(async () => {
  rt = await startTestRuntime({ sseHeartbeatMs: 300, sseCoalesceMs: 100 });
  admin = (await rt.newAccount('admin')).key;
  await rt.call('PUT', '/api/v1/workflows/wf', admin, { name: 'Live', version: 1, steps: [{ step_id: 's1', name: 'Email', order: 1, type: 'action' }] });
  await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'e0', today()), ev.step('started', 'wf', 'e0', 's1', today())]);
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(rt.app.server.address() as { port: number }).port}`;
});
after(async () => rt?.close());

/**
 * Failure injection into the real store: while `down` is set, its queries of the live figures of
 * `workflow` throw; every other query runs as usual. Counts the queries it failed.
 */
function failLiveFigures(store: Store, workflow: string) {
  const real = store.query.bind(store);
  const state = { down: true, failed: 0 };
  const query: Store['query'] = (sql, params, options) => {
    if (state.down && params?.workflow === workflow && /\bAS step_completed\b/.test(sql)) {
      state.failed++;
      return Promise.reject(new Error('injected: the store is unavailable'));
    }
    return real(sql, params, options);
  };
  return { query, state };
}

const streamUrl = (wf = 'wf', q = '') => `${base}/api/v1/workflows/${wf}/analytics/stream${q}`;
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

describe('analytics stream', () => {
  test('a snapshot first, then only the figures an ingest changed', async () => {
    const s = await openSse(streamUrl(), bearer(admin));
    assert.equal(s.status, 200);
    assert.match(s.headers.get('content-type') ?? '', /text\/event-stream/);
    const first = await s.next();
    assert.equal(first.data.snapshot, true);
    assert.equal(first.data.workflow_id, 'wf');
    assert.equal(first.data.changes.total_enrolled, 1);
    assert.equal(first.data.changes.currently_active, 1);
    assert.deepEqual(first.data.changes.steps, { s1: { entered: 1, completed: 0, dropped_off: 1 } });
    assert.match(first.id!, /^[0-9a-f]{8}-0$/);

    await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'e1', today()), ev.started('wf', 'e2', today())]);
    const update = await s.next();
    assert.ok(!update.data.snapshot);
    assert.ok(Date.parse(update.data.timestamp) > 0);
    assert.deepEqual(update.data.changes, { total_enrolled: 3, currently_active: 3, new_enrollments: 3, new_enrollments_delta: 2 });
    assert.match(update.id!, /-1$/);

    await rt.call('POST', '/api/v1/events', admin, [ev.step('completed', 'wf', 'e0', 's1', today(), { duration_ms: 5 }), ev.completed('wf', 'e0', today())]);
    const next = await s.next();
    assert.deepEqual(Object.keys(next.data.changes).sort(), ['average_duration_hours', 'completed', 'completion_rate', 'completions', 'currently_active', 'steps']);
    assert.deepEqual(next.data.changes.steps, { s1: { completed: 1, dropped_off: 0 } });
    assert.equal(next.data.changes.completed, 1);
    s.close();

    // the live figures are the panels' figures
    const live = await openSse(streamUrl(), bearer(admin));
    const all = (await live.next()).data.changes;
    live.close();
    const panel = (await rt.call('GET', '/api/v1/workflows/wf/analytics?range=today', admin)).json;
    const f = (await rt.call('GET', '/api/v1/workflows/wf/analytics/funnel?range=today', admin)).json;
    for (const k of ['total_enrolled', 'currently_active', 'completed', 'completion_rate', 'goals_achieved', 'conversion_rate', 'exited', 'errored', 'average_duration_hours']) {
      assert.equal(all[k], panel.summary[k], k);
    }
    const sum = (k: string) => panel.trends.reduce((n: number, t: Record<string, number>) => n + t[k]!, 0);
    assert.deepEqual([all.new_enrollments, all.completions, all.conversions], [sum('new_enrollments'), sum('completions'), sum('conversions')]);
    for (const step of f.funnel_steps) assert.deepEqual(all.steps[step.step_id], { entered: step.entered, completed: step.completed, dropped_off: step.dropped_off });
  });

  test('a burst of 10,000 events becomes a few updates whose figures end where the summary is', async () => {
    const s = await openSse(streamUrl(), bearer(admin));
    await s.next();
    const from = s.messages.length;
    const sends = Array.from({ length: 10 }, (_, r) =>
      rt.call('POST', '/api/v1/events', admin, Array.from({ length: 1000 }, (_, i) => ev.started('wf', `burst-${r}-${i}`, today()))),
    );
    await Promise.all(sends);
    const summary = (await rt.call('GET', '/api/v1/workflows/wf/analytics?range=today', admin)).json.summary;
    const last = await s.next((m) => m.data?.changes?.total_enrolled === summary.total_enrolled, 10_000, from);
    await new Promise((r) => setTimeout(r, 500));
    const updates = s.messages.slice(from).filter((m) => m.event === 'metrics_update');
    assert.ok(updates.length >= 1 && updates.length <= 12, `${updates.length} updates for 10 requests of 1,000 events`);
    assert.equal(updates.at(-1)!.id, last.id, 'nothing after the final figures');
    const deltas = updates.reduce((n, m) => n + (m.data.changes.new_enrollments_delta ?? 0), 0);
    assert.equal(deltas, 10_000, 'the deltas add up to the events sent');
    s.close();
  });

  test('Last-Event-ID resumes with what was missed; an unknown id gets a snapshot', async () => {
    const s = await openSse(streamUrl(), bearer(admin));
    const snap = await s.next();
    s.close();
    await s.closed;
    await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'r1', today())]);
    await new Promise((r) => setTimeout(r, 300));
    await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'r2', today())]);
    await new Promise((r) => setTimeout(r, 300));
    const again = await openSse(streamUrl(), { ...bearer(admin), 'last-event-id': snap.id! });
    // one update per stored write: two, or one when both acknowledged events were stored in the same engine write
    // (the journal's writer takes whatever is pending, which on a loaded machine can be both)
    const updates = [await again.next()];
    while (updates.reduce((sum, u) => sum + u.data.changes.new_enrollments_delta, 0) < 2 && updates.length < 2) updates.push(await again.next());
    assert.ok(updates.every((u) => !u.data.snapshot), 'replayed updates, not a snapshot');
    assert.equal(updates.reduce((sum, u) => sum + u.data.changes.new_enrollments_delta, 0), 2);
    assert.equal(updates[updates.length - 1]!.data.changes.total_enrolled, snap.data.changes.total_enrolled + 2);
    again.close();
    const unknown = await openSse(streamUrl(), { ...bearer(admin), 'last-event-id': 'deadbeef-3' });
    assert.equal((await unknown.next()).data.snapshot, true);
    unknown.close();
  });

  test('heartbeat comments arrive while nothing changes', async () => {
    const s = await openSse(streamUrl(), bearer(admin));
    const beat = await s.next((m) => m.comment === 'heartbeat', 3000);
    assert.ok(beat);
    s.close();
  });

  test('stream tokens: accepted for their workflow, refused when expired, tampered, for another workflow or after revocation', async () => {
    await rt.call('POST', '/api/v1/events', admin, [ev.started('other', 'o1', today())]);
    const key = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'viewer', name: 'tv', user_id: 'u-tv' })).json;
    assert.equal((await rt.call('POST', '/api/v1/auth/stream-token', key.key, { workflow_id: 'wf' })).status, 403, 'a viewer the workflow is not shared with');
    await rt.call('PUT', '/api/v1/workflows/wf/access', admin, { user_ids: ['u-tv'] });
    const issued = await rt.call('POST', '/api/v1/auth/stream-token', key.key, { workflow_id: 'wf' });
    assert.equal(issued.status, 201);
    assert.ok(Date.parse(issued.json.expires_at) > Date.now());
    const ok = await openSse(`${base}${issued.json.stream_url}`);
    assert.equal(ok.status, 200);
    assert.equal((await ok.next()).data.snapshot, true);
    ok.close();
    const wrong = await openSse(streamUrl('other', `?access_token=${issued.json.token}`));
    assert.equal(wrong.status, 403);
    const token = issued.json.token as string;
    const tampered = await openSse(streamUrl('wf', `?access_token=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`));
    assert.equal(tampered.status, 401);
    assert.equal((await openSse(streamUrl('wf'))).status, 401, 'no credentials');
    // expiry: a token signed with the same secret, already expired
    const { signStreamToken } = await import('../src/realtime/stream-token.js');
    const expired = signStreamToken(rt.deps.streamSecret, { keyId: key.id, account: (await rt.call('GET', '/api/v1/api-keys', admin)).json.api_keys[0].account_id, workflow: 'wf', exp: Math.floor(Date.now() / 1000) - 1 });
    const late = await openSse(streamUrl('wf', `?access_token=${expired}`));
    assert.equal(late.status, 401);
    // revoking the key refuses its tokens at once
    await rt.call('DELETE', `/api/v1/api-keys/${key.id}`, admin);
    assert.equal((await openSse(`${base}${issued.json.stream_url}`)).status, 401);
  });

  test('a stream whose first computation failed does not stay broken: the next client gets a snapshot', async () => {
    await rt.call('PUT', '/api/v1/workflows/wf-fail', admin, { name: 'Flaky', version: 1, steps: [{ step_id: 's1', name: 'Email', order: 1, type: 'action' }] });
    await rt.call('POST', '/api/v1/events', admin, [ev.started('wf-fail', 'f1', today()), ev.step('started', 'wf-fail', 'f1', 's1', today())]);
    await rt.call('GET', '/api/v1/workflows/wf-fail/analytics?range=today', admin); // the facts are written
    const clients = rt.deps.hub.stats().clients;
    const store = rt.deps.store;
    const injected = failLiveFigures(store, 'wf-fail');
    const own = Object.prototype.hasOwnProperty.call(store, 'query');
    const original = store.query;
    store.query = injected.query;
    try {
      // the first client, while the store fails: its stream ends without figures (as before the fix)
      const first = await openSse(streamUrl('wf-fail'), bearer(admin));
      assert.equal(first.status, 200);
      await first.closed;
      assert.ok(injected.state.failed >= 1, 'the first computation failed');
      assert.ok(!first.messages.some((m) => m.event === 'metrics_update'), 'no figures from a failed computation');

      // the store answers again: the next client of the same workflow and parameters computes afresh
      injected.state.down = false;
      const second = await openSse(streamUrl('wf-fail'), bearer(admin));
      assert.equal(second.status, 200);
      const snap = await second.next(undefined, 5000);
      assert.equal(snap.data.snapshot, true);
      assert.equal(snap.data.workflow_id, 'wf-fail');
      assert.equal(snap.data.changes.total_enrolled, 1);
      assert.deepEqual(snap.data.changes.steps, { s1: { entered: 1, completed: 0, dropped_off: 1 } });

      // and it is a live stream: an ingest reaches it
      await rt.call('POST', '/api/v1/events', admin, [ev.started('wf-fail', 'f2', today())]);
      const update = await second.next(undefined, 5000);
      assert.equal(update.data.changes.total_enrolled, 2);
      second.close();
      for (let i = 0; i < 50 && rt.deps.hub.stats().clients !== clients; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(rt.deps.hub.stats().clients, clients, 'the second client leaves');
    } finally {
      if (own) store.query = original;
      else delete (store as Partial<Store>).query;
    }
  });

  test('a disconnected client is removed at once; a bad period is a 400 before the stream starts', async () => {
    const before = rt.deps.hub.stats().clients;
    const s = await openSse(streamUrl(), bearer(admin));
    await s.next();
    assert.equal(rt.deps.hub.stats().clients, before + 1);
    s.close();
    for (let i = 0; i < 50 && rt.deps.hub.stats().clients !== before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(rt.deps.hub.stats().clients, before);
    const log = (await rt.call('GET', '/api/v1/audit-log?action=analytics.stream', admin)).json.entries;
    assert.ok(log.length > 0 && log.every((e: { outcome: string }) => e.outcome === 'success'), 'stream opens are in the audit log');
    const bad = await openSse(streamUrl('wf', '?timezone=Mars/Olympus'));
    assert.equal(bad.status, 401);
    const bad2 = await fetch(streamUrl('wf', '?timezone=Mars/Olympus'), { headers: bearer(admin) });
    assert.equal(bad2.status, 400);
    assert.match(bad2.headers.get('content-type') ?? '', /problem\+json/);
  });
});

describe('polling fallback', () => {
  test('the summary has an ETag; If-None-Match answers 304 until an ingest changes it', async () => {
    const url = '/api/v1/workflows/wf/analytics?range=today';
    const first = await rt.call('GET', url, admin);
    const tag = first.headers.etag as string;
    assert.match(tag, /^"[\w-]{32}"$/);
    const same = await rt.call('GET', url, admin, undefined, { 'if-none-match': tag });
    assert.equal(same.status, 304);
    assert.equal(same.text, '');
    await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'etag-1', today())]);
    const changed = await rt.call('GET', url, admin, undefined, { 'if-none-match': tag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, tag);
  });
});

describe('hub', () => {
  test('a slow client gets nothing more until it drains, then one snapshot; memory stays bounded', async () => {
    const bus = new InProcessBus();
    const hub = new StreamHub(rt.deps.store, rt.deps.derived, bus, { coalesceMs: 0, heartbeatMs: 60_000, historySize: 10, idleMs: 1000, stuckMs: 60_000 });
    const account = (await rt.call('GET', '/api/v1/api-keys', admin)).json.api_keys[0].account_id as string;
    const writes: string[] = [];
    let full = true;
    let drain: (() => void) | null = null;
    const client: StreamClient = { write: (c) => (writes.push(c), !full), onDrain: (cb) => (drain = cb), close: () => {} };
    await hub.open({ account, workflow: 'wf' }, { range: 'today' }, client);
    const afterOpen = writes.length; // retry + snapshot; the socket is now "full"
    for (let i = 0; i < 5; i++) {
      await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', `slow-${i}`, today())]);
      bus.publish({ account, workflow: 'wf', at: Date.now() });
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(writes.length, afterOpen, 'nothing written while the client is behind');
    full = false;
    drain!();
    assert.equal(writes.length, afterOpen + 1);
    assert.match(writes.at(-1)!, /"snapshot":true/);
    await hub.close();
  });

  test('a failed first computation rejects open() and leaves no group behind; the next open() computes afresh', async () => {
    const account = (await rt.call('GET', '/api/v1/api-keys', admin)).json.api_keys[0].account_id as string;
    const real = rt.deps.store;
    const injected = failLiveFigures(real, 'wf');
    // the real store, with the live figures' queries failing until the store is "back"
    const store = new Proxy(real, {
      get: (t, k) => (k === 'query' ? injected.query : typeof (t as any)[k] === 'function' ? (t as any)[k].bind(t) : (t as any)[k]),
    });
    const bus = new InProcessBus();
    const hub = new StreamHub(store, rt.deps.derived, bus, { coalesceMs: 0, heartbeatMs: 50, historySize: 10, idleMs: 60_000, stuckMs: 60_000 });
    try {
      const writes: string[] = [];
      const client: StreamClient = { write: (c) => (writes.push(c), true), onDrain: () => {}, close: () => {} };
      // two clients join while the first computation runs: both get its error
      const [a, b] = await Promise.allSettled([
        hub.open({ account, workflow: 'wf' }, { range: 'today' }, client),
        hub.open({ account, workflow: 'wf' }, { range: 'today' }, client),
      ]);
      assert.equal(a.status, 'rejected');
      assert.equal(b.status, 'rejected');
      assert.match(String((a as PromiseRejectedResult).reason), /injected/);
      assert.deepEqual(hub.stats(), { groups: 0, clients: 0, updates: 0 }, 'the failed group is gone');
      assert.equal(injected.state.failed, 1, 'one computation for the group');

      // a change heard now schedules nothing for the discarded group
      bus.publish({ account, workflow: 'wf', at: Date.now() });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(injected.state.failed, 1);

      // the next client: another failure is its own, not a replay of the old one
      await assert.rejects(hub.open({ account, workflow: 'wf' }, { range: 'today' }, client), /injected/);
      assert.equal(injected.state.failed, 2);
      assert.equal(hub.stats().groups, 0);
      injected.state.down = false;

      // and once the store answers, a client gets a snapshot of every figure
      const leave = await hub.open({ account, workflow: 'wf' }, { range: 'today' }, client);
      assert.deepEqual(hub.stats(), { groups: 1, clients: 1, updates: 0 });
      const snapshot = writes.find((w) => w.includes('"snapshot":true'));
      assert.ok(snapshot, `a snapshot was written: ${JSON.stringify(writes)}`);
      const data = JSON.parse(snapshot.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
      assert.ok(data.changes.total_enrolled >= 1);
      assert.ok('steps' in data.changes);
      await new Promise((r) => setTimeout(r, 120));
      assert.ok(writes.includes(': heartbeat\n\n'), 'the new group gets heartbeats');
      leave();
    } finally {
      await hub.close();
    }
  });
});

describe('Redis bus', () => {
  test('two bus instances deliver to each other through the real Redis; without Redis, locally', async (t) => {
    const url = await requireService('Redis', REDIS_URL);
    if (!url) return t.skip('Redis is not reachable');
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const [ra, rb] = [openRedis(url, warn), openRedis(url, warn)];
    const a = new RedisBus(ra, warn);
    const b = new RedisBus(rb, warn);
    await Promise.all([a.ready(), b.ready()]);
    try {
      const got: WorkflowChanged[] = [];
      b.subscribe((m) => got.push(m));
      const ownA: WorkflowChanged[] = [];
      a.subscribe((m) => ownA.push(m));
      a.publish({ account: 'acc', workflow: 'wf-redis', at: Date.now() });
      for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(got.length, 1);
      assert.equal(got[0]!.workflow, 'wf-redis');
      assert.equal(ownA.length, 1, 'the publishing instance hears it once too');
      const dead = openRedis('redis://127.0.0.1:1', warn);
      const c = new RedisBus(dead, warn);
      const local: WorkflowChanged[] = [];
      c.subscribe((m) => local.push(m));
      c.publish({ account: 'acc', workflow: 'wf-local', at: Date.now() });
      assert.equal(local.length, 1, 'delivered within the instance while Redis is away');
      assert.ok(warnings.some((w) => /only this instance/.test(w)));
      await c.close();
      dead.disconnect();
    } finally {
      await a.close();
      await b.close();
      ra.disconnect();
      rb.disconnect();
    }
  });
});
