/**
 * The unified report (GET /api/v1/workflows/{id}/analytics/unified) on the real engine: enrolments and costs sent
 * through the ingest API, GA4 traffic synced from the GA4 fake by the framework's sync runner, CRM records stored as
 * a HubSpot sync stores them. Every figure below is counted by hand.
 *
 * March 2026, UTC. wf-a: a1 (p1, Mar 2, converts Mar 3, $3), a2 (p2, Mar 5, completes, $5), a3 (p3, Mar 10, active)
 * → enrolled 3, completed 2 (the catalog's completed: completed or goal achieved, a2 and a1), converted 1, 33.33 %,
 * cost $8. wf-b: b2 (p2, Mar 1), b1 (p1, Mar 4).
 * Deals (HubSpot): D1 won Mar 20, 1000 USD, contact p1 → touches a1 (Mar 2), b1 (Mar 4); D2 won Mar 25, 600 USD,
 * p2 → b2 (Mar 1), a2 (Mar 5); D4 won Mar 28, 200 EUR, p1 → a1, b1; D3 won Apr 5 (not March's).
 *   first_touch wf-a: D1 + D4 → 2 deals, 1000 USD + 200 EUR, contacts {p1}; cost per deal 8 / 2 = 4.
 *   last_touch  wf-a: D2 → 1 deal, 600 USD, contacts {p2}; cost per deal 8.
 *   linear      wf-a: ½ each → 1.5 deals, 800 USD + 100 EUR, contacts {p1, p2}; cost per deal 8 / 1.5 = 5.3333.
 *   Revenue per enrolment = revenue / 3.
 * GA4 (property 222, campaign_map spring → wf-a): Mar 3 wf-a 10/8/2, Mar 4 spring 20/15/3, Mar 31 wf-a 4/4/0 count;
 * Mar 4 wf-b 7/7/1 and Apr 1 wf-a 50/50/5 do not → sessions 34, users 27, key events 5 on 3 days; 34 / 3 = 11.33
 * sessions per enrolment.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { UnifiedResponse } from '../src/contract/unified.js';
import { ga4Connector } from '../src/integrations/ga4.js';
import { encryptCredentials } from '../src/integrations/secrets.js';
import { IntegrationStore, type Integration, type StoredRecord } from '../src/integrations/store.js';
import { newRun, runSync } from '../src/integrations/sync.js';
import { Ga4Fake } from './fakes/ga4-fake.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { requireTool } from './helpers/services.js';
import { tempDir } from './helpers/store.js';

let rt: TestRuntime;
let fake: Ga4Fake;
let key = '';
let account = '';
let ga4SyncedAt = '';
const KEY = crypto.randomBytes(32);
const MARCH = 'start_date=2026-03-01&end_date=2026-03-31';

const rec = (object: StoredRecord['object'], id: string, o: Partial<StoredRecord> = {}): StoredRecord => ({
  object, external_id: id, contact_key: '', modified_at: '2026-03-08T00:00:00.000Z', fields: {}, field_modified_at: {}, amount: null, currency: '', closed_won_at: null, ...o,
});

function integration(id: string, kind: Integration['kind'], name: string, config: Record<string, string>, credentials: Record<string, string>): Integration {
  const now = new Date().toISOString();
  return { account_id: account, id, kind, name, config, credentials_enc: encryptCredentials(KEY, id, credentials), schedule_minutes: 0, enabled: true, created_at: now, updated_at: now };
}

before(async () => {
  rt = await startTestRuntime();
  ({ accountId: account, key } = await rt.newAccount('admin'));
  const enrol = (wf: string, ex: string, contact: string, ts: string) => ev.started(wf, ex, ts, { contact_id: contact });
  const cost = (ex: string, ts: string, usd: number) => ({ type: 'cost.recorded', workflow_id: 'wf-a', execution_id: ex, timestamp: ts, action_type: 'send_email', amount_usd: usd });
  const events = [
    enrol('wf-a', 'a1', 'p1', '2026-03-02T10:00:00Z'), ev.goal('wf-a', 'a1', '2026-03-03T10:00:00Z'), cost('a1', '2026-03-02T10:05:00Z', 3),
    enrol('wf-a', 'a2', 'p2', '2026-03-05T10:00:00Z'), ev.completed('wf-a', 'a2', '2026-03-05T12:00:00Z'), cost('a2', '2026-03-05T10:05:00Z', 5),
    enrol('wf-a', 'a3', 'p3', '2026-03-10T10:00:00Z'),
    enrol('wf-b', 'b2', 'p2', '2026-03-01T10:00:00Z'), enrol('wf-b', 'b1', 'p1', '2026-03-04T10:00:00Z'),
  ];
  assert.equal((await rt.call('POST', '/api/v1/events', key, events)).json.accepted, events.length);
  await rt.deps.derived.idle();

  const integrations = new IntegrationStore(rt.deps.store);
  // HubSpot: records as its sync stores them (no sync has succeeded: its last successful sync is null)
  await integrations.save(integration('hs', 'hubspot', 'HubSpot', {}, { access_token: 'x' }));
  await integrations.writeRecords(account, 'hs', 'hubspot', [
    rec('contact', 'h1', { contact_key: 'p1' }), rec('contact', 'h2', { contact_key: 'p2' }),
    rec('deal', 'D1', { fields: { 'flowlens.related': 'h1' }, amount: 1000, currency: 'USD', closed_won_at: '2026-03-20T09:00:00.000Z' }),
    rec('deal', 'D2', { fields: { 'flowlens.related': 'h2' }, amount: 600, currency: 'USD', closed_won_at: '2026-03-25T09:00:00.000Z' }),
    rec('deal', 'D4', { fields: { 'flowlens.related': 'h1' }, amount: 200, currency: 'EUR', closed_won_at: '2026-03-28T09:00:00.000Z' }),
    rec('deal', 'D3', { fields: { 'flowlens.related': 'h1' }, amount: 70, currency: 'USD', closed_won_at: '2026-04-05T09:00:00.000Z' }),
  ]);

  // GA4: synced from the fake by the sync runner
  fake = await new Ga4Fake().start();
  fake.tokens.add('tok');
  const t = (date: string, campaign: string, sessions: number, totalUsers: number, keyEvents: number) => ({ date, campaign, source: 'newsletter', medium: 'email', sessions, totalUsers, keyEvents });
  fake.setTraffic('222', [t('2026-03-03', 'wf-a', 10, 8, 2), t('2026-03-04', 'spring', 20, 15, 3), t('2026-03-31', 'wf-a', 4, 4, 0), t('2026-03-04', 'wf-b', 7, 7, 1), t('2026-04-01', 'wf-a', 50, 50, 5)]);
  const ga4 = await integrations.save(integration('ga', 'ga4', 'GA4 main', { property_id: '222', initial_days: '3000', page_size: '2', campaign_map: '{"spring":"wf-a"}' }, { access_token: 'tok' }));
  const run = await runSync({ integrations, key: KEY, connectors: new Map([['ga4', ga4Connector({ dataApi: fake.url, measurement: fake.url, oauth: fake.url })]]) }, ga4, newRun(ga4, 'manual'));
  assert.equal(run.status, 'succeeded', run.error);
  assert.equal(run.inserted.traffic_day, 5);
  ga4SyncedAt = run.finished_at!;
});
after(async () => {
  await fake?.stop();
  await rt?.close();
});

const unified = async (query: string, k = key, wf = 'wf-a') => {
  const res = await rt.call('GET', `/api/v1/workflows/${wf}/analytics/unified?${query}`, k);
  assert.equal(res.status, 200, res.text);
  return res.json as UnifiedResponse;
};

describe('the unified report of wf-a in March', () => {
  test('internal figures as the summary and costs count them; GA4 traffic of its campaigns; sources with their syncs', async () => {
    const r = await unified(`${MARCH}&model=linear`);
    assert.deepEqual(r.internal, { enrolled: 3, completed: 2, converted: 1, conversion_rate: 33.33, cost_usd: 8 });
    const summary = await rt.call('GET', `/api/v1/workflows/wf-a/analytics?${MARCH}`, key);
    assert.equal(summary.json.summary.total_enrolled, r.internal.enrolled, 'the same figure as the summary');
    assert.deepEqual(r.ga4, { campaigns: ['wf-a', 'spring'], sessions: 34, users: 27, key_events: 5, days_with_data: 3 });
    assert.deepEqual(r.sources, [
      { figures: 'ga4', integration_id: 'ga', kind: 'ga4', name: 'GA4 main', last_successful_sync_at: ga4SyncedAt },
      { figures: 'crm', integration_id: 'hs', kind: 'hubspot', name: 'HubSpot', last_successful_sync_at: null },
    ]);
    assert.deepEqual(r.not_connected, []);
    assert.equal(r.derived.sessions_per_enrolment, 11.33);
  });

  test('first_touch: D1 and D4 (p1 entered wf-a first)', async () => {
    const r = await unified(`${MARCH}&model=first_touch`);
    assert.equal(r.model, 'first_touch');
    assert.deepEqual(r.crm, { deals_won: 2, deals_touched: 3, contacts: 1, revenue: [{ currency: 'EUR', amount: 200 }, { currency: 'USD', amount: 1000 }] });
    assert.deepEqual(r.derived, { cost_per_deal_usd: 4, revenue_per_enrolment: [{ currency: 'EUR', amount: 66.6667 }, { currency: 'USD', amount: 333.3333 }], sessions_per_enrolment: 11.33 });
  });

  test('last_touch: D2 (p2 entered wf-a last)', async () => {
    const r = await unified(`${MARCH}&model=last_touch`);
    assert.deepEqual(r.crm, { deals_won: 1, deals_touched: 3, contacts: 1, revenue: [{ currency: 'USD', amount: 600 }] });
    assert.deepEqual(r.derived, { cost_per_deal_usd: 8, revenue_per_enrolment: [{ currency: 'USD', amount: 200 }], sessions_per_enrolment: 11.33 });
  });

  test('linear (the default): half of D1, D2 and D4', async () => {
    const r = await unified(MARCH);
    assert.equal(r.model, 'linear');
    assert.deepEqual(r.crm, { deals_won: 1.5, deals_touched: 3, contacts: 2, revenue: [{ currency: 'EUR', amount: 100 }, { currency: 'USD', amount: 800 }] });
    assert.deepEqual(r.derived, { cost_per_deal_usd: 5.3333, revenue_per_enrolment: [{ currency: 'EUR', amount: 33.3333 }, { currency: 'USD', amount: 266.6667 }], sessions_per_enrolment: 11.33 });
  });

  test('a period without deals or traffic: zeros, no cost per deal', async () => {
    const r = await unified('start_date=2026-05-01&end_date=2026-05-31&model=first_touch');
    assert.deepEqual(r.internal, { enrolled: 0, completed: 0, converted: 0, conversion_rate: 0, cost_usd: 0 });
    assert.deepEqual(r.crm, { deals_won: 0, deals_touched: 0, contacts: 0, revenue: [] });
    assert.deepEqual(r.ga4, { campaigns: ['wf-a', 'spring'], sessions: 0, users: 0, key_events: 0, days_with_data: 0 });
    assert.deepEqual(r.derived, { cost_per_deal_usd: null, revenue_per_enrolment: [], sessions_per_enrolment: null });
  });
});

test('an account without integrations: null sections, and what to connect', async () => {
  const other = await rt.newAccount('admin');
  await rt.call('POST', '/api/v1/events', other.key, [ev.started('wf-z', 'z1', '2026-03-02T10:00:00Z')]);
  await rt.deps.derived.idle();
  const r = await unified(MARCH, other.key, 'wf-z');
  assert.equal(r.internal.enrolled, 1);
  assert.equal(r.ga4, null);
  assert.equal(r.crm, null);
  assert.deepEqual(r.sources, []);
  assert.deepEqual(r.not_connected, ['ga4', 'crm']);
});

test('a bad model or period is a 400 problem', async () => {
  const bad = await rt.call('GET', `/api/v1/workflows/wf-a/analytics/unified?${MARCH}&model=w_shaped`, key);
  assert.equal(bad.status, 400);
  assert.match(String(bad.headers['content-type']), /problem\+json/);
  const period = await rt.call('GET', '/api/v1/workflows/wf-a/analytics/unified?start_date=2026-03-31&end_date=2026-03-01', key);
  assert.equal(period.status, 400);
});

describe('in the exports', () => {
  test('CSV dataset=unified: the internal and GA4 figures once, the CRM and derived ones under each model', async () => {
    const res = await rt.call('GET', `/api/v1/workflows/wf-a/analytics/export?${MARCH}&dataset=unified`, key);
    assert.equal(res.status, 200, res.text);
    const lines = res.text.trim().split(/\r?\n/);
    assert.equal(lines[0], 'section,figure,model,value,currency,source,last_successful_sync_at');
    const has = (line: string) => assert.ok(lines.includes(line), `${line} in\n${lines.join('\n')}`);
    has('internal,enrolled,,3,,flowlens,');
    has('internal,cost,,8,USD,flowlens,');
    has(`ga4,sessions,,34,,GA4 main (ga4 ga),${ga4SyncedAt}`);
    has('crm,deals_won,first_touch,2,,HubSpot (hubspot hs),never');
    has('crm,revenue,first_touch,200,EUR,HubSpot (hubspot hs),never');
    has('crm,revenue,last_touch,600,USD,HubSpot (hubspot hs),never');
    has('crm,deals_won,linear,1.5,,HubSpot (hubspot hs),never');
    has('derived,cost_per_deal,linear,5.3333,USD,,');
    has('derived,revenue_per_enrolment,linear,266.6667,USD,,');
    assert.equal(lines.filter((l) => l.startsWith('crm,deals_won,')).length, 3);
  });

  test('the detailed PDF has the unified report table; the executive one stays one page without it', async (t) => {
    if (!(await requireTool('pdftotext', 'poppler-utils'))) return t.skip('poppler-utils is not installed');
    const dir = tempDir('flowlens-unified-pdf-');
    const text = async (template: string) => {
      const res = await rt.app.inject({ method: 'GET', url: `/api/v1/workflows/wf-a/analytics/export?${MARCH}&format=pdf&template=${template}`, headers: { authorization: `Bearer ${key}` } });
      assert.equal(res.statusCode, 200);
      const file = path.join(dir, `${template}.pdf`);
      fs.writeFileSync(file, res.rawPayload);
      return execFileSync('pdftotext', ['-layout', file, '-']).toString();
    };
    const detailed = await text('detailed');
    for (const needle of ['Unified report', 'Sessions', '34', 'GA4 main, Dec', 'HubSpot, never synced', 'first_touch', '€200.00 + $1,000.00', 'last_touch', '$600.00', 'linear', '1.5', '$5.33']) {
      assert.ok(detailed.includes(needle), `"${needle}" in\n${detailed}`);
    }
    assert.ok(!(await text('executive')).includes('Unified report'));
  });
});
