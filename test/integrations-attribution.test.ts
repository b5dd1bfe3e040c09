/**
 * CRM lead attribution (issue 29) on the real engine: enrollments sent as events (execution_facts written by the
 * ingest path), CRM records as a sync stores them (a HubSpot deal listing its contacts, a Salesforce lead naming the
 * opportunity it converted into); every figure below is counted by hand from this small data set.
 *
 * Enrollments: alice@x A (Mar 1), bob@x B (Mar 2), alice@x B (Mar 3), carol@x A (Mar 1), alice@x C (Mar 10).
 * Deals: d1 won Mar 5, 1000 EUR, contacts alice + bob → touches A(alice Mar 1), B(bob Mar 2), B(alice Mar 3); C is
 * after the close. o1 won Mar 7, 500 USD, lead carol → touch A. d2 won Mar 6, 300 USD, dave (never enrolled): won,
 * not attributed. d3 open, d4 won in April: not in March's deals.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { attributeDeals } from '../src/integrations/attribution.js';
import { IntegrationStore, type StoredRecord } from '../src/integrations/store.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let account = '';
const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

const rec = (object: StoredRecord['object'], id: string, o: Partial<StoredRecord> = {}): StoredRecord => ({
  object, external_id: id, contact_key: '', modified_at: '2026-03-08T00:00:00.000Z', fields: {}, field_modified_at: {}, amount: null, currency: '', closed_won_at: null, ...o,
});

before(async () => {
  rt = await startTestRuntime();
  let key = '';
  ({ accountId: account, key } = await rt.newAccount('admin'));
  const enrol = (wf: string, ex: string, contact: string, ts: string) => ev.started(wf, ex, ts, { contact_id: contact });
  const events = [
    enrol('wf-a', 'ea1', 'alice@x', '2026-03-01T10:00:00Z'), enrol('wf-b', 'eb1', 'bob@x', '2026-03-02T10:00:00Z'),
    enrol('wf-b', 'ea2', 'alice@x', '2026-03-03T10:00:00Z'), enrol('wf-a', 'ec1', 'carol@x', '2026-03-01T12:00:00Z'),
    enrol('wf-c', 'ea3', 'alice@x', '2026-03-10T10:00:00Z'),
  ];
  assert.equal((await rt.call('POST', '/api/v1/events', key, events)).json.accepted, events.length);
  await rt.deps.derived.idle();
  const crm = new IntegrationStore(rt.deps.store);
  await crm.writeRecords(account, 'hs', 'hubspot', [
    rec('contact', 'h1', { contact_key: 'alice@x' }), rec('contact', 'h2', { contact_key: 'bob@x' }),
    rec('contact', 'h3', { contact_key: 'carol@x' }), rec('contact', 'h4', { contact_key: 'dave@x' }),
    rec('deal', 'd1', { fields: { 'flowlens.related': 'h1,h2' }, amount: 1000, currency: 'EUR', closed_won_at: '2026-03-05T09:00:00.000Z' }),
    rec('deal', 'd2', { fields: { 'flowlens.related': 'h4' }, amount: 300, currency: 'USD', closed_won_at: '2026-03-06T09:00:00.000Z' }),
    rec('deal', 'd3', { fields: { 'flowlens.related': 'h3' }, amount: 50, currency: 'USD' }),
    rec('deal', 'd4', { fields: { 'flowlens.related': 'h3' }, amount: 70, currency: 'USD', closed_won_at: '2026-04-02T09:00:00.000Z' }),
  ]);
  await crm.writeRecords(account, 'sf', 'salesforce', [
    rec('lead', 'l1', { contact_key: 'carol@x', fields: { 'flowlens.related': 'o1' } }),
    rec('opportunity', 'o1', { amount: 500, currency: 'USD', closed_won_at: '2026-03-07T09:00:00.000Z' }),
  ]);
});
after(() => rt?.close());

const byWorkflow = async (model: 'first_touch' | 'last_touch' | 'linear', workflowIds?: string[]) => {
  const a = await attributeDeals(rt.deps.store, { accountId: account, ...MARCH, model, ...(workflowIds ? { workflowIds } : {}) });
  assert.equal(a.model, model);
  assert.deepEqual(a.totals, { deals_won: 3, deals_attributed: 2, revenue: [{ currency: 'EUR', amount: 1000 }, { currency: 'USD', amount: 800 }] });
  return Object.fromEntries(a.workflows.map((w) => [w.workflow_id, w]));
};

test('first touch: d1 and o1 both to A (alice and carol enrolled there first); B touched d1 without credit; C enrolled alice after the close', async () => {
  const w = await byWorkflow('first_touch');
  assert.deepEqual(Object.keys(w).sort(), ['wf-a', 'wf-b']);
  assert.deepEqual(w['wf-a'], { workflow_id: 'wf-a', deals_won: 2, deals_touched: 2, contacts: 2, revenue: [{ currency: 'EUR', amount: 1000 }, { currency: 'USD', amount: 500 }] });
  assert.deepEqual(w['wf-b'], { workflow_id: 'wf-b', deals_won: 0, deals_touched: 1, contacts: 0, revenue: [] });
});

test('last touch: d1 to B (alice, Mar 3), o1 to A', async () => {
  const w = await byWorkflow('last_touch');
  assert.deepEqual(w['wf-a'], { workflow_id: 'wf-a', deals_won: 1, deals_touched: 2, contacts: 1, revenue: [{ currency: 'USD', amount: 500 }] });
  assert.deepEqual(w['wf-b'], { workflow_id: 'wf-b', deals_won: 1, deals_touched: 1, contacts: 1, revenue: [{ currency: 'EUR', amount: 1000 }] });
});

test('linear: d1 split in thirds (A one, B two), o1 whole to A; a filter keeps the shares', async () => {
  const w = await byWorkflow('linear');
  assert.deepEqual(w['wf-a'], { workflow_id: 'wf-a', deals_won: 1.333333, deals_touched: 2, contacts: 2, revenue: [{ currency: 'EUR', amount: 333.33 }, { currency: 'USD', amount: 500 }] });
  assert.deepEqual(w['wf-b'], { workflow_id: 'wf-b', deals_won: 0.666667, deals_touched: 1, contacts: 2, revenue: [{ currency: 'EUR', amount: 666.67 }] });
  assert.deepEqual(await byWorkflow('linear', ['wf-b']), { 'wf-b': w['wf-b'] });
});

test('a period without won deals attributes nothing', async () => {
  const a = await attributeDeals(rt.deps.store, { accountId: account, from: new Date('2026-02-01T00:00:00Z'), to: MARCH.from, model: 'linear' });
  assert.deepEqual(a.workflows, []);
  assert.deepEqual(a.totals, { deals_won: 0, deals_attributed: 0, revenue: [] });
});
