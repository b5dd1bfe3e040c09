/**
 * The time limit of an API read (src/http/deadline.ts), in a file of its own: it needs a runtime with a 1 s limit,
 * and one process holds one embedded engine.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let key = '';
before(async () => {
  rt = await startTestRuntime({ requestTimeoutS: 1, sseHeartbeatMs: 400 });
  ({ key } = await rt.newAccount('admin'));
  await rt.call('POST', '/api/v1/events', key, [ev.started('wf', 'e1', '2026-09-02T10:00:00Z')]);
});
after(async () => rt?.close());

test('a read that outlives FLOWLENS_REQUEST_TIMEOUT_S answers 503 with Retry-After; /healthz and ingestion answer meanwhile', { timeout: 60_000 }, async () => {
  // a slow engine, injected into the real store: the workflow catalog's reads wait 3 s
  const store = rt.deps.store;
  const query = store.query.bind(store);
  store.query = (async (sql: string, ...rest: unknown[]) => {
    if (/FROM workflows/.test(sql)) await new Promise((r) => setTimeout(r, 3000));
    return (query as (...a: unknown[]) => Promise<unknown[]>)(sql, ...rest);
  }) as typeof store.query;
  try {
    const t0 = performance.now();
    const pending = rt.call('GET', '/api/v1/analytics/workflows?start_date=2026-09-01&end_date=2026-09-30', key);
    await new Promise((r) => setTimeout(r, 200));
    const t = performance.now();
    assert.equal((await rt.call('GET', '/healthz', key)).status, 200);
    assert.equal((await rt.call('POST', '/api/v1/events', key, [ev.started('wf', 'e2', '2026-09-03T10:00:00Z')])).json.accepted, 1);
    assert.ok(performance.now() - t < 1000, '/healthz and ingestion are not held up');
    const res = await pending;
    const elapsed = performance.now() - t0;
    assert.equal(res.status, 503, res.text);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.headers['retry-after'], '5');
    assert.match(res.json.detail, /FLOWLENS_REQUEST_TIMEOUT_S/);
    assert.ok(elapsed >= 950 && elapsed < 2500, `answered at the limit, not when the work ended (${Math.round(elapsed)} ms)`);
  } finally {
    store.query = query;
  }
  assert.equal((await rt.call('GET', '/api/v1/analytics/workflows?start_date=2026-09-01&end_date=2026-09-30', key)).status, 200, 'the next read answers');
  await new Promise((r) => setTimeout(r, 2500)); // the abandoned work ends before the store may close
});

test('streams and writes are not cut by the read time limit', { timeout: 30_000 }, async () => {
  // a live stream lasts longer than the limit and keeps sending
  const address = await rt.app.listen({ port: 0, host: '127.0.0.1' });
  const controller = new AbortController();
  const res = await fetch(`${address}/api/v1/workflows/wf/analytics/stream`, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const t = performance.now();
  let text = '';
  while (performance.now() - t < 2000) text += new TextDecoder().decode((await reader.read()).value ?? new Uint8Array());
  controller.abort();
  assert.match(text, /"snapshot":true/);
  assert.ok((text.match(/^: heartbeat/gm) ?? []).length >= 2, `heartbeats after the limit:\n${text.slice(-300)}`);
  // a write that takes longer than the limit still answers with what it did: ingestion waits for the store
  const store = rt.deps.store;
  const insert = store.insert.bind(store);
  store.insert = (async (table: string, rows: readonly Record<string, unknown>[]) => {
    if (table === 'events') await new Promise((r) => setTimeout(r, 1500));
    return insert(table, rows);
  }) as typeof store.insert;
  try {
    const write = await rt.call('POST', '/api/v1/events', key, [ev.started('wf', 'e3', '2026-09-04T10:00:00Z')]);
    assert.equal(write.status, 200, write.text);
    assert.equal(write.json.accepted, 1);
  } finally {
    store.insert = insert;
  }
});
