import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { generateEvents } from '../demo/generate.js';
import { storeSink, type EventSink } from '../ingest/sinks.js';
import { openTestStore } from '../../test/helpers/store.js';
import { seed } from './seed.js';

const { store } = await openTestStore();
after(() => store.close());
// ≈130K events: several batches, so one is written while the next is generated
const options = { workflows: 2, enrollments: 8_000, days: 20, seed: 5, now: new Date('2026-11-20T00:00:00Z') };

test('seed stores every generated event once; seeding again is all duplicates', async () => {
  const expected = [...generateEvents(options)].reduce((n, c) => n + c.length, 0);
  const sink = storeSink(store, 'seeded');
  const first = await seed(sink, options, false);
  assert.deepEqual([first.events, first.accepted, first.enrollments], [expected, expected, 8_000]);
  const again = await seed(sink, options, false);
  assert.deepEqual([again.events, again.accepted], [expected, 0]);
  await sink.close();
  const [row] = await store.query<{ n: number }>("SELECT count() AS n FROM events WHERE account_id = 'seeded'");
  assert.equal(Number(row!.n), expected);
});

/** A sink that answers after a short wait and refuses its `failing`-th batch (none when 0). */
function sinkFailingAt(failing: number) {
  const sink = {
    calls: 0,
    register: async () => {},
    close: async () => {},
    send: async (events: readonly unknown[]) => {
      const call = ++sink.calls;
      await new Promise((r) => setTimeout(r, 5));
      if (call === failing) throw new Error(`refused batch ${call}`);
      return { accepted: events.length, duplicates: 0, aggregated_only: 0, rejected: [] };
    },
  } satisfies EventSink & { calls: number };
  return sink;
}

test('a batch the sink refuses fails the seed, whichever batch it is, the last one too', async () => {
  const counting = sinkFailingAt(0);
  await seed(counting, options, false);
  assert.ok(counting.calls >= 2, `${counting.calls} batches`);
  for (let failing = 1; failing <= counting.calls; failing++) {
    await assert.rejects(seed(sinkFailingAt(failing), options, false), new RegExp(`refused batch ${failing}$`));
  }
});
