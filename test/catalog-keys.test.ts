/** Workflow catalog and API key management through the API. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
before(async () => {
  rt = await startTestRuntime();
});
after(() => rt.close());

const registration = (version: number, name = 'Welcome') => ({
  name,
  version,
  owner_user_id: 'u1',
  steps: [
    { step_id: 'b', name: 'Wait', order: 2, type: 'wait' },
    { step_id: 'a', name: 'Email', order: 1, type: 'action', action_type: 'send_email' },
  ],
});

describe('catalog', () => {
  test('versions are kept; the list merges registered workflows and those only seen in events', async () => {
    const { key } = await rt.newAccount();
    assert.equal((await rt.call('PUT', '/api/v1/workflows/wf-1', key, registration(1))).status, 201);
    const v2 = await rt.call('PUT', '/api/v1/workflows/wf-1', key, registration(2, 'Welcome v2'));
    assert.equal(v2.status, 201);
    assert.deepEqual(v2.json.versions.map((v: { version: number }) => v.version), [1, 2]);
    assert.deepEqual(v2.json.versions[0].steps.map((s: { step_id: string }) => s.step_id), ['a', 'b'], 'steps sorted by order');
    assert.equal((await rt.call('PUT', '/api/v1/workflows/wf-1', key, registration(2, 'Welcome v2b'))).status, 200, 're-registering a version replaces it');
    await rt.call('POST', '/api/v1/events', key, [
      ev.started('wf-1', 'e1', '2026-01-01T00:00:00Z', { workflow_version: 3 }),
      ev.started('seen-only', 'e2', '2026-01-02T00:00:00Z'),
      ev.completed('seen-only', 'e2', '2026-01-03T00:00:00Z'),
    ]);
    const list = await rt.call('GET', '/api/v1/workflows', key);
    assert.equal(list.status, 200);
    const byId = Object.fromEntries(list.json.workflows.map((w: { workflow_id: string }) => [w.workflow_id, w]));
    assert.deepEqual(
      { name: byId['wf-1'].name, registered: byId['wf-1'].registered, latest: byId['wf-1'].latest_version, versions: byId['wf-1'].versions },
      { name: 'Welcome v2b', registered: true, latest: 2, versions: [1, 2, 3] },
    );
    assert.deepEqual(
      { registered: byId['seen-only'].registered, first: byId['seen-only'].first_event_at, last: byId['seen-only'].last_event_at, events: byId['seen-only'].events },
      { registered: false, first: '2026-01-02T00:00:00.000Z', last: '2026-01-03T00:00:00.000Z', events: 2 },
    );
    assert.equal((await rt.call('GET', '/api/v1/workflows/nope', key)).status, 404);
  });

  test('an invalid registration is a 400 naming the field and stores nothing', async () => {
    const { key } = await rt.newAccount();
    const res = await rt.call('PUT', '/api/v1/workflows/wf-x', key, { name: 'x', version: 0, steps: [] });
    assert.equal(res.status, 400);
    assert.equal(res.json.errors[0].path, '/version');
    assert.deepEqual((await rt.call('GET', '/api/v1/workflows', key)).json.workflows, []);
  });

  test('another account never sees the workflow', async () => {
    const a = await rt.newAccount();
    const b = await rt.newAccount();
    await rt.call('PUT', '/api/v1/workflows/private', a.key, registration(1));
    assert.deepEqual((await rt.call('GET', '/api/v1/workflows', b.key)).json.workflows, []);
    assert.equal((await rt.call('GET', '/api/v1/workflows/private', b.key)).status, 404);
  });
});

describe('API keys', () => {
  test('create, list without secrets, revoke at once', async () => {
    const { accountId, key: admin } = await rt.newAccount();
    const created = await rt.call('POST', '/api/v1/api-keys', admin, { role: 'ingest', name: 'engine' });
    assert.equal(created.status, 201);
    const ingestKey = created.json.key as string;
    assert.equal((await rt.call('POST', '/api/v1/events', ingestKey, [])).status, 200);
    assert.equal((await rt.call('GET', '/api/v1/workflows', ingestKey)).status, 403, 'an ingest key may not read');
    const list = await rt.call('GET', '/api/v1/api-keys', admin);
    assert.ok(list.json.api_keys.every((k: Record<string, unknown>) => !('key' in k) && !('key_hash' in k)));
    assert.ok(list.json.api_keys.every((k: { account_id: string }) => k.account_id === accountId));
    assert.equal((await rt.call('DELETE', `/api/v1/api-keys/${created.json.id}`, admin)).status, 204);
    assert.equal((await rt.call('POST', '/api/v1/events', ingestKey, [])).status, 401, 'revoked at once');
  });

  test('only the operator creates accounts; an admin cannot create keys in another account', async () => {
    const a = await rt.newAccount();
    const b = await rt.newAccount();
    assert.equal((await rt.call('POST', '/api/v1/accounts', a.key, { name: 'x' })).status, 403);
    assert.equal((await rt.call('POST', '/api/v1/api-keys', a.key, { account_id: b.accountId, role: 'admin', name: 'x' })).status, 404);
    assert.equal((await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: 'missing', role: 'admin', name: 'x' })).status, 404);
  });

  test('an expired key is refused', async () => {
    const { key: admin } = await rt.newAccount();
    const created = await rt.call('POST', '/api/v1/api-keys', admin, { role: 'viewer', name: 'short', expires_at: new Date(Date.now() + 1500).toISOString() });
    assert.equal((await rt.call('GET', '/api/v1/workflows', created.json.key)).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal((await rt.call('GET', '/api/v1/workflows', created.json.key)).status, 401);
  });
});

describe('operations', () => {
  test('healthz, metrics and the OpenAPI document', async () => {
    const health = await rt.app.inject({ url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().store, 'embedded');
    assert.ok(['loading', 'ready'].includes(health.json().event_id_index), 'the event-id index is loading at start, then ready');
    const metrics = await rt.app.inject({ url: '/metrics' });
    assert.match(metrics.body, /flowlens_http_request_duration_seconds/);
    assert.match(metrics.body, /flowlens_events_ingested_total/);
    const doc = (await rt.app.inject({ url: '/openapi.json' })).json();
    assert.ok(doc.paths['/api/v1/events'].post);
    assert.ok(doc.paths['/api/v1/workflows/{workflow_id}'].put);
    assert.equal((await rt.app.inject({ url: '/docs/' })).statusCode, 200);
  });
});
