/**
 * Sync runs against the HubSpot and Salesforce fakes (test/fakes, each checking requests against the documented
 * shapes) into the real engine (issue 29): records change between runs and while a run pages, a stale read makes a
 * field-level conflict, a record comes from the future, a 429 / 503 arrives halfway, tokens expire and are renewed,
 * the daily API limit runs out. Each run's counts and report are checked against what was done to the fake, by hand.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { attributeDeals } from '../src/integrations/attribution.js';
import type { Connector, ExternalRecord, IntegrationKind } from '../src/integrations/connector.js';
import { hubspotConnector } from '../src/integrations/hubspot.js';
import { salesforceConnector } from '../src/integrations/salesforce.js';
import { decryptCredentials, encryptCredentials } from '../src/integrations/secrets.js';
import { IntegrationStore, type Integration, type Run } from '../src/integrations/store.js';
import { DEFAULT_RETRY } from '../src/integrations/rate-limited-fetch.js';
import { IntegrationScheduler } from '../src/integrations/schedule.js';
import { newRun, runSync, type SyncDeps } from '../src/integrations/sync.js';
import { mulberry32 } from '../src/stats/seeded-random.js';
import { HubSpotFake } from './fakes/hubspot-fake.js';
import { SalesforceFake, type SObject } from './fakes/salesforce-fake.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const KEY = crypto.randomBytes(32);
const T0 = Date.now() - 3 * 3_600_000;
const t = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let rt: TestRuntime;
let account = '';
let ingestKey = '';
const hub = new HubSpotFake('pat-na1-test-token');
const sf = new SalesforceFake({ id: '3MVG9-client', secret: 'client-secret', refreshToken: '5Aep861-refresh' });
let store: IntegrationStore;
let deps: SyncDeps;

before(async () => {
  await hub.start();
  await sf.start();
  rt = await startTestRuntime({ integrationTickMs: 0 });
  ({ accountId: account, key: ingestKey } = await rt.newAccount('admin'));
  store = new IntegrationStore(rt.deps.store);
  deps = {
    integrations: store,
    key: KEY,
    connectors: new Map<IntegrationKind, Connector>([['hubspot', hubspotConnector(hub.url, { pageSize: 2 })], ['salesforce', salesforceConnector(sf.url)]]),
    retry: { maxRetries: 4, baseMs: 20, maxMs: 2_000 },
  };
});
after(async () => {
  await rt?.close();
  await hub.stop();
  await sf.stop();
});

async function integration(kind: IntegrationKind, config: Record<string, string>, credentials: Record<string, string>): Promise<Integration> {
  const id = crypto.randomUUID();
  const at = new Date(T0 - 60_000).toISOString();
  return store.save({ account_id: account, id, kind, name: kind, config, credentials_enc: encryptCredentials(KEY, id, credentials), schedule_minutes: 0, enabled: true, created_at: at, updated_at: at });
}
const sync = async (i: Integration): Promise<Run> => runSync(deps, (await store.get(account, i.id))!, newRun(i, 'manual'));
const fields = async (i: Integration, object: string, id: string) =>
  (await store.records(account, i.id, object as 'contact', [id])).get(id);
const pick = (r: Run, ...names: Array<keyof Run>) => Object.fromEntries(names.map((n) => [n, r[n]]));

describe('HubSpot', () => {
  let hs: Integration;
  before(async () => {
    for (const [i, id] of ['101', '102', '103', '104', '105'].entries()) hub.put('contacts', id, { email: `p${i + 1}@x`, firstname: `P${i + 1}`, lastname: 'Doe' }, t(i + 1));
    hub.put('deals', '201', { dealname: 'Big', amount: '1000', dealstage: 'appointmentscheduled', hs_is_closed_won: 'false', closedate: t(30), deal_currency_code: 'EUR' }, t(6));
    hub.put('deals', '202', { dealname: 'Small', amount: '200', dealstage: 'appointmentscheduled', hs_is_closed_won: 'false', closedate: t(30) }, t(7));
    hub.associations.set('201', ['101', '102']);
    hub.associations.set('202', ['103']);
    // two conversions to send: p1@x is known to HubSpot, nobody@x is not
    const events = [ev.started('wf', 'e1', t(1), { contact_id: 'p1@x' }), ev.goal('wf', 'e1', t(2)), ev.started('wf', 'e2', t(1), { contact_id: 'nobody@x' }), ev.goal('wf', 'e2', t(3))];
    const sent = await rt.call('POST', '/api/v1/events', ingestKey, events);
    assert.equal(sent.json.accepted, events.length, sent.text);
    hs = await integration('hubspot', { push_conversions: 'true' }, { access_token: hub.token });
  });

  test('run 1: paging by modification time, a record changed while paging read again (a duplicate), a 429 ridden out, conversions pushed', async () => {
    let contactSearches = 0;
    hub.beforeAnswer = (req) => {
      if (req.path === '/crm/v3/objects/contacts/search' && ++contactSearches === 2) hub.put('contacts', '101', { firstname: 'P1-new' }, t(8));
    };
    hub.rateLimitRequest(3); // the second contacts search: 429, retried
    const run = await sync(hs);
    hub.beforeAnswer = undefined;
    assert.equal(run.status, 'succeeded', run.error);
    // contacts: [101,102] [103] [104] [105] [101 again, modified at t8]; deals: one page
    assert.deepEqual(pick(run, 'fetched', 'inserted', 'updated', 'unchanged', 'duplicates', 'conflicts_resolved', 'clock_skew', 'missing_ids', 'rate_limited_retries', 'pushed', 'push_rejected'), {
      fetched: { contact: 6, deal: 2 }, inserted: { contact: 5, deal: 2 }, updated: { contact: 0, deal: 0 }, unchanged: { contact: 0, deal: 0 },
      duplicates: { contact: 1, deal: 0 }, conflicts_resolved: { contact: 0, deal: 0 }, clock_skew: { contact: 0, deal: 0 }, missing_ids: { contact: 0, deal: 0 },
      rate_limited_retries: 1, pushed: 1, push_rejected: 1,
    });
    assert.deepEqual(run.cursor_after.contact, t(8));
    assert.deepEqual(run.cursor_after.deal, t(7));
    assert.equal(run.report!.objects[0]!.pages, 5);
    assert.ok(run.report!.findings.some((f) => f.startsWith('HTTP 429')), run.report!.findings.join('\n'));
    assert.ok(run.report!.findings.includes('contact 101: delivered more than once in this run'));
    assert.deepEqual(run.report!.push!.rejected, [{ execution_id: 'e2', reason: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.' }]);
    assert.equal((await fields(hs, 'contact', '101'))!.fields.firstname, 'P1-new');
    assert.equal((await fields(hs, 'contact', '101'))!.contact_key, 'p1@x');
    const d201 = (await fields(hs, 'deal', '201'))!;
    assert.deepEqual([d201.fields['flowlens.related'], d201.amount, d201.currency, d201.closed_won_at], ['101,102', 1000, 'EUR', null]);
    assert.equal(hub.value('contacts', '101', 'flowlens_last_conversion'), `purchase @ ${t(2)}`);
    // the 429 carried HubSpot's documented body; every request the connector sent was accepted by the fake's checks
    assert.deepEqual(hub.requests.filter((r) => r.status >= 400).map((r) => r.status), [429]);
  });

  test('run 2: changes between runs, a stale read resolved field by field, a modification time in the future', async () => {
    const pushedAt = hub.records.contacts.get('101')!.history.lastmodifieddate![0]!.timestamp; // the push changed 101
    hub.put('contacts', '102', { lastname: 'Roe' }, t(9));
    hub.put('contacts', '104', { firstname: 'Future' }, new Date(Date.now() + 3_600_000).toISOString());
    hub.put('deals', '201', { dealstage: 'closedwon', hs_is_closed_won: 'true', closedate: t(9) }, t(10));
    hub.put('deals', '202', { dealname: 'Renamed', amount: '500' }, t(11));
    // a replica behind on amount (an older value than the one stored from run 1) but up to date on the name
    hub.serveStaleOnce('deals', '202', {
      dealname: [{ value: 'Renamed', timestamp: t(11) }], amount: [{ value: '150', timestamp: t(6) }], dealstage: [{ value: 'appointmentscheduled', timestamp: t(7) }],
      pipeline: [], closedate: [{ value: t(30), timestamp: t(7) }], hs_is_closed_won: [{ value: 'false', timestamp: t(7) }], deal_currency_code: [], hs_lastmodifieddate: [{ value: t(11), timestamp: t(11) }],
    });
    const run = await sync(hs);
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(run.cursor_before, { contact: t(8), deal: t(7), push: run.cursor_before.push! });
    // contacts from t8 − 1 min: 102 (t9), 101 (pushed), 104 (future): all changed
    assert.deepEqual(pick(run, 'fetched', 'updated', 'unchanged', 'conflicts_resolved', 'clock_skew', 'duplicates'), {
      fetched: { contact: 3, deal: 2 }, updated: { contact: 3, deal: 2 }, unchanged: { contact: 0, deal: 0 },
      conflicts_resolved: { contact: 0, deal: 1 }, clock_skew: { contact: 1, deal: 0 }, duplicates: { contact: 0, deal: 0 },
    });
    assert.equal(run.cursor_after.contact, pushedAt, 'the future record does not move the cursor');
    assert.equal(run.cursor_after.deal, t(11));
    const d202 = (await fields(hs, 'deal', '202'))!;
    assert.deepEqual([d202.fields.dealname, d202.fields.amount], ['Renamed', '200'], 'the newer stored amount kept over the stale one; the newer name taken');
    assert.ok(run.report!.findings.includes('deal 202: field amount kept the later value (200) over an older one (150)'), run.report!.findings.join('\n'));
    assert.ok(run.report!.findings.some((f) => f.startsWith('contact 104: modified_at') && f.endsWith('is in the future; it does not move the cursor')));
    assert.equal((await fields(hs, 'deal', '201'))!.closed_won_at, t(9));
    assert.deepEqual(run.report!.push, { since: run.report!.push!.since, sent: 0, accepted: 0, rejected: [] });
  });

  test('run 3 repairs the stale field; run 4 finds nothing new and writes nothing (idempotent)', async () => {
    const run3 = await sync(hs);
    assert.deepEqual(pick(run3, 'fetched', 'updated', 'unchanged', 'clock_skew'), {
      fetched: { contact: 2, deal: 2 }, updated: { contact: 0, deal: 1 }, unchanged: { contact: 2, deal: 1 }, clock_skew: { contact: 1, deal: 0 },
    });
    assert.equal((await fields(hs, 'deal', '202'))!.fields.amount, '500');
    const rows = async () => (await rt.query<{ n: number }>('SELECT count() AS n FROM external_records WHERE integration_id = {i:String}', { i: hs.id }))[0]!.n;
    const before = await rows();
    const run4 = await sync(hs);
    assert.deepEqual(pick(run4, 'updated', 'inserted'), { updated: { contact: 0, deal: 0 }, inserted: { contact: 0, deal: 0 } });
    assert.equal(await rows(), before);
    assert.deepEqual(await store.successRate(account, hs.id, 100), { runs: 4, succeeded: 4, rate: 1 });
  });
});

describe('Salesforce', () => {
  let sfi: Integration;
  const put = (o: SObject, id: string, f: Record<string, string | number | boolean | null>, at: string) => sf.put(o, id, f, at);
  before(async () => {
    sf.batchSize = 2;
    put('Lead', '00Q1', { Email: 'alice@x', FirstName: 'Alice', LastName: 'A', Company: 'Acme', Status: 'Open', IsConverted: false, ConvertedOpportunityId: null }, t(1));
    put('Lead', '00Q2', { Email: 'bob@x', FirstName: 'Bob', LastName: 'B', Company: 'Acme', Status: 'Open', IsConverted: false, ConvertedOpportunityId: null }, t(2));
    put('Lead', '00Q3', { Email: 'carol@x', FirstName: 'Carol', LastName: 'C', Company: 'Initech', Status: 'Open', IsConverted: false, ConvertedOpportunityId: null }, t(3));
    put('Opportunity', '0061', { Name: 'Acme deal', Amount: 1000, StageName: 'Prospecting', IsClosed: false, IsWon: false, CloseDate: '2026-03-20' }, t(4));
    sfi = await integration('salesforce', { currency: 'EUR' }, { client_id: '3MVG9-client', client_secret: 'client-secret', refresh_token: '5Aep861-refresh' });
  });

  test('run 1: a token obtained by refresh, SOQL paged by nextRecordsUrl, a 503 retried', async () => {
    sf.failNext(1);
    const run = await sync(sfi);
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(pick(run, 'fetched', 'inserted', 'rate_limited_retries'), { fetched: { lead: 3, opportunity: 1 }, inserted: { lead: 3, opportunity: 1 }, rate_limited_retries: 1 });
    assert.equal(run.report!.objects[0]!.pages, 2);
    assert.equal(run.report!.token_refreshed, true);
    const creds = decryptCredentials(KEY, sfi.id, (await store.get(account, sfi.id))!.credentials_enc);
    assert.equal(creds.instance_url, sf.url);
    assert.ok(creds.access_token?.startsWith('00Dxx'));
    assert.equal(run.cursor_after.lead, t(3));
  });

  test('run 2: an expired session renewed mid-run (401 INVALID_SESSION_ID → refresh → the query again); a converted lead and a won opportunity', async () => {
    const before = decryptCredentials(KEY, sfi.id, (await store.get(account, sfi.id))!.credentials_enc).access_token;
    sf.expireTokens();
    put('Lead', '00Q1', { IsConverted: true, ConvertedOpportunityId: '0061', Status: 'Closed - Converted' }, t(5));
    put('Opportunity', '0061', { StageName: 'Closed Won', IsClosed: true, IsWon: true }, t(6));
    const run = await sync(sfi);
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.report!.token_refreshed, true);
    assert.notEqual(decryptCredentials(KEY, sfi.id, (await store.get(account, sfi.id))!.credentials_enc).access_token, before);
    // leads from t3 − 1 min = t2: 00Q2 and 00Q3 unchanged (the overlap), 00Q1 converted
    assert.deepEqual(pick(run, 'fetched', 'updated', 'unchanged'), { fetched: { lead: 3, opportunity: 1 }, updated: { lead: 1, opportunity: 1 }, unchanged: { lead: 2, opportunity: 0 } });
    const lead = (await fields(sfi, 'lead', '00Q1'))!;
    assert.deepEqual([lead.contact_key, lead.fields['flowlens.related']], ['alice@x', '0061']);
    const opp = (await store.records(account, sfi.id, 'opportunity', ['0061'])).get('0061')!;
    assert.deepEqual([opp.amount, opp.currency, opp.closed_won_at], [1000, 'EUR', '2026-03-20T23:59:59.999Z']);
    assert.deepEqual(sf.requests.filter((r) => r.status === 401).length, 1);
    assert.ok(sf.requests.some((r) => r.soql?.includes(`WHERE LastModifiedDate >= ${t(2).replace(/\.\d{3}Z$/, 'Z')}`)), 'asked from the cursor less the overlap, in whole seconds');
  });

  test('run 3: the daily API limit used up fails the run with Salesforce\'s reason; the cursor stays; the success rate says 2 of 3', async () => {
    sf.requestLimitExceeded = true;
    const run = await sync(sfi);
    sf.requestLimitExceeded = false;
    assert.equal(run.status, 'failed');
    assert.match(run.error, /REQUEST_LIMIT_EXCEEDED/);
    assert.deepEqual(run.cursor_after, run.cursor_before);
    assert.deepEqual(await store.successRate(account, sfi.id, 100), { runs: 3, succeeded: 2, rate: 2 / 3 });
    const [latest] = await store.runs(account, sfi.id, 1);
    assert.equal(latest!.status, 'failed');
  });
});

describe('Salesforce, a revoked refresh token', () => {
  test('the token endpoint answers 400 invalid_grant: the run fails saying so, nothing is read', async () => {
    const revoked = await integration('salesforce', {}, { client_id: '3MVG9-client', client_secret: 'client-secret', refresh_token: 'revoked' });
    const before = sf.requests.length;
    const run = await sync(revoked);
    assert.equal(run.status, 'failed');
    assert.equal(run.error, 'Salesforce token refresh answered 400 invalid_grant: expired access/refresh token');
    assert.deepEqual(sf.requests.slice(before).map((r) => [r.path, r.status]), [['/services/oauth2/token', 400]]);
  });
});

describe('an account that pseudonymizes contact ids', () => {
  test('contact keys are stored as its events store contact ids, so deals are attributed; conversions are not sent', async () => {
    const { accountId, key } = await rt.newAccount('admin');
    assert.equal((await rt.call('PUT', '/api/v1/account/settings', key, { pseudonymize_contact_ids: true })).status, 200);
    const sent = await rt.call('POST', '/api/v1/events', key, [ev.started('wf-p', 'ep1', t(1), { contact_id: 'pz@x' }), ev.goal('wf-p', 'ep1', t(2))]);
    assert.equal(sent.json.accepted, 2, sent.text);
    await rt.deps.derived.idle();
    hub.put('contacts', '301', { email: 'pz@x', firstname: 'Pia' }, t(3));
    hub.put('deals', '401', { dealname: 'Pia deal', amount: '70', dealstage: 'closedwon', hs_is_closed_won: 'true', closedate: t(4) }, t(4));
    hub.associations.set('401', ['301']);
    const id = crypto.randomUUID();
    const at = new Date(T0 - 60_000).toISOString();
    const i = await store.save({ account_id: accountId, id, kind: 'hubspot', name: 'p', config: { push_conversions: 'true' }, credentials_enc: encryptCredentials(KEY, id, { access_token: hub.token }), schedule_minutes: 0, enabled: true, created_at: at, updated_at: at });
    const run = await runSync({ ...deps, pseudonymizer: (a) => rt.deps.accountSettings.pseudonymizer(a) }, i, newRun(i, 'manual'));
    assert.equal(run.status, 'succeeded', run.error);
    const [stored] = await rt.query<{ contact_id: string }>("SELECT contact_id FROM events WHERE account_id = {a:String} AND type = 'execution.started'", { a: accountId });
    assert.notEqual(stored!.contact_id, 'pz@x');
    assert.equal((await store.records(accountId, id, 'contact', ['301'])).get('301')!.contact_key, stored!.contact_id);
    assert.equal(run.report!.push, null);
    assert.ok(run.report!.findings.includes('conversions are not sent: this account stores contact ids pseudonymized, which the service cannot match'));
    const a = await attributeDeals(rt.deps.store, { accountId, from: new Date(T0), to: new Date(T0 + 3_600_000), model: 'last_touch' });
    assert.deepEqual(a.workflows.map((w) => [w.workflow_id, w.deals_won, w.revenue]), [['wf-p', 1, [{ currency: 'USD', amount: 70 }]]]);
  });
});

describe('the schedule', () => {
  test('a tick queues the enabled integrations whose schedule is due, runs them one at a time; a restart fails runs left running', async () => {
    const due = await integration('hubspot', {}, { access_token: hub.token });
    const later = { ...due, schedule_minutes: 5 };
    await store.save(later);
    const onDemand = await integration('hubspot', {}, { access_token: hub.token });
    const paused = await store.save({ ...(await integration('hubspot', {}, { access_token: hub.token })), schedule_minutes: 5, enabled: false });
    const left = newRun(onDemand, 'manual');
    await store.saveRun({ ...left, status: 'running' });
    const scheduler = new IntegrationScheduler(deps, { tickMs: 0 });
    await scheduler.start();
    assert.deepEqual(pick((await store.runs(account, onDemand.id, 1))[0]!, 'status', 'error'), { status: 'failed', error: 'interrupted: the server stopped before the run finished' });
    const now = Date.now();
    await scheduler.tick(now);
    await scheduler.idle();
    const runs = async (i: Integration) => store.runs(account, i.id, 10);
    assert.deepEqual((await runs(due)).map((r) => [r.trigger, r.status]), [['schedule', 'succeeded']]);
    assert.equal((await runs(paused)).length, 0);
    assert.equal((await runs(onDemand)).length, 1, 'schedule 0: on demand only');
    await scheduler.tick(now + 4 * 60_000);
    await scheduler.idle();
    assert.equal((await runs(due)).length, 1, 'not due before 5 minutes');
    await scheduler.tick(now + 6 * 60_000);
    await scheduler.idle();
    assert.equal((await runs(due)).length, 2);
    await scheduler.stop();
  });
});

describe('sync success under a storm of 429s', () => {
  test('40 runs while a quarter of HubSpot\'s answers are 429: every run succeeds with the default retries (the issue asks ≥ 99%)', async (t) => {
    const stormDeps: SyncDeps = { ...deps, retry: { ...DEFAULT_RETRY, baseMs: 2, maxMs: 50 } };
    const i = await integration('hubspot', {}, { access_token: hub.token });
    hub.storm(0.25, mulberry32(29));
    let retries = 0;
    try {
      for (let n = 0; n < 40; n++) {
        hub.put('contacts', '103', { lastname: `Storm ${n}` }, new Date(Date.now() - 1000).toISOString());
        const run = await runSync(stormDeps, (await store.get(account, i.id))!, newRun(i, 'schedule'));
        retries += run.rate_limited_retries;
      }
    } finally {
      hub.storm(null);
    }
    const rate = await store.successRate(account, i.id, 100);
    t.diagnostic(`40 runs, ${retries} requests retried after a 429, success rate ${rate.rate}`);
    assert.deepEqual(rate, { runs: 40, succeeded: 40, rate: 1 });
    assert.ok(retries >= 40, `the storm hit (${retries} retries)`);
    assert.equal((await fields(i, 'contact', '103'))!.fields.lastname, 'Storm 39');
  });
});

describe('the runner\'s checks on pages as a connector hands them over', () => {
  test('a record without an id is left out and counted; a copy within one page is a duplicate; an unreadable time is skew, left out', async () => {
    // the connector contract (src/integrations/connector.ts) with pages given as they are: what the checks must survive
    const pages: ExternalRecord[][] = [
      [{ object: 'contact' as const, external_id: 'x1', modified_at: t(1), contact_key: 'x1@x', fields: { n: '1' } }, { object: 'contact' as const, external_id: '', modified_at: t(1), contact_key: null, fields: {} }],
      [{ object: 'contact' as const, external_id: 'x2', modified_at: t(2), contact_key: null, fields: { n: '2' } }, { object: 'contact' as const, external_id: 'x2', modified_at: t(3), contact_key: null, fields: { n: '3' } },
        { object: 'contact' as const, external_id: 'x3', modified_at: 'yesterday-ish', contact_key: null, fields: {} }],
    ];
    const replay: Connector = {
      kind: 'ga4', objects: ['contact'], requiredConfig: [], requiredCredentials: [],
      async changes(_ctx, _object, _since, page) {
        const n = page === null ? 0 : Number(page);
        return { records: pages[n]!, next: n + 1 < pages.length ? String(n + 1) : null };
      },
    };
    const i = await integration('ga4', {}, {});
    const run = await runSync({ ...deps, connectors: new Map([['ga4', replay]]) }, i, newRun(i, 'manual'));
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(pick(run, 'fetched', 'inserted', 'missing_ids', 'duplicates', 'clock_skew'), {
      fetched: { contact: 5 }, inserted: { contact: 2 }, missing_ids: { contact: 1 }, duplicates: { contact: 1 }, clock_skew: { contact: 1 },
    });
    assert.equal((await fields(i, 'contact', 'x2'))!.fields.n, '3');
    assert.equal(run.cursor_after.contact, t(3));
    assert.deepEqual(run.report!.findings, [
      `contact: a record without an id (modified ${t(1)}) was left out`,
      'contact x2: delivered more than once in this run',
      'contact x3: unreadable modified_at "yesterday-ish", left out',
    ]);
  });
});
