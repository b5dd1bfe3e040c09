import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANOMALY_NAMES, anomalyOptions, completeBuckets, isAnomaly, type AnomalyPointLike } from './anomaly-options.js';

const point = (t: string, value: number | null, extra: Partial<AnomalyPointLike> = {}): AnomalyPointLike => ({
  t, value, expected: 5, lower: 2, upper: 8, score: 0.4, anomaly: false, suppressed: null, ...extra,
});

const POINTS = [
  point('2026-03-02T08:00:00.000Z', 4, { expected: null, lower: null, upper: null, score: null, suppressed: 'warming_up', anomaly: true }),
  point('2026-03-02T09:00:00.000Z', 6),
  point('2026-03-02T10:00:00.000Z', 50, { anomaly: true, score: 9.1 }),
  point('2026-03-02T11:00:00.000Z', 30, { anomaly: true, suppressed: 'low_volume' }),
  point('2026-03-02T12:00:00.000Z', null, { anomaly: false, suppressed: 'no_data' }),
];

type Series = { name: string; type: string; data: Array<number | null>; stack?: string; areaStyle?: object };
const seriesOf = (o: ReturnType<typeof anomalyOptions>) => o.series as Series[];

test('a suppressed point is never an anomaly', () => {
  assert.deepEqual(POINTS.map(isAnomaly), [false, false, true, false, false]);
});

test('the band is its lower edge with its width stacked on it, filled; nothing where there is no band', () => {
  const s = seriesOf(anomalyOptions(POINTS, { name: 'Failure rate' }));
  const [lower, width] = s;
  assert.equal(lower!.stack, width!.stack);
  assert.deepEqual(lower!.data, [null, 2, 2, 2, 2]);
  assert.deepEqual(width!.data, [null, 6, 6, 6, 6]);
  assert.equal(width!.name, ANOMALY_NAMES.band);
  assert.ok(width!.areaStyle, 'filled');
  assert.equal(lower!.areaStyle, undefined);
});

test('the value and expected lines keep every bucket; the anomalies are dots on the flagged buckets only', () => {
  const o = anomalyOptions(POINTS, { name: 'Failure rate' });
  const s = seriesOf(o);
  assert.deepEqual(s.find((x) => x.name === 'Failure rate')!.data, [4, 6, 50, 30, null]);
  assert.deepEqual(s.find((x) => x.name === ANOMALY_NAMES.expected)!.data, [null, 5, 5, 5, 5]);
  const dots = s.find((x) => x.name === ANOMALY_NAMES.anomaly)!;
  assert.equal(dots.type, 'scatter');
  assert.deepEqual(dots.data, [null, null, 50, null, null]);
  assert.deepEqual(o.xAxis.data, ['2026-03-02 08:00', '2026-03-02 09:00', '2026-03-02 10:00', '2026-03-02 11:00', '2026-03-02 12:00']);
  assert.ok(!o.legend.data.includes('band-lower'), 'the band\'s lower edge is not in the legend');
});

test('labels and values are written as the page asks; the tooltip says what was expected and why a point is not judged', () => {
  const o = anomalyOptions(POINTS, { name: 'Failure rate', label: (t) => t.slice(11, 13) + 'h', format: (n) => `${n.toFixed(1)}%` });
  assert.deepEqual(o.xAxis.data, ['08h', '09h', '10h', '11h', '12h']);
  assert.equal(o.yAxis.axisLabel.formatter(12.5), '12.5%');
  const tip = o.tooltip.formatter([{ dataIndex: 2 }]);
  assert.match(tip, /10h/);
  assert.match(tip, /Failure rate: 50\.0%/);
  assert.match(tip, /Expected: 5\.0%/);
  assert.match(tip, /Expected range: 2\.0%–8\.0%/);
  assert.match(tip, /Anomaly \(score 9\.1\)/);
  assert.match(o.tooltip.formatter([{ dataIndex: 3 }]), /not judged: low volume/);
  assert.match(o.tooltip.formatter({ dataIndex: 4 }), /no data/);
  assert.equal(o.tooltip.formatter([]), '');
});

test('only the buckets that have ended are drawn: not the running hour, not the rest of the day', () => {
  const now = Date.parse('2026-03-02T11:20:00.000Z');
  assert.deepEqual(completeBuckets(POINTS, 3_600_000, now).map((p) => p.t.slice(11, 13)), ['08', '09', '10']);
  assert.deepEqual(completeBuckets(POINTS, 3_600_000, Date.parse('2026-03-02T11:00:00.000Z')).length, 3, 'an hour ends on the hour');
  assert.deepEqual(completeBuckets(POINTS, 86_400_000, now), []);
});
