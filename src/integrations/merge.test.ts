/** Per-field last-modified-wins (merge.ts), table-driven on hand-made records. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeRecord } from './merge.js';
import type { StoredRecord } from './store.js';

const rec = (modified_at: string, fields: Record<string, string>, field_modified_at: Record<string, string> = {}, o: Partial<StoredRecord> = {}): StoredRecord => ({
  object: 'deal', external_id: 'd1', contact_key: '', modified_at, fields, field_modified_at, amount: null, currency: '', closed_won_at: null, ...o,
});
const T = (h: number) => `2026-03-01T${String(h).padStart(2, '0')}:00:00.000Z`;

test('conflict rule, case by case', () => {
  const cases: Array<{ name: string; stored: StoredRecord | undefined; incoming: StoredRecord; fields: Record<string, string>; outcome: string; conflicts: string[] }> = [
    { name: 'new record', stored: undefined, incoming: rec(T(1), { a: '1' }), fields: { a: '1' }, outcome: 'inserted', conflicts: [] },
    { name: 'same content again', stored: rec(T(1), { a: '1' }), incoming: rec(T(1), { a: '1' }), fields: { a: '1' }, outcome: 'unchanged', conflicts: [] },
    { name: 'newer record wins (record times)', stored: rec(T(1), { a: '1' }), incoming: rec(T(2), { a: '2' }), fields: { a: '2' }, outcome: 'updated', conflicts: [] },
    { name: 'older record loses, counted as a conflict', stored: rec(T(2), { a: '2' }), incoming: rec(T(1), { a: '1' }), fields: { a: '2' }, outcome: 'unchanged', conflicts: ['a'] },
    { name: 'equal times: the incoming value', stored: rec(T(1), { a: '1' }), incoming: rec(T(1), { a: '2' }), fields: { a: '2' }, outcome: 'updated', conflicts: [] },
    {
      name: 'per field: each side keeps what it changed last',
      stored: rec(T(3), { stage: 'won', amount: '100' }, { stage: T(3), amount: T(1) }),
      incoming: rec(T(4), { stage: 'open', amount: '150' }, { stage: T(2), amount: T(4) }),
      fields: { stage: 'won', amount: '150' }, outcome: 'updated', conflicts: ['stage'],
    },
    { name: 'a field left out of a read is kept', stored: rec(T(1), { a: '1', b: '1' }), incoming: rec(T(2), { a: '2' }), fields: { a: '2', b: '1' }, outcome: 'updated', conflicts: [] },
  ];
  for (const c of cases) {
    const m = mergeRecord(c.stored, c.incoming);
    assert.deepEqual([m.record.fields, m.outcome, m.conflicts], [c.fields, c.outcome, c.conflicts], c.name);
  }
});

test('record-level columns come with the later side; per-field times kept only where they differ from the record\'s', () => {
  const stored = rec(T(3), { stage: 'won' }, {}, { amount: 100, currency: 'EUR', closed_won_at: T(3) });
  const m = mergeRecord(stored, rec(T(1), { stage: 'open', note: 'x' }, {}, { amount: 50, currency: 'USD' }));
  assert.deepEqual([m.record.modified_at, m.record.amount, m.record.currency, m.record.closed_won_at], [T(3), 100, 'EUR', T(3)]);
  assert.deepEqual(m.record.field_modified_at, { note: T(1) });
});
