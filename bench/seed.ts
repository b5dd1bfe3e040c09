/** Seed time: N enrollments of synthetic data written straight into a fresh data directory. */
import { seed } from '../src/cli/seed.js';
import { storeSink } from '../src/ingest/sinks.js';
import { openTestStore, tempDir } from '../test/helpers/store.js';

export async function benchSeed(enrollments: number, keep = false) {
  const dataDir = tempDir('flowlens-bench-seed-');
  const { store } = await openTestStore(dataDir);
  const sink = storeSink(store, 'default');
  const s = await seed(sink, { workflows: 1, enrollments, days: 90, seed: 11, now: new Date() });
  await sink.close();
  await store.close();
  return { ...(keep ? { dataDir } : {}), enrollments: s.enrollments, events: s.events, seconds: Math.round(s.seconds * 10) / 10, eventsPerSecond: Math.round(s.events / s.seconds) };
}
