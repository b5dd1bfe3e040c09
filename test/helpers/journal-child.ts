/**
 * A process that ingests through the write-ahead journal as the server does (the repair journal's catch-up, the
 * log's replay, the event-id index, the derived tables), for the journal's kill -9 test: it sends batch after batch
 * from JOURNAL_START on and writes `ack N accepted duplicates` on stdout once batch N is acknowledged (stdout to a
 * pipe is synchronous on Linux: the line is out before the next batch starts). With JOURNAL_DRAIN=1 it only
 * writes what an earlier process left, drains and exits 0.
 */
import { DerivedTables } from '../../src/derived/derived-tables.js';
import { IngestBuffer } from '../../src/ingest/buffer.js';
import { ingestItems } from '../../src/ingest/ingest.js';
import { JournaledIntake } from '../../src/ingest/journaled-intake.js';
import { itemsFromJson } from '../../src/ingest/parse-body.js';
import { RepairJournal } from '../../src/ingest/repair-journal.js';
import { StoredIdIndex } from '../../src/ingest/stored-ids.js';
import { WriteAheadLog } from '../../src/ingest/write-ahead-log.js';
import { openStore } from '../../src/store/factory.js';
import { migrate } from '../../src/store/migrate.js';
import { readFirstStore } from '../../src/store/read-first.js';

/** Batch n: 50 executions × (started, step started, step completed), ids unique per batch. */
export function journalBatch(n: number): unknown[] {
  const events: unknown[] = [];
  for (let i = 0; i < 50; i++) {
    const ex = `j${n}-e${i}`;
    const t = new Date(Date.UTC(2026, 2, 1 + (n % 28), i % 24, 0, 0)).toISOString();
    events.push(
      { type: 'execution.started', workflow_id: 'wf-journal', execution_id: ex, timestamp: t, contact_id: 'c', enrollment_source: 'api', event_id: `${ex}-1` },
      { type: 'step.started', workflow_id: 'wf-journal', execution_id: ex, step_id: 's1', step_type: 'action', action_type: 'send_email', timestamp: t, event_id: `${ex}-2` },
      { type: 'step.completed', workflow_id: 'wf-journal', execution_id: ex, step_id: 's1', step_type: 'action', action_type: 'send_email', timestamp: t, duration_ms: 10, event_id: `${ex}-3` },
    );
  }
  return events;
}

async function main(): Promise<void> {
  const dataDir = process.env.JOURNAL_DATA_DIR!;
  const ids = new StoredIdIndex();
  const store = ids.observe(readFirstStore(openStore({ dataDir, clickhouseUrl: undefined, clickhouseCluster: undefined })));
  await migrate(store);
  const journal = RepairJournal.of(dataDir);
  const derived = new DerivedTables(store, () => {}, journal);
  const writer = new IngestBuffer(store, {
    maxBatch: 20_000,
    flushIntervalMs: 5,
    onStored: (rows, entry, more) => derived.touched(rows, entry, more),
    journal,
    mayBeStored: (a, i) => ids.mayHold(a, i),
  });
  const intake = await JournaledIntake.open(store, writer, WriteAheadLog.dirOf(dataDir), { maxPendingRows: 200_000, mayBeStored: (a, i) => ids.mayHold(a, i) });
  await derived.catchUp((seq) => intake.unwrittenRecord(seq));
  intake.recover();
  await ids.load(store);
  if (process.env.JOURNAL_DRAIN === '1') {
    await intake.drain();
    await derived.idle();
    await store.close();
    process.stdout.write('drained\n');
    return;
  }
  process.stdout.write('ready\n');
  // three senders, like concurrent requests: each takes the next batch number
  let next = Number(process.env.JOURNAL_START ?? 0);
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (;;) {
        const n = next++;
        const r = await ingestItems(intake, 'default', itemsFromJson(journalBatch(n)));
        process.stdout.write(`ack ${n} ${r.accepted} ${r.duplicates}\n`);
      }
    }),
  );
}

if (process.env.JOURNAL_DATA_DIR) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
