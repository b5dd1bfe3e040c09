/** The ingest write-ahead log's files: records survive a reopen, a torn tail is not a record, written segments go. Pure: no store. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/store.js';
import { readSegment, WriteAheadLog } from './write-ahead-log.js';

const row = (id: string) => ({ account_id: 'a', event_id: id, workflow_id: 'w', ts: '2026-03-01 10:00:00.000' });

test('appended records are read back at the next open, in order, with their sequence numbers', async () => {
  const dir = path.join(tempDir('flowlens-wal-test-'), 'wal');
  const { wal, left } = await WriteAheadLog.open(dir);
  assert.deepEqual(left, []);
  assert.equal(await wal.append([row('e1'), row('e2')]), 1);
  assert.equal(await wal.append([row('e3')]), 2);
  // the process dies here: no close
  const again = await WriteAheadLog.open(dir);
  assert.deepEqual(again.left.map((r) => [r.seq, r.rows.map((x) => x.event_id)]), [[1, ['e1', 'e2']], [2, ['e3']]]);
  // numbering goes on after the last record found
  assert.equal(await again.wal.append([row('e4')]), 3);
});

test('a record cut short by a crash (no newline, or half a line) is not read back; the whole ones before it are', () => {
  const whole = `${JSON.stringify({ s: 1, r: [row('e1')] })}\n`;
  const next = JSON.stringify({ s: 2, r: [row('e2')] });
  assert.deepEqual(readSegment(whole + next.slice(0, 20)).map((r) => r.seq), [1]);
  assert.deepEqual(readSegment(whole + next).map((r) => r.seq), [1], 'without its newline the record was never acknowledged');
  assert.deepEqual(readSegment(`${whole}${next.slice(0, 15)}\n`).map((r) => r.seq), [1], 'a torn line followed by a newline');
  assert.deepEqual(readSegment(''), []);
});

test('release deletes the segments whose records are all written, and never one with a record still to write', async () => {
  const dir = path.join(tempDir('flowlens-wal-test-'), 'wal');
  const { wal } = await WriteAheadLog.open(dir);
  // records large enough that the active segment is worth beginning anew once written (over 1 MB)
  const big = Array.from({ length: 6000 }, (_, i) => ({ ...row(`e${i}`), metadata: 'x'.repeat(200) }));
  await wal.append(big);
  await wal.append(big);
  assert.equal(wal.files().length, 1);
  await wal.release(2); // record 1 written, record 2 not
  assert.equal(wal.files().length, 1, 'record 2 still needs its segment');
  await wal.release(3);
  assert.deepEqual(wal.files(), [], 'everything written: the segment is gone');
  assert.equal(await wal.append([row('late')]), 3);
  assert.equal(wal.files().length, 1, 'a new segment begins with the next record');
  const { left } = await WriteAheadLog.open(dir);
  assert.deepEqual(left.map((r) => r.seq), [3]);
});

test('segments left by an earlier run are deleted once their records are written', async () => {
  const dir = path.join(tempDir('flowlens-wal-test-'), 'wal');
  {
    const { wal } = await WriteAheadLog.open(dir);
    await wal.append([row('e1')]);
  }
  const { wal, left } = await WriteAheadLog.open(dir);
  assert.deepEqual(left.map((r) => r.seq), [1]);
  await wal.append([row('e2')]);
  assert.equal(wal.files().length, 2);
  await wal.release(2);
  assert.equal(wal.files().length, 1, "the earlier run's segment is gone; the active one is small and kept");
  assert.ok(fs.existsSync(dir));
});
