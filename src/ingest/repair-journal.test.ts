/** The crash journal's file life cycle: begin, inserted (batch → facts), end, and what a crash leaves. Pure: no store. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/store.js';
import { batchExtent, RepairJournal, rowsDigest, rowsFromLog } from './repair-journal.js';

function tempJournal() {
  const dataDir = tempDir('flowlens-journal-test-');
  return { journal: RepairJournal.of(dataDir), dir: path.join(dataDir, 'flowlens-journal') };
}

test('a batch entry becomes a facts entry once inserted, and is gone once ended', () => {
  const { journal } = tempJournal();
  const rows = [
    { account_id: 'a', workflow_id: 'w1', received_at: '2026-03-01 10:00:00.500' },
    { account_id: 'a', workflow_id: 'w2', received_at: '2026-03-01 09:59:59.000' },
    { account_id: 'a', workflow_id: 'w1', received_at: '2026-03-01 10:00:01.000' },
    { account_id: 'a', workflow_id: '', received_at: '2026-03-01 10:00:02.000' },
  ];
  const id = journal.begin({ kind: 'batch', ...batchExtent(rows) });
  const [batch] = journal.pending();
  assert.equal(batch!.kind, 'batch');
  assert.deepEqual(batch!.scopes, [{ account: 'a', workflow: 'w1' }, { account: 'a', workflow: 'w2' }]);
  assert.deepEqual(batch!.received, ['2026-03-01 09:59:59.000', '2026-03-01 10:00:02.000']);

  journal.inserted(id);
  const [facts] = journal.pending();
  assert.deepEqual(facts, { ...batch, kind: 'facts' }, 'only the kind changes');

  journal.end(id);
  assert.deepEqual(journal.pending(), []);
});

test('what a crash leaves: a half-written replacement is dropped and the entry it replaced kept; a torn entry is dropped', () => {
  const { journal, dir } = tempJournal();
  const id = journal.begin({ kind: 'batch', scopes: [{ account: 'a', workflow: 'w' }], received: ['2026-03-01 10:00:00.000', '2026-03-01 10:00:00.000'] });
  // killed while writing the facts entry that replaces it
  fs.writeFileSync(path.join(dir, `${id}.json.next`), '{"id":"' + id);
  // killed while writing another batch's entry
  fs.writeFileSync(path.join(dir, '9999999999999-deadbeef.json'), '{"kind":"ba');
  const pending = journal.pending();
  assert.deepEqual(pending.map((e) => [e.id, e.kind]), [[id, 'batch']]);
  assert.deepEqual(fs.readdirSync(dir), [`${id}.json`], 'the leftovers are removed');
});

test('entries come back oldest first', () => {
  const { journal } = tempJournal();
  const ids = [1, 2, 3].map((n) => journal.begin({ kind: 'rebuild', scopes: [{ account: 'a', workflow: `w${n}` }] }));
  assert.deepEqual(journal.pending().map((e) => e.id), [...ids].sort());
  assert.deepEqual(journal.pending().map((e) => e.scopes![0]!.workflow), ['w1', 'w2', 'w3']);
});

test('an entry another process already repaired and removed is left alone', () => {
  const { journal, dir } = tempJournal();
  const id = journal.begin({ kind: 'batch', scopes: [], received: ['2026-03-01 10:00:00.000', '2026-03-01 10:00:00.000'] });
  fs.rmSync(path.join(dir, `${id}.json`));
  journal.inserted(id);
  journal.end(id);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("a batch of log records: its rows are found again only while the log holds them as they were; a failed insert forgets them", () => {
  const { journal } = tempJournal();
  const row = (id: string, seq: number) => ({ account_id: 'a', workflow_id: 'w', event_id: id, execution_id: 'x', type: 'execution.started', ts: '2026-03-01 10:00:00.000', received_at: `2026-03-01 10:00:0${seq}.000` });
  const records = new Map([
    [1, [row('e1', 1), row('dup', 1), row('e2', 1)]],
    [2, [row('e3', 2)]],
  ]);
  const inserted = [row('e1', 1), row('e2', 1), row('e3', 2)];
  const source = { records: [{ seq: 1, skip: [1] }, { seq: 2 }], digest: rowsDigest(inserted) };
  assert.deepEqual(rowsFromLog(source, (seq) => records.get(seq)), inserted, 'the records in order, less the rows left out');
  assert.equal(rowsFromLog(source, (seq) => (seq === 2 ? undefined : records.get(seq))), null, 'a record the log no longer holds');
  // the log started again at 1 after a clean stop: the same numbers, other rows
  assert.equal(rowsFromLog(source, (seq) => (seq === 2 ? [row('other', 2)] : records.get(seq))), null, 'other rows under the same number');

  const id = journal.begin({ kind: 'batch', ...batchExtent(inserted), wal: source });
  assert.deepEqual(journal.pending()[0]!.wal, source);
  journal.failed(id);
  const [after] = journal.pending();
  assert.equal(after!.kind, 'batch', 'still repaired at the next start');
  assert.equal(after!.wal, undefined, 'by a rebuild: the rows were written again by another insert');
  journal.inserted(id);
  assert.equal(journal.pending()[0]!.kind, 'facts');
});
