/** Seed time: N enrollments of synthetic data written straight into a fresh data directory. */
import { seed } from '../src/cli/seed.js';
import { loadConfig } from '../src/config/config.js';
import { startRuntime } from '../src/runtime.js';
import { storeSink } from '../src/ingest/sinks.js';
import { keptDir, openTestStore, tempDir } from '../test/helpers/store.js';

export async function benchSeed(enrollments: number, keep = false) {
  const dataDir = keep ? keptDir('flowlens-bench-seed-') : tempDir('flowlens-bench-seed-');
  const { store } = await openTestStore(dataDir);
  const sink = storeSink(store, 'default');
  const s = await seed(sink, { workflows: 1, enrollments, days: 90, seed: 11, now: new Date() });
  await sink.close();
  await store.close();
  return { ...(keep ? { dataDir } : {}), enrollments: s.enrollments, events: s.events, seconds: Math.round(s.seconds * 10) / 10, eventsPerSecond: Math.round(s.events / s.seconds) };
}

/**
 * Opens a seeded data directory once in process, so migrations and the first build of its derived
 * tables happen here (timed) and a server started on it afterwards answers at once.
 */
/**
 * Retention for every process a benchmark opens on a seeded directory: keep everything. The data's days age
 * between runs, and a process with another window than the last one changes the tables' TTLs, which
 * rewrites their parts in the background while the benchmark measures.
 */
export const KEEP_ALL = { FLOWLENS_RETENTION_RAW_DAYS: '0', FLOWLENS_RETENTION_DAILY_DAYS: '0' } as const;

/**
 * Waits out the background work of a server or store just opened on a seeded directory (the compaction after
 * its start-up catch-up, part merges), which otherwise lands on the first requests timed. `ms` 0 skips it.
 */
export const settle = (ms = 10_000) => new Promise((r) => setTimeout(r, ms));

export async function prepareDerived(dataDir: string, operatorKey: string): Promise<number> {
  const t0 = performance.now();
  const rt = await startRuntime(loadConfig({ data: dataDir }, { FLOWLENS_ADMIN_KEY: operatorKey, FLOWLENS_LOG_LEVEL: 'warn', ...KEEP_ALL }));
  await rt.deps.derived.idle();
  await rt.close();
  return Math.round((performance.now() - t0) / 100) / 10;
}
