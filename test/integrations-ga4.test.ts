/**
 * The GA4 connector against the local GA4 fake (test/fakes/ga4-fake.ts, which checks every request against
 * Google's documented shapes): runReport paging by offset/rowCount, a 429 RESOURCE_EXHAUSTED halfway ridden out
 * by the runner's rate-limited fetch, the re-read window after a cursor, Google's refusals surfacing as errors;
 * Measurement Protocol pushes in requests of at most 25 events, validation messages reported per conversion,
 * validate_only recording nothing, and conversions GA4 would drop rejected before sending.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ConnectorContext, OutboundConversion } from '../src/integrations/connector.js';
import { campaignsOf, firstDay, ga4Connector as makeConnector, GoogleApiError, type Ga4Urls } from '../src/integrations/ga4.js';
import type { Connector } from '../src/integrations/connector.js';
import { rateLimitedFetch } from '../src/integrations/rate-limited-fetch.js';
import { addDays } from '../src/time/calendar.js';
import { Ga4Fake, type TrafficRow } from './fakes/ga4-fake.js';

let fake: Ga4Fake;
/** The connector pointed at the fake, as the installation's FLOWLENS_GA4_*_URL would point it. */
let ga4Connector: Connector;
const TOKEN = 'ya29.test-token';
const today = new Date().toISOString().slice(0, 10);
const day = (n: number) => addDays(today, -n);

before(async () => {
  fake = await new Ga4Fake().start();
  fake.tokens.add(TOKEN);
  fake.streams.set('G-TEST123', 'secret-1');
  ga4Connector = makeConnector({ dataApi: fake.url, measurement: fake.url, oauth: fake.url } satisfies Ga4Urls);
});
after(() => fake.stop());

function context(config: Record<string, string>, retries: { n: number } = { n: 0 }, credentials: Record<string, string> = { access_token: TOKEN, api_secret: 'secret-1' }): ConnectorContext {
  return {
    config,
    credentials,
    fetch: rateLimitedFetch({ maxRetries: 3, baseMs: 5, maxMs: 50 }, () => retries.n++),
    saveCredentials: async () => undefined,
    signal: new AbortController().signal,
  };
}

/** Every page of a run, as the sync runner reads them. */
async function readAll(ctx: ConnectorContext, since: string | null) {
  const records = [];
  let page: string | null = null;
  let pages = 0;
  do {
    const answer = await ga4Connector.changes(ctx, 'traffic_day', since, page);
    records.push(...answer.records);
    page = answer.next;
    pages++;
  } while (page !== null);
  return { records, pages };
}

const row = (date: string, campaign: string, source: string, sessions: number, totalUsers: number, keyEvents: number): TrafficRow => ({ date, campaign, source, medium: 'email', sessions, totalUsers, keyEvents });

