/** Widget chart options: values in their unit, dates as the locale writes them, the previous period dashed and clipped, the future left out. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seriesChartOptions, type SeriesData } from './dashboard-charts.js';

// two past days and one far in the future (a period that includes now lists it with zeros)
const data: SeriesData = {
  labels: ['2026-03-01', '2026-03-02', '2299-12-01'],
  previous_labels: ['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01'],
  metrics: [{ metric: 'cost_usd', label: 'Cost', unit: 'usd', values: [0.853, 1234.5, 0], previous: [0.3898, 2, 3, 4] }],
} as SeriesData;

test('the future bucket is not drawn; the previous period is dashed, named and never past the last bucket', () => {
  const o = seriesChartOptions(data, 'line', '#2563eb', 'en-US', 'UTC') as any;
  assert.deepEqual(o.xAxis.data, ['2026-03-01', '2026-03-02']);
  assert.deepEqual(o.series.map((s: any) => [s.name, s.data]), [['Cost', [0.853, 1234.5]], ['Cost (previous period)', [0.3898, 2]]]);
  assert.equal(o.series[1].lineStyle.type, 'dashed');
  assert.ok(o.legend.data[1].icon.startsWith('path://'), 'a dashed mark in the legend');
  // without a timezone every bucket is drawn, the previous line still clipped to them
  const all = seriesChartOptions(data, 'line') as any;
  assert.equal(all.xAxis.data.length, 3);
  assert.deepEqual(all.series[1].data, [0.3898, 2, 3]);
});

test('axis ticks in the unit, dates as the locale writes them; the tooltip names the previous bucket', () => {
  const o = seriesChartOptions(data, 'line', '#2563eb', 'en-US', 'UTC') as any;
  assert.equal(o.yAxis[0].axisLabel.formatter(1234.5), '$1,235');
  assert.equal(o.xAxis.axisLabel.formatter('2026-03-02'), 'Mar 2');
  const tip = o.tooltip.formatter([
    { seriesIndex: 0, seriesName: 'Cost', dataIndex: 0, value: 0.853, marker: '', axisValue: '2026-03-01' },
    { seriesIndex: 1, seriesName: 'Cost (previous period)', dataIndex: 0, value: 0.3898, marker: '', axisValue: '2026-03-01' },
  ]);
  assert.equal(tip, '<strong>Mar 1, 2026</strong><br/>Cost: <strong>$0.85</strong><br/>Cost (previous period): <strong>$0.39</strong> <span style="opacity:.7">(Feb 26)</span>');
});
