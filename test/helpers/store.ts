/** A real embedded ClickHouse store in a fresh temporary directory, migrated. One per test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/factory.js';
import { migrate } from '../../src/store/migrate.js';
import type { Store } from '../../src/store/store.js';

export function tempDir(prefix = 'flowlens-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function openTestStore(dataDir = tempDir()): Promise<{ store: Store; dataDir: string }> {
  const store = openStore({ dataDir, clickhouseUrl: process.env.FLOWLENS_TEST_CLICKHOUSE_URL || undefined });
  await migrate(store);
  return { store, dataDir };
}

/** A unique id, so tests sharing one store never see each other's rows. */
export function uid(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
