/**
 * When the derived writer writes execution facts, real embedded engine: a batch stored with nothing behind it is
 * written at once; batches stored while more wait are gathered into one write (for at most GATHER_MS); a reader
 * never waits for the gathering.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ev } from '../../test/helpers/runtime.js';
import { openTestStore } from '../../test/helpers/store.js';
import type { Store } from '../store/store.js';
import { DerivedTables } from './derived-tables.js';
import { validateEvent, type EventRow } from '../ingest/validate.js';

const { store } = await openTestStore();
after(() => store.close());

/** The store, counting the facts writes it runs (the engine is the real one). */
function counting(): { store: Store; writes: () => number } {
  let n = 0;
  const counted: Store = {
    ...store,
    command: (sql, params) => {
      if (sql.includes('INSERT INTO execution_facts')) n++;
      return store.command(sql, params);
    },
  };
  return { store: counted, writes: () => n };
}

async function stored(events: object[]): Promise<EventRow[]> {
  const rows = events.map((e) => {
    const v = validateEvent(e, 'default', new Date());
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    return v.row;
  });
  await store.insert('events', rows);
  return rows;
}

const enrolled = async (workflow: string) =>
  Number((await store.query<{ n: number }>('SELECT count() AS n FROM execution_facts FINAL WHERE workflow_id = {workflow:String}', { workflow }))[0]!.n);

test('a batch with nothing behind it is written at once', async () => {
  const { store: s, writes } = counting();
  const derived = new DerivedTables(s);
  derived.touched(await stored([ev.started('wf-now', 'a', '2026-05-04T10:00:00Z')]), undefined, false);
  const deadline = Date.now() + 500;
  while (writes() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(writes(), 1, 'the write started without waiting');
  await derived.idle();
  assert.equal(await enrolled('wf-now'), 1);
});

test('batches stored while more wait are gathered into one write; the last one starts it', async () => {
  const { store: s, writes } = counting();
  const derived = new DerivedTables(s);
  derived.touched(await stored([ev.started('wf-gather', 'a', '2026-05-04T10:00:00Z')]), undefined, true);
  derived.touched(await stored([ev.started('wf-gather-2', 'b', '2026-05-04T10:00:00Z')]), undefined, true);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(writes(), 0, 'nothing written while more batches are coming');
  derived.touched(await stored([ev.started('wf-gather', 'c', '2026-05-04T11:00:00Z')]), undefined, false);
  await derived.idle();
  assert.equal(writes(), 1, 'one write for the three batches of two workflows');
  assert.deepEqual([await enrolled('wf-gather'), await enrolled('wf-gather-2')], [2, 1]);
});

test('gathered facts are written within a second even when no batch follows; a reader does not wait for it', async () => {
  const { store: s, writes } = counting();
  const derived = new DerivedTables(s);
  derived.touched(await stored([ev.started('wf-late', 'a', '2026-05-04T10:00:00Z')]), undefined, true);
  const started = Date.now();
  while (writes() === 0 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 20));
  assert.equal(writes(), 1, 'written without a reader or another batch');
  assert.ok(Date.now() - started >= 900, `after the gathering time (${Date.now() - started} ms)`);
  await derived.idle();

  derived.touched(await stored([ev.started('wf-late', 'b', '2026-05-04T11:00:00Z')]), undefined, true);
  const asked = Date.now();
  await derived.settled('default', 'wf-late');
  assert.ok(Date.now() - asked < 900, `the reader waited ${Date.now() - asked} ms`);
  assert.equal(await enrolled('wf-late'), 2);
});
