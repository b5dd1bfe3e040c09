/** The trend and forecast chart options: what they draw and what their tooltips say, computed by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forecastOptions, seriesOptions, trendOptions } from './options.js';

const hour = (h: number) => `2026-03-02T${String(h).padStart(2, '0')}:00:00+00:00`;
const rows = Array.from({ length: 24 }, (_, h) => ({ date: hour(h), new_enrollments: h < 10 ? 5 : 0, completions: 0, conversions: 0 }));
const yesterday = Array.from({ length: 24 }, (_, h) => ({ date: `2026-03-01T${String(h).padStart(2, '0')}:00:00+00:00`, new_enrollments: 3, completions: 1, conversions: 0 }));
type Opts = { xAxis: { data: string[]; axisLabel: { formatter: (v: string) => string } }; series: Array<{ name: string; data: Array<number | null>; lineStyle?: { type: string }; markLine?: unknown }>; tooltip: { formatter: (p: unknown) => string }; yAxis: { axisLabel: { formatter: (n: number) => string } } };

test('Today at 09:10: the buckets begun are drawn (00:00…09:00), the 09:00 one dashed and marked "so far"; the previous line stops there too', () => {
  const o = trendOptions(rows, yesterday, '#2563eb', { metrics: ['new_enrollments'], progress: { complete: false, buckets_begun: 10, bucket_in_progress: hour(9) }, format: { locale: 'en-US' } }) as unknown as Opts;
  assert.equal(o.xAxis.data.length, 10);
  assert.equal(o.xAxis.axisLabel.formatter(hour(9)), 'Mar 2, 09:00');
  const [solid, partial, previous] = o.series;
  assert.deepEqual(solid!.data, [5, 5, 5, 5, 5, 5, 5, 5, 5, null]);
  assert.deepEqual(partial!.data, [null, null, null, null, null, null, null, null, 5, 5]);
  assert.equal(partial!.lineStyle!.type, 'dashed');
  assert.ok(solid!.markLine, 'the bucket in progress is marked');
  assert.equal(previous!.name, 'Enrolled (previous period)');
  assert.equal(previous!.data.length, 10);
  assert.equal(previous!.lineStyle!.type, 'dashed');
  const tip = o.tooltip.formatter([
    { seriesName: 'Enrolled', seriesIndex: 0, dataIndex: 9, value: null, marker: '', axisValue: hour(9) },
    { seriesName: 'Enrolled (previous period)', seriesIndex: 2, dataIndex: 9, value: 3, marker: '', axisValue: hour(9) },
  ]);
  assert.equal(tip, '<strong>Mar 2, 2026, 09:00</strong><br/>Enrolled (so far): <strong>5</strong><br/>Enrolled (previous period): <strong>3</strong> <span style="opacity:.7">(Mar 1, 09:00)</span>');
});

test('a complete period draws every bucket; a previous period with more buckets (weeks) never runs past the last one', () => {
  const weeks = ['2026-03-02', '2026-03-09', '2026-03-16'].map((date) => ({ date, new_enrollments: 1, completions: 1, conversions: 1 }));
  const before = ['2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23'].map((date) => ({ date, new_enrollments: 2, completions: 2, conversions: 2 }));
  const o = trendOptions(weeks, before, '#2563eb', { progress: { complete: true, buckets_begun: 3, bucket_in_progress: null } }) as unknown as Opts;
  assert.equal(o.xAxis.data.length, 3);
  // the three metrics and, without a choice (the PDF), the previous line of the first only
  assert.deepEqual(o.series.map((s) => [s.name, s.data.length]), [['Enrolled', 3], ['Completed', 3], ['Converted', 3], ['Enrolled (previous period)', 3]]);
});

test('the forecast tooltip names the forecast and its interval low–high in dollars; money axes tick in dollars', () => {
  const o = forecastOptions([{ date: '2026-03-01', value: 1.2 }], [{ date: '2026-03-02', value: 1.3336, lower: 0.6791, upper: 1.9865 }], 'Spent per day', '#2563eb', { unit: 'usd', locale: 'en-US' }) as unknown as Opts;
  assert.equal(o.tooltip.formatter([{ dataIndex: 1 }]), '<strong>Mar 2, 2026</strong><br/>Forecast <strong>$1.33</strong><br/>95% interval <strong>$0.68–$1.99</strong>');
  assert.equal(o.tooltip.formatter([{ dataIndex: 0 }]), '<strong>Mar 1, 2026</strong><br/>Spent per day: <strong>$1.20</strong>');
  assert.equal(o.yAxis.axisLabel.formatter(1500), '$1,500');
  const bars = seriesOptions(['2026-03-01'], [{ name: 'Spent', data: [0.853] }], { unit: 'usd', locale: 'en-US' }) as unknown as Opts;
  assert.equal(bars.yAxis.axisLabel.formatter(0.5), '$0.50');
  assert.equal(bars.tooltip.formatter([{ seriesName: 'Spent', seriesIndex: 0, dataIndex: 0, value: 0.853, marker: '', axisValue: '2026-03-01' }]), '<strong>Mar 1, 2026</strong><br/>Spent: <strong>$0.85</strong>');
});