describe('reading traffic through runReport', () => {
  test('pages by offset until rowCount, each row one record date|campaign|source|medium', async () => {
    // 7 distinct rows (the two wf-b/newsletter rows of day(1) are one row of the report: 3 + 4 sessions)
    fake.setTraffic('111', [
      row(day(2), 'wf-a', 'newsletter', 10, 8, 2), row(day(2), 'wf-b', 'newsletter', 5, 5, 0), row(day(1), 'wf-a', 'newsletter', 12, 9, 3),
      row(day(1), 'wf-a', 'partner', 4, 4, 1), row(day(1), 'wf-b', 'newsletter', 3, 3, 1), row(day(1), 'wf-b', 'newsletter', 4, 2, 0),
      row(day(0), 'wf-a', 'newsletter', 6, 6, 0), row(day(0), 'spring', 'ads', 20, 18, 4), row(day(40), 'wf-a', 'old', 99, 99, 9),
    ]);
    const before = fake.requests.length;
    const { records, pages } = await readAll(context({ property_id: '111', page_size: '3' }), null);
    assert.equal(pages, 3);
    assert.equal(records.length, 7, 'the day 40 days ago is before the first run\'s 30 days');
    const sent = fake.requests.slice(before);
    assert.deepEqual(sent.map((r) => [r.status, (r.body as { offset: string }).offset, (r.body as { limit: string }).limit]), [[200, '0', '3'], [200, '3', '3'], [200, '6', '3']]);
    assert.deepEqual((sent[0]!.body as { dateRanges: unknown }).dateRanges, [{ startDate: day(29), endDate: 'today' }]);
    const b = records.find((r) => r.external_id === `${day(1)}|wf-b|newsletter|email`)!;
    assert.deepEqual(b.fields, { date: day(1), campaign: 'wf-b', source: 'newsletter', medium: 'email', sessions: '7', total_users: '5', key_events: '1' });
    assert.equal(b.contact_key, null);
    assert.equal(new Set(records.map((r) => r.external_id)).size, 7, 'stable ordering: no row on two pages');
    assert.deepEqual(fake.refusals.slice(0), [], 'nothing refused');
  });

  test('a 429 RESOURCE_EXHAUSTED halfway is ridden out: the same rows, the retries counted', async () => {
    const retries = { n: 0 };
    fake.exhaustQuotaAfter(1, 2);
    const before = fake.requests.length;
    const { records } = await readAll(context({ property_id: '111', page_size: '3' }, retries), null);
    assert.equal(records.length, 7);
    assert.equal(retries.n, 2);
    assert.deepEqual(fake.requests.slice(before).map((r) => r.status), [200, 429, 429, 200, 200]);
    const refusal = fake.refusals.at(-1)!;
    assert.equal(refusal.status, 429);
  });

  test('a quota still exhausted after the retries stops the run with Google\'s status', async () => {
    fake.exhaustQuotaAfter(0, 10);
    await assert.rejects(readAll(context({ property_id: '111' }), null), (e: unknown) => e instanceof GoogleApiError && e.httpStatus === 429 && e.status === 'RESOURCE_EXHAUSTED');
    fake.exhaustQuotaAfter(0, 0);
  });

  test('a later run re-reads from lookback_days before its cursor\'s day, and sees the figures that changed', async () => {
    const first = await readAll(context({ property_id: '111' }), null);
    const cursor = first.records.map((r) => r.modified_at).sort().at(-1)!;
    fake.setTraffic('111', [row(day(2), 'wf-a', 'newsletter', 11, 9, 2), row(day(5), 'wf-a', 'newsletter', 1, 1, 0)]);
    const before = fake.requests.length;
    const second = await readAll(context({ property_id: '111', lookback_days: '2' }), cursor);
    assert.deepEqual((fake.requests[before]!.body as { dateRanges: unknown }).dateRanges, [{ startDate: day(2), endDate: 'today' }]);
    assert.deepEqual(second.records.map((r) => [r.external_id, r.fields.sessions]), [[`${day(2)}|wf-a|newsletter|email`, '11']]);
    assert.ok(second.records[0]!.modified_at >= cursor, 'a re-read is newer than what it replaces (last-modified wins)');
    assert.equal(firstDay({}, `${day(10)}T05:00:00.000Z`, new Date()), day(13), 'default lookback: 3 days');
  });

  test('requests Google refuses are refused: a wrong token, an unknown property, a bad limit', async () => {
    await assert.rejects(ga4Connector.changes(context({ property_id: '111' }, { n: 0 }, { access_token: 'expired' }), 'traffic_day', null, null),
      (e: unknown) => e instanceof GoogleApiError && e.httpStatus === 401 && e.status === 'UNAUTHENTICATED');
    await assert.rejects(ga4Connector.changes(context({ property_id: '999' }), 'traffic_day', null, null),
      (e: unknown) => e instanceof GoogleApiError && e.httpStatus === 403 && e.status === 'PERMISSION_DENIED');
    const res = await fetch(`${fake.url}/v1beta/properties/111:runReport`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ dateRanges: [{ startDate: '7daysAgo', endDate: 'today' }], metrics: [{ name: 'sessions' }], dimensions: [{ name: 'utmCampaign' }], limit: '0' }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: number; status: string; message: string } };
    assert.equal(body.error.status, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /utmCampaign is not a valid dimension/);
    const get = await fetch(`${fake.url}/v1beta/properties/111:runReport`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(get.status, 404);
  });

  test('an expired access token is renewed once with the refresh token, saved for the next runs; a revoked one stops the run', async () => {
    fake.oauthClients.set('client-1.apps.googleusercontent.com', 'client-secret');
    fake.refreshTokens.add('1//refresh');
    const saved: Record<string, string>[] = [];
    const credentials = { access_token: 'expired', refresh_token: '1//refresh', client_id: 'client-1.apps.googleusercontent.com', client_secret: 'client-secret' };
    const ctx = { ...context({ property_id: '111' }, { n: 0 }, credentials), saveCredentials: async (next: Record<string, string>) => { saved.push(next); } };
    const before = fake.requests.length;
    const page = await ga4Connector.changes(ctx, 'traffic_day', null, null);
    assert.ok(page.records.length > 0);
    assert.deepEqual(fake.requests.slice(before).map((r) => [r.path, r.status]), [['/v1beta/properties/111:runReport', 401], ['/token', 200], ['/v1beta/properties/111:runReport', 200]]);
    assert.deepEqual(saved, [{ ...credentials, access_token: fake.issued.at(-1)! }]);
    fake.refreshTokens.delete('1//refresh');
    await assert.rejects(ga4Connector.changes({ ...ctx, credentials }, 'traffic_day', null, null),
      (e: unknown) => e instanceof GoogleApiError && e.httpStatus === 400 && e.status === 'invalid_grant' && /expired or revoked/.test(e.message));
  });

  test('campaigns of a workflow: its id, and those campaign_map assigns to it', () => {
    assert.deepEqual(campaignsOf({}, 'wf-a'), ['wf-a']);
    assert.deepEqual(campaignsOf({ campaign_map: '{"spring":"wf-a","summer":"wf-b"}' }, 'wf-a'), ['wf-a', 'spring']);
    assert.throws(() => campaignsOf({ campaign_map: '["spring"]' }, 'wf-a'), /campaign_map/);
  });
});

