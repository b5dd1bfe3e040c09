/** The crash journal's file life cycle: begin, inserted (batch → facts), end, and what a crash leaves. Pure: no store. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/store.js';
import { batchExtent, RepairJournal } from './repair-journal.js';

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
