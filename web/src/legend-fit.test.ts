import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLegend, legendRows } from './legend-fit.js';

test('legend items wrap into rows by their width', () => {
  // each 10-letter name takes 29 + 62 = 91 px
  const ten = 'abcdefghij';
  assert.equal(legendRows([], 300), 1);
  assert.equal(legendRows([ten, ten, ten], 300), 1); // 273 px
  assert.equal(legendRows([ten, ten, ten, ten], 300), 2); // the fourth starts a row
  assert.equal(legendRows([ten, ten, ten, ten, ten, ten, ten], 200), 4); // two per row
});

test('a narrow legend is plain (wrapping, never paged) and the plot moves down by its extra rows', () => {
  const ten = 'abcdefghij';
  const options = { legend: { top: 4 }, grid: { top: 36, left: 48 }, series: [{ name: ten }, { name: ten }, { name: ten }, { name: ten }] };
  const fitted = fitLegend(options, 216); // 200 px for the items: two rows
  assert.deepEqual(fitted.legend, { top: 4, type: 'plain' });
  assert.deepEqual(fitted.grid, { top: 56, left: 48 });
  assert.deepEqual(fitLegend(options, 1000).grid, { top: 36, left: 48 });
  // legend.data names the items when given
  assert.deepEqual(fitLegend({ legend: { data: [ten, ten, ten] }, grid: { top: 36 } }, 116).grid, { top: 76 });
  assert.deepEqual(fitLegend({ legend: { data: [{ name: ten }, { name: ten }, { name: ten }] }, grid: { top: 36 } }, 116).grid, { top: 76 });
  const bare = { series: [] };
  assert.equal(fitLegend(bare, 100), bare);
});
