import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyticsParams, anomalyBucket, defaultView, granularityAllowed, granularityForRange, parseView, viewSearch } from './view-state.js';

test('a view survives the URL: what is written is read back', () => {
  const v = { ...defaultView('Asia/Kolkata'), range: null, start: '2026-11-01', end: '2026-11-07', compare: false, granularity: 'weekly' as const, version: 2, variant: 'B', metrics: ['completions' as const], area: true };
  const search = viewSearch(v);
  assert.equal(search, '?start_date=2026-11-01&end_date=2026-11-07&timezone=Asia%2FKolkata&compare=off&granularity=weekly&version=2&variant=B&metrics=completions&chart=area');
  assert.deepEqual(parseView(search, 'UTC'), v);
});

test('defaults: last 30 days in the browser\'s timezone, compared; bad values fall back', () => {
  assert.deepEqual(parseView('', 'Europe/Paris'), defaultView('Europe/Paris'));
  const v = parseView('?range=last_year&granularity=minute&version=0&metrics=nope', 'UTC');
  assert.equal(v.range, 'last_30_days');
  assert.equal(v.granularity, 'daily');
  assert.equal(v.version, null);
  assert.equal(v.metrics.length, 3);
  assert.equal(viewSearch(defaultView('UTC')), '?range=last_30_days&timezone=UTC');
});

test('a reversed custom range is put in order', () => {
  const v = parseView('?start_date=2026-11-07&end_date=2026-11-01', 'UTC');
  assert.equal(v.start, '2026-11-01');
  assert.equal(v.end, '2026-11-07');
});

test('the API parameters of a view', () => {
  const v = { ...defaultView('America/New_York'), version: 1 };
  assert.deepEqual(analyticsParams(v), { range: 'last_30_days', timezone: 'America/New_York', granularity: 'daily', compare: 'previous_period', version: 1, variant: undefined, enrollment_source: undefined, exit_reason: undefined });
  assert.equal(analyticsParams({ ...v, compare: false }).compare, undefined);
  assert.equal(granularityAllowed({ ...v, range: 'last_90_days' }, 'hourly'), false);
  assert.equal(granularityAllowed({ ...v, range: 'last_7_days' }, 'hourly'), true);
  assert.deepEqual(
    (['hourly', 'daily', 'weekly', 'monthly'] as const).map((g) => [granularityForRange('today', g), granularityForRange('last_30_days', g), granularityForRange('last_365_days', g)]),
    [['hourly', 'daily', 'weekly'], ['hourly', 'daily', 'weekly'], ['hourly', 'weekly', 'weekly'], ['hourly', 'monthly', 'monthly']],
    'today by the hour, a year by the week at least, never hourly beyond a day',
  );
});

test('the source and exit reason filters and the segment: read from the URL, written back, sent to the API', () => {
  const v = parseView('?range=last_7_days&timezone=UTC&enrollment_source=api&exit_reason=unsubscribed&segment=variant', 'UTC');
  assert.deepEqual([v.enrollmentSource, v.exitReason, v.segment], ['api', 'unsubscribed', 'variant']);
  assert.equal(viewSearch(v), '?range=last_7_days&timezone=UTC&enrollment_source=api&exit_reason=unsubscribed&segment=variant');
  assert.deepEqual([analyticsParams(v).enrollment_source, analyticsParams(v).exit_reason], ['api', 'unsubscribed']);
  // an unknown segment is no segment
  assert.equal(parseView('?segment=contact', 'UTC').segment, null);
  // an attribute split with its key; a key the API would refuse is dropped
  const attr = parseView('?segment=attribute&attribute=plan', 'UTC');
  assert.deepEqual([attr.segment, attr.segmentAttribute], ['attribute', 'plan']);
  assert.match(viewSearch(attr), /&segment=attribute&attribute=plan$/);
  assert.equal(parseView("?segment=attribute&attribute=plan'x", 'UTC').segmentAttribute, null);
});

test('an alert link\'s metric and alert survive the page\'s own rewriting of the URL', () => {
  const v = parseView('?alert=a-1&metric=execution_failure_rate', 'UTC');
  assert.equal(v.watch, 'execution_failure_rate');
  assert.equal(v.alert, 'a-1');
  assert.equal(viewSearch(v), '?range=last_30_days&timezone=UTC&metric=execution_failure_rate&alert=a-1');
  assert.equal(parseView('?metric=DROP%20TABLE', 'UTC').watch, null);
});

test('the anomaly chart reads hours up to 14 days, days beyond', () => {
  const v = defaultView('UTC');
  assert.equal(anomalyBucket({ ...v, range: 'today' }), 'hour');
  assert.equal(anomalyBucket({ ...v, range: 'last_7_days' }), 'hour');
  assert.equal(anomalyBucket(v), 'day');
  assert.equal(anomalyBucket({ ...v, range: null, start: '2026-03-01', end: '2026-03-14' }), 'hour');
  assert.equal(anomalyBucket({ ...v, range: null, start: '2026-03-01', end: '2026-03-15' }), 'day');
});

test('the workflow filter and a table\'s order travel in the URL; a malformed order is dropped', () => {
  const v = { ...defaultView('UTC'), workflow: 'wf/a b', sort: '-failure_rate' };
  const search = viewSearch(v);
  assert.equal(search, '?range=last_30_days&timezone=UTC&workflow=wf%2Fa+b&sort=-failure_rate');
  assert.deepEqual(parseView(search, 'UTC'), v);
  assert.equal(parseView('?sort=name;drop', 'UTC').sort, null);
});
