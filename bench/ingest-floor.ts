/**
 * The ingestion floor (issue 30): the same events, already parsed and validated, inserted through the same chdb
 * into one plain MergeTree table with the events table's columns and sorting key and no materialized view, in
 * the batches the HTTP benchmark sends. No parsing, validation, deduplication, derived tables or HTTP: what the
 * engine alone needs to store the rows. Run as a child process (one embedded engine per process):
 *   node --import tsx bench/ingest-floor.ts EVENTS BATCH   → prints {"events":…, "seconds":…, "eventsPerSecond":…}
 */
import { generateEvents } from '../src/demo/generate.js';
import { validateEvent, type EventRow } from '../src/ingest/validate.js';
import { openTestStore } from '../test/helpers/store.js';

export async function ingestFloor(totalEvents: number, batch: number): Promise<{ events: number; seconds: number; eventsPerSecond: number }> {
  // the same generator, seed and workflows as bench/ingest.ts, validated beforehand (not timed)
  const rows: EventRow[] = [];
  const received = new Date();
  for (const chunk of generateEvents({ workflows: 10, enrollments: Math.ceil(totalEvents / 14), days: 30, seed: 7, now: new Date() })) {
    for (const e of chunk) {
      if (e.type === 'activity' || rows.length >= totalEvents) continue;
      const v = validateEvent(JSON.parse(JSON.stringify(e)), 'default', received);
      if (v.ok) rows.push(v.row);
    }
    if (rows.length >= totalEvents) break;
  }
  const { store } = await openTestStore();
  try {
    await store.command('CREATE TABLE floor_events AS events ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (account_id, workflow_id, type, ts)');
    const started = performance.now();
    for (let i = 0; i < rows.length; i += batch) await store.insert('floor_events', rows.slice(i, i + batch));
    const seconds = (performance.now() - started) / 1000;
    const [stored] = await store.query<{ n: number }>('SELECT count() AS n FROM floor_events');
    if (Number(stored!.n) !== rows.length) throw new Error(`the floor stored ${stored!.n} of ${rows.length} rows`);
    return { events: rows.length, seconds: Math.round(seconds * 100) / 100, eventsPerSecond: Math.round(rows.length / seconds) };
  } finally {
    await store.close();
  }
}

if (process.argv[1]?.endsWith('ingest-floor.ts')) {
  const r = await ingestFloor(Number(process.argv[2] ?? 500_000), Number(process.argv[3] ?? 5000));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
