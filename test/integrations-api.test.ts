/**
 * /api/v1/integrations on the real app and engine (issue 29): create with validation messages, read, change,
 * delete; credentials never in an answer and encrypted in the stored row (read raw: not there in clear, decrypting
 * only with the key and only for its own integration); a sync on demand answered 202 with its run, run against the
 * HubSpot fake, its history and success rate through the API.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../src/config/config.js';
import { decryptCredentials, encryptCredentials } from '../src/integrations/secrets.js';
import { HubSpotFake } from './fakes/hubspot-fake.js';
import { startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const KEY = Buffer.alloc(32, 7);
const hub = new HubSpotFake(TOKEN);
let rt: TestRuntime;
let admin = '';
let member = '';
let account = '';

before(async () => {
  await hub.start();
  rt = await startTestRuntime({ integrationsKey: KEY, integrationTickMs: 0, integrationUrls: { ...loadConfig({}, {}).integrationUrls, hubspot: hub.url } });
  ({ key: admin, accountId: account } = await rt.newAccount('admin'));
  member = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'member', name: 'm', user_id: 'u-m' })).json.key;
  hub.put('contacts', '101', { email: 'a@x', firstname: 'A' }, new Date(Date.now() - 3_600_000).toISOString());
});
after(async () => {
  await rt?.close();
  await hub.stop();
});

test('create: missing credentials and unknown fields are 400 with field errors; an answer names the credentials set, never their values', async () => {
  const missing = await rt.call('POST', '/api/v1/integrations', admin, { kind: 'salesforce', name: 'SF', credentials: { client_id: 'x' } });
  assert.equal(missing.status, 400);
  assert.match(String(missing.headers['content-type']), /^application\/problem\+json/);
  assert.deepEqual(missing.json.errors.map((e: { path: string }) => e.path), ['/credentials/client_secret', '/credentials/refresh_token']);
  assert.equal((await rt.call('POST', '/api/v1/integrations', admin, { kind: 'pipedrive', name: 'x', credentials: {} })).status, 400);
  assert.equal((await rt.call('POST', '/api/v1/integrations', admin, { kind: 'hubspot', name: '', credentials: { access_token: TOKEN } })).status, 400);

  const created = await rt.call('POST', '/api/v1/integrations', admin, { kind: 'hubspot', name: 'HubSpot', config: { contact_key_property: 'email' }, credentials: { access_token: TOKEN }, schedule_minutes: 30 });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual({ ...created.json, integration_id: '', created_at: '', updated_at: '' }, {
    integration_id: '', kind: 'hubspot', name: 'HubSpot', config: { contact_key_property: 'email' }, credentials_set: ['access_token'], schedule_minutes: 30, enabled: true,
    created_at: '', updated_at: '', last_run: null, success_rate: { runs: 0, succeeded: 0, rate: null },
  });
  const id = created.json.integration_id as string;
  for (const res of [created, await rt.call('GET', `/api/v1/integrations/${id}`, member), await rt.call('GET', '/api/v1/integrations', member)]) {
    assert.equal(res.status, 200 + (res === created ? 1 : 0));
    assert.ok(!res.text.includes(TOKEN), 'the token never leaves');
  }
  // at rest: the row holds no clear token; it decrypts with the key, for this integration only
  const [row] = await rt.query<{ credentials_enc: string }>('SELECT credentials_enc FROM integrations FINAL WHERE id = {id:String}', { id });
  assert.ok(!row!.credentials_enc.includes(TOKEN) && !Buffer.from(row!.credentials_enc, 'base64').toString('latin1').includes(TOKEN));
  assert.deepEqual(decryptCredentials(KEY, id, row!.credentials_enc), { access_token: TOKEN });
  assert.throws(() => decryptCredentials(KEY, 'another-integration', row!.credentials_enc), /do not decrypt/);
  assert.throws(() => decryptCredentials(Buffer.alloc(32, 8), id, row!.credentials_enc), /do not decrypt/);
  assert.notEqual(encryptCredentials(KEY, id, { access_token: TOKEN }), row!.credentials_enc, 'a fresh IV every time');
});

test('change: credentials named are replaced, others kept, an empty one removed (and then required again); members may not change', async () => {
  const id = (await rt.call('POST', '/api/v1/integrations', admin, { kind: 'hubspot', name: 'Second', credentials: { access_token: 'old', extra: 'kept' } })).json.integration_id as string;
  assert.equal((await rt.call('PATCH', `/api/v1/integrations/${id}`, member, { name: 'x' })).status, 403);
  const renamed = await rt.call('PATCH', `/api/v1/integrations/${id}`, admin, { name: 'Renamed', enabled: false, credentials: { access_token: 'new' } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.deepEqual([renamed.json.name, renamed.json.enabled, renamed.json.credentials_set], ['Renamed', false, ['access_token', 'extra']]);
  const [row] = await rt.query<{ credentials_enc: string }>('SELECT credentials_enc FROM integrations FINAL WHERE id = {id:String}', { id });
  assert.deepEqual(decryptCredentials(KEY, id, row!.credentials_enc), { access_token: 'new', extra: 'kept' });
  const emptied = await rt.call('PATCH', `/api/v1/integrations/${id}`, admin, { credentials: { access_token: '' } });
  assert.equal(emptied.status, 400);
  assert.deepEqual(emptied.json.errors, [{ path: '/credentials/access_token', message: 'hubspot needs access_token' }]);
  assert.equal((await rt.call('DELETE', `/api/v1/integrations/${id}`, admin)).status, 204);
  assert.equal((await rt.call('GET', `/api/v1/integrations/${id}`, admin)).status, 404);
  assert.equal((await rt.call('PATCH', `/api/v1/integrations/${id}`, admin, { name: 'gone' })).status, 404);
});

test('sync now: 202 with the queued run; the run finishes against the fake; history and success rate through the API; delete removes records and runs', async () => {
  const id = (await rt.call('POST', '/api/v1/integrations', admin, { kind: 'hubspot', name: 'Synced', credentials: { access_token: TOKEN }, schedule_minutes: 0 })).json.integration_id as string;
  const accepted = await rt.call('POST', `/api/v1/integrations/${id}/sync`, admin);
  assert.equal(accepted.status, 202, accepted.text);
  assert.deepEqual(Object.keys(accepted.json).sort(), ['integration_id', 'run_id', 'status']);
  assert.equal(accepted.json.status, 'queued');
  let runs: { runs: Array<{ run_id: string; status: string; progress: number; fetched: Record<string, number>; report: { objects: unknown[] } }>; success_rate: unknown } = { runs: [], success_rate: null };
  for (let i = 0; i < 200; i++) {
    runs = (await rt.call('GET', `/api/v1/integrations/${id}/runs`, member)).json;
    if (runs.runs[0] && ['succeeded', 'failed'].includes(runs.runs[0].status)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const [run] = runs.runs;
  assert.equal(run!.run_id, accepted.json.run_id);
  assert.equal(run!.status, 'succeeded');
  assert.equal(run!.progress, 1);
  assert.deepEqual(run!.fetched, { contact: 1, deal: 0 });
  assert.equal(run!.report.objects.length, 2);
  assert.deepEqual(runs.success_rate, { runs: 1, succeeded: 1, rate: 1 });
  assert.equal((await rt.call('GET', `/api/v1/integrations/${id}`, admin)).json.last_run.run_id, accepted.json.run_id);
  const count = async (table: string) => (await rt.query<{ n: number }>(`SELECT count() AS n FROM ${table} WHERE account_id = {a:String} AND integration_id = {i:String}`, { a: account, i: id }))[0]!.n;
  assert.equal(await count('external_records'), 1);
  assert.equal((await rt.call('DELETE', `/api/v1/integrations/${id}`, admin)).status, 204);
  assert.deepEqual([await count('external_records'), await count('integration_runs')], [0, 0]);
  assert.equal((await rt.call('POST', `/api/v1/integrations/${id}/sync`, admin)).status, 404);
});