describe('pushing conversions to the Measurement Protocol', () => {
  const base = Date.now();
  const conv = (i: number, extra: Partial<OutboundConversion> = {}): OutboundConversion => ({
    workflow_id: 'wf-a', execution_id: `ex-${i}`, contact_id: 'contact-1', goal_id: 'purchase', occurred_at: new Date(base - 3_600_000 - i * 1000).toISOString(), value: 10, currency: 'EUR', ...extra,
  });
  const config = { property_id: '111', measurement_id: 'G-TEST123' };

  test('30 conversions of one contact: two requests (25 + 5), validated first, every event recorded with its params', async () => {
    const before = fake.requests.length;
    const start = fake.collected.length;
    const result = await ga4Connector.push!(context(config), Array.from({ length: 30 }, (_, i) => conv(i)));
    assert.deepEqual(result, { accepted: 30, rejected: [] });
    assert.deepEqual(fake.requests.slice(before).map((r) => [r.path, (r.body as { events: unknown[] }).events.length]), [
      ['/debug/mp/collect', 25], ['/mp/collect', 25], ['/debug/mp/collect', 5], ['/mp/collect', 5],
    ]);
    const got = fake.collected.slice(start);
    assert.equal(got.length, 30);
    assert.deepEqual({ ...got[0]!, timestamp_micros: undefined }, {
      measurement_id: 'G-TEST123', client_id: 'contact-1', user_id: 'contact-1', name: 'workflow_conversion',
      params: { workflow_id: 'wf-a', execution_id: 'ex-0', goal_id: 'purchase', value: 10, currency: 'EUR' }, timestamp_micros: undefined,
    });
    assert.equal(got[3]!.timestamp_micros, Date.parse(conv(3).occurred_at) * 1000);
  });

  test('the validation server\'s messages reject the events they name; the rest of the request is sent', async () => {
    const start = fake.collected.length;
    const long = 'x'.repeat(120);
    const result = await ga4Connector.push!(context(config), [conv(1), conv(2, { execution_id: long }), conv(3, { contact_id: 'contact-2' })]);
    assert.equal(result.accepted, 2);
    assert.equal(result.rejected.length, 1);
    assert.equal(result.rejected[0]!.execution_id, long);
    assert.match(result.rejected[0]!.reason, /^VALUE_OUT_OF_BOUNDS: Event at index: \[1\] has param \[execution_id\] whose value is longer than 100 characters/);
    assert.deepEqual(fake.collected.slice(start).map((e) => [e.client_id, e.params.execution_id]), [['contact-1', 'ex-1'], ['contact-2', 'ex-3']]);
  });

  test('validate_only reports what would be accepted and records nothing', async () => {
    const start = fake.collected.length;
    const before = fake.requests.length;
    const result = await ga4Connector.push!(context({ ...config, mp_mode: 'validate_only' }), [conv(1), conv(2)]);
    assert.deepEqual(result, { accepted: 2, rejected: [] });
    assert.equal(fake.collected.length, start);
    assert.deepEqual(fake.requests.slice(before).map((r) => r.path), ['/debug/mp/collect']);
  });

  test('what GA4 would drop silently is rejected before sending: old events, a reserved event name', async () => {
    const old = await ga4Connector.push!(context(config), [conv(1, { occurred_at: new Date(Date.now() - 73 * 3_600_000).toISOString() })]);
    assert.equal(old.accepted, 0);
    assert.match(old.rejected[0]!.reason, /older than 72 hours/);
    const before = fake.requests.length;
    const reserved = await ga4Connector.push!(context({ ...config, conversion_event: 'session_start' }), [conv(1)]);
    assert.equal(reserved.accepted, 0);
    assert.match(reserved.rejected[0]!.reason, /reserved/);
    assert.equal(fake.requests.length, before, 'nothing sent');
  });

  test('the fake plays Google: /mp/collect answers 204 to anything and drops what is invalid; the debug server says why', async () => {
    const body = JSON.stringify({ client_id: 'c', events: [{ name: '_bad', params: {} }] });
    const res = await fetch(`${fake.url}/mp/collect?measurement_id=G-TEST123&api_secret=secret-1`, { method: 'POST', body });
    assert.equal(res.status, 204);
    assert.match(fake.dropped.at(-1)!, /invalid name \[_bad\]/);
    const wrong = await fetch(`${fake.url}/mp/collect?measurement_id=G-TEST123&api_secret=nope`, { method: 'POST', body: JSON.stringify({ client_id: 'c', events: [{ name: 'ok' }] }) });
    assert.equal(wrong.status, 204);
    assert.equal(fake.dropped.at(-1), 'api_secret missing or wrong');
    const debug = await fetch(`${fake.url}/debug/mp/collect?measurement_id=G-TEST123&api_secret=secret-1`, { method: 'POST', body: JSON.stringify({ events: Array.from({ length: 26 }, () => ({ name: 'ok' })) }) });
    const messages = ((await debug.json()) as { validationMessages: { validationCode: string; fieldPath: string }[] }).validationMessages;
    assert.deepEqual(messages.map((m) => [m.fieldPath, m.validationCode]), [['client_id', 'VALUE_REQUIRED'], ['events', 'EXCEEDED_MAX_ENTITIES']]);
  });
});
