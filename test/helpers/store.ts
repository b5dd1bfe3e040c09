/** A real embedded ClickHouse store in a fresh temporary directory, migrated. One per test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/factory.js';
import { migrate } from '../../src/store/migrate.js';
import type { Store } from '../../src/store/store.js';

/** Temporary directories this process made, removed when it exits. */
const made = new Set<string>();
process.on('exit', () => {
  if (process.env.FLOWLENS_KEEP_TEMP === '1') return;
  for (const dir of made) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      /* the engine may still be writing a part as the process ends: the OS's temp cleanup takes the rest */
    }
  }
});

/**
 * A fresh temporary directory, removed when this process exits (a test file, a benchmark run): data
 * directories of hundreds of MB otherwise pile up in the system's temp folder with every run.
 * FLOWLENS_KEEP_TEMP=1 keeps them, to look at what a run left.
 */
export function tempDir(prefix = 'flowlens-test-'): string {
  const dir = keptDir(prefix);
  made.add(dir);
  return dir;
}

/** A fresh temporary directory that outlives the process (a benchmark's data set, kept to be timed again with --data). */
export function keptDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function openTestStore(dataDir = tempDir()): Promise<{ store: Store; dataDir: string }> {
  const store = openStore({
    dataDir,
    clickhouseUrl: process.env.FLOWLENS_TEST_CLICKHOUSE_URL || undefined,
    clickhouseCluster: (process.env.FLOWLENS_TEST_CLICKHOUSE_URL && process.env.FLOWLENS_TEST_CLICKHOUSE_CLUSTER) || undefined,
  });
  await migrate(store);
  return { store, dataDir };
}

/** A unique id, so tests sharing one store never see each other's rows. */
export function uid(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
