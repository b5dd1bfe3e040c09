/** POST /api/v1/events against the real embedded store. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
before(async () => {
  rt = await startTestRuntime();
});
after(() => rt.close());

async function count(accountId: string): Promise<number> {
  const rows = await rt.query<{ c: number }>('SELECT count() AS c FROM events WHERE account_id = {a:String}', { a: accountId });
  return rows[0]!.c;
}

describe('POST /api/v1/events', () => {
  test('a mixed batch keeps the valid events and rejects the invalid ones with field errors', async () => {
    const { accountId, key } = await rt.newAccount();
    const res = await rt.call('POST', '/api/v1/events', key, [
      ev.started('wf', 'e1', '2026-01-05T10:00:00Z'),
      { type: 'execution.started', workflow_id: 'wf', execution_id: 'e2', timestamp: 'yesterday', contact_id: 'c', enrollment_source: 'trigger' },
      { type: 'nope' },
      ev.step('completed', 'wf', 'e1', 's1', '2026-01-05T10:00:01+02:00', { duration_ms: -1 }),
      ev.goal('wf', 'e1', '2026-01-05T11:00:00Z', { value: 12.5 }),
      'not an object',
    ]);
    assert.equal(res.status, 200);
    assert.equal(res.json.accepted, 2);
    assert.equal(res.json.duplicates, 0);
    assert.deepEqual(res.json.rejected.map((r: { index: number }) => r.index), [1, 2, 3, 5]);
    assert.equal(res.json.rejected[0].errors[0].path, '/timestamp');
    assert.equal(res.json.rejected[1].errors[0].path, '/type');
    assert.equal(res.json.rejected[2].errors[0].path, '/duration_ms');
    assert.equal(await count(accountId), 2);
  });

  test('NDJSON bodies are accepted, a broken line is rejected on its own', async () => {
    const { accountId, key } = await rt.newAccount();
    const body = [
      JSON.stringify(ev.started('wf', 'n1', '2026-01-05T10:00:00Z')),
      '{broken',
      '',
      JSON.stringify(ev.completed('wf', 'n1', '2026-01-05T12:00:00Z')),
    ].join('\n');
    const res = await rt.call('POST', '/api/v1/events', key, body, { 'content-type': 'application/x-ndjson' });
    assert.equal(res.status, 200);
    assert.equal(res.json.accepted, 2);
    assert.deepEqual(res.json.rejected.map((r: { index: number }) => r.index), [1]);
    assert.equal(await count(accountId), 2);
  });

  test('an event_id is counted once, within a request and across requests', async () => {
    const { accountId, key } = await rt.newAccount();
    const a = ev.started('wf', 'd1', '2026-01-05T10:00:00Z', { event_id: 'evt-1' });
    const b = ev.completed('wf', 'd1', '2026-01-05T11:00:00Z', { event_id: 'evt-2' });
    const first = await rt.call('POST', '/api/v1/events', key, [a, a, b]);
    assert.deepEqual([first.json.accepted, first.json.duplicates], [2, 1]);
    const second = await rt.call('POST', '/api/v1/events', key, [b, ev.completed('wf', 'd1', '2026-01-05T11:00:00Z')]);
    assert.deepEqual([second.json.accepted, second.json.duplicates], [1, 1]);
    assert.equal(await count(accountId), 3);
  });

  test('the same event_id in two accounts is two events', async () => {
    const x = await rt.newAccount();
    const y = await rt.newAccount();
    const e = ev.started('wf', 'x1', '2026-01-05T10:00:00Z', { event_id: 'shared-id' });
    assert.equal((await rt.call('POST', '/api/v1/events', x.key, [e])).json.accepted, 1);
    assert.equal((await rt.call('POST', '/api/v1/events', y.key, [e])).json.accepted, 1);
  });

  test('concurrent requests are batched and all acknowledged rows are stored', async () => {
    const { accountId, key } = await rt.newAccount();
    const requests = Array.from({ length: 20 }, (_, r) =>
      rt.call('POST', '/api/v1/events', key, Array.from({ length: 50 }, (_, i) => ev.started('wf', `c-${r}-${i}`, '2026-01-05T10:00:00Z', { event_id: `c-${r}-${i}` }))),
    );
    const results = await Promise.all(requests);
    assert.equal(results.reduce((s, r) => s + r.json.accepted, 0), 1000);
    assert.equal(await count(accountId), 1000);
  });

  test('bad JSON, an empty body and a wrong content type are problem+json 4xx', async () => {
    const { key } = await rt.newAccount();
    const bad = await rt.call('POST', '/api/v1/events', key, '{"a":', { 'content-type': 'application/json' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(bad.json.status, 400);
    assert.match(bad.json.detail, /JSON/);
    const media = await rt.call('POST', '/api/v1/events', key, 'a,b', { 'content-type': 'text/csv' });
    assert.equal(media.status, 415);
  });

  test('more than 50,000 events or more than 10 MB is 413', async () => {
    const { accountId, key } = await rt.newAccount();
    const many = Array.from({ length: 50_001 }, () => ({ type: 'execution.completed' }));
    const res = await rt.call('POST', '/api/v1/events', key, many);
    assert.equal(res.status, 413);
    assert.match(res.json.detail, /50000/);
    const huge = '[' + JSON.stringify({ ...ev.started('wf', 'h', '2026-01-05T10:00:00Z'), metadata: { pad: 'x'.repeat(11 * 1024 * 1024) } }) + ']';
    const big = await rt.call('POST', '/api/v1/events', key, huge, { 'content-type': 'application/json' });
    assert.equal(big.status, 413);
    assert.equal(big.json.title, 'Payload Too Large');
    assert.equal(await count(accountId), 0);
  });

  test('without a valid key the API answers 401; a viewer may not ingest', async () => {
    const none = await rt.app.inject({ method: 'POST', url: '/api/v1/events', payload: [] });
    assert.equal(none.statusCode, 401);
    assert.equal(none.headers['content-type'], 'application/problem+json; charset=utf-8');
    const wrong = await rt.call('POST', '/api/v1/events', 'fl_wrong', []);
    assert.equal(wrong.status, 401);
    const viewer = await rt.newAccount('viewer');
    const res = await rt.call('POST', '/api/v1/events', viewer.key, [ev.started('wf', 'v1', '2026-01-05T10:00:00Z')]);
    assert.equal(res.status, 403);
  });

  test('unknown routes are problem+json 404', async () => {
    const res = await rt.app.inject({ method: 'GET', url: '/nope' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().title, 'Not Found');
  });
});
