/** The plain data table rendered to HTML: headers, cells, raw values, row data attributes, footer. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import { DataTable, type Column } from './DataTable.js';

interface Row { id: string; name: string; n: number; rate: number | null }
const rows: Row[] = [
  { id: 'a', name: 'Alpha', n: 1200, rate: 12.5 },
  { id: 'b', name: 'Beta <b>', n: 3, rate: null },
];
const columns: Column<Row>[] = [
  { label: 'Name', cell: (r) => r.name, footer: 'All' },
  { label: 'Count', numeric: true, cell: (r) => r.n.toLocaleString('en-US'), value: (r) => r.n, footer: '1,203' },
  { label: 'Rate', numeric: true, cell: (r) => (r.rate === null ? '—' : `${r.rate}%`), value: (r) => r.rate, className: (r) => ((r.rate ?? 0) < 50 ? 'tone-down' : '') },
];

test('a header per column, a row per item with its data attributes, raw values and cell classes', () => {
  const out = renderToStaticMarkup(<DataTable label="Things" columns={columns} rows={rows} rowKey={(r) => r.id} rowData={(r) => ({ thing: r.id })} />);
  // the scrolling box takes keyboard focus (a table wider than the screen scrolls from the keyboard)
  assert.match(out, /^<div class="table-scroll" tabindex="0" role="region" aria-label="Things \(scrolls sideways\)"><table class="table" aria-label="Things">/);
  assert.match(out, /<thead><tr><th>Name<\/th><th class="num">Count<\/th><th class="num">Rate<\/th><\/tr><\/thead>/);
  assert.match(out, /<tr data-thing="a"><td>Alpha<\/td><td class="num" data-value="1200">1,200<\/td><td class="num tone-down" data-value="12.5">12.5%<\/td><\/tr>/);
  // text is escaped; a null value is an empty data-value
  assert.match(out, /<tr data-thing="b"><td>Beta &lt;b&gt;<\/td><td class="num" data-value="3">3<\/td><td class="num tone-down" data-value="">—<\/td><\/tr>/);
  assert.match(out, /<tfoot><tr><th>All<\/th><th class="num">1,203<\/th><th class="num"><\/th><\/tr><\/tfoot>/);
});

test('no footer row when no column has one; no rows, only the header', () => {
  const plain = columns.map(({ footer: _f, ...c }) => c);
  const out = renderToStaticMarkup(<DataTable label="Empty" columns={plain} rows={[]} rowKey={(r) => r.id} />);
  assert.doesNotMatch(out, /tfoot/);
  assert.match(out, /<tbody><\/tbody>/);
});
