import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellAt, cellsMoved, clamp, compact, freeSpot, GAP, place, ROW_HEIGHT, rowsOf, type Box } from './dashboard-grid.js';

const box = (id: string, x: number, y: number, w: number, h: number): Box => ({ id, x, y, w, h });

test('a box stays inside the 12 columns', () => {
  assert.deepEqual(clamp(box('a', 10, -2, 4, 0)), box('a', 8, 0, 4, 1));
  assert.deepEqual(clamp(box('a', 0, 3, 20, 40)), box('a', 0, 3, 12, 12));
});

test('boxes float up without overlapping', () => {
  assert.deepEqual(compact([box('a', 0, 5, 6, 2), box('b', 6, 9, 6, 2), box('c', 0, 8, 12, 1)]), [box('a', 0, 0, 6, 2), box('b', 6, 0, 6, 2), box('c', 0, 2, 12, 1)]);
});

test('a box dropped on another pushes it down; a new one is added last', () => {
  const layout = [box('a', 0, 0, 6, 2), box('b', 6, 0, 6, 4)];
  // c dropped over a: a goes below c, b stays
  assert.deepEqual(place(layout, box('c', 0, 0, 4, 3)), [box('a', 0, 3, 6, 2), box('b', 6, 0, 6, 4), box('c', 0, 0, 4, 3)]);
  // a widened over b: b moves below a
  assert.deepEqual(place(layout, box('a', 0, 0, 8, 2)), [box('a', 0, 0, 8, 2), box('b', 6, 2, 6, 4)]);
  // a moved down the empty space floats back up
  assert.deepEqual(place(layout, box('a', 0, 7, 6, 2)), [box('a', 0, 0, 6, 2), box('b', 6, 0, 6, 4)]);
});

test('the first free spot reads rows from the top', () => {
  assert.deepEqual(freeSpot([box('a', 0, 0, 6, 2)], 6, 4), { x: 6, y: 0 });
  assert.deepEqual(freeSpot([box('a', 0, 0, 8, 2)], 6, 4), { x: 0, y: 2 });
  assert.equal(rowsOf([box('a', 0, 3, 6, 2)], 3), 8);
});

test('a point is read as the cell it is in; a drag as whole cells', () => {
  // 12 columns of 70 px with 12 px gaps: 12 × 70 + 11 × 12 = 972 px
  const rect = { left: 100, top: 50, width: 972 };
  assert.deepEqual(cellAt(rect, 100, 50), { x: 0, y: 0 });
  assert.deepEqual(cellAt(rect, 100 + 6 * 82 + 10, 50 + 2 * (ROW_HEIGHT + GAP) + 5), { x: 6, y: 2 });
  assert.deepEqual(cellAt(rect, 5000, 10), { x: 11, y: 0 });
  assert.deepEqual(cellsMoved(972, 3 * 82 + 20, ROW_HEIGHT + GAP - 30), { dw: 3, dh: 1 });
});
