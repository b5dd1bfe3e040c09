/**
 * A small journal that makes a crash mid-write repairable. Before a batch is inserted (or a workflow's
 * derived tables are rebuilt) an entry naming the workflows concerned is written to a file.
 * - A process killed during the insert (kill -9, power loss of the process) leaves a 'batch' entry. When the
 *   batch came from the write-ahead log (`wal`: its records, less the rows not inserted), its rows are still
 *   there at the next start: if none reached `events`, none reached any table, and the repair inserts them
 *   (completeBatch), so a restart costs a batch. Otherwise the derived tables fed by materialized views may hold
 *   part of the batch, so the workflows concerned are rebuilt from the raw events, and the event-id index is
 *   completed so that the sender's retry is deduplicated against what did land.
 * - A 'backfill' entry (rows older than the raw window, whose detail expires as it lands) holds the rows:
 *   the next start inserts them again with the same deduplication token, which completes every table the
 *   insert had not reached and adds nothing to those it had (IngestBuffer.insertBackfill).
 * - Once the insert is complete the entry becomes a 'facts' entry: the batch is stored, but the execution
 *   facts of its executions are written afterwards, in the background. The entry is removed when they
 *   are; one left behind makes the next start rewrite the facts of executions received since the batch.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EventRow } from './validate.js';

export interface JournalScope {
  account: string;
  workflow: string;
}

export interface JournalEntry {
  id: string;
  kind: 'batch' | 'rebuild' | 'facts' | 'backfill';
  /** Workflows whose derived tables may be half-written; null = all of them. */
  scopes: JournalScope[] | null;
  /** For batches: the received_at range of its rows ('YYYY-MM-DD hh:mm:ss.sss', UTC). */
  received?: [string, string];
  /** For backfill: the rows themselves (their detail expires as it lands), inserted again by the repair. */
  rows?: Array<Record<string, string | number | null>>;
  /** For a batch of write-ahead log records: where its rows are found again (rowsFromLog). */
  wal?: LogSource;
  at: string;
}

/**
 * A batch's rows as records of the write-ahead log: each record's rows in order, less those at `skip` (duplicates
 * and backfill, not in the insert), and a digest of the result, so that a record number the log has since given
 * to other rows (it starts again at 1 after a clean stop) is never taken for the batch's.
 */
export interface LogSource {
  records: Array<{ seq: number; skip?: number[] }>;
  digest: string;
}

/** What identifies a batch's rows, in order: each row's account, id, execution, type and times. */
export function rowsDigest(rows: readonly EventRow[]): string {
  const hash = crypto.createHash('sha1');
  for (const r of rows) hash.update(`${r.account_id}\t${r.event_id}\t${r.execution_id}\t${r.type}\t${r.ts}\t${r.received_at}\n`);
  return hash.digest('hex');
}

/** The batch's rows, in the order they were inserted, from the log's records; null when the log no longer holds them. */
export function rowsFromLog(source: LogSource, record: (seq: number) => readonly EventRow[] | undefined): EventRow[] | null {
  const rows: EventRow[] = [];
  for (const { seq, skip } of source.records) {
    const all = record(seq);
    if (!all) return null;
    const skipped = new Set(skip ?? []);
    all.forEach((r, i) => skipped.has(i) || rows.push(r));
  }
  return rowsDigest(rows) === source.digest ? rows : null;
}

export class RepairJournal {
  private counter = 0;

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** The journal of a data directory (also in server mode, where the directory holds nothing else). */
  static of(dataDir: string): RepairJournal {
    return new RepairJournal(path.join(dataDir, 'flowlens-journal'));
  }

  /** Records that a write is about to start; returns the entry id to pass to `end`. */
  begin(entry: Omit<JournalEntry, 'id' | 'at'>): string {
    // time, then a counter (entries of the same millisecond keep their order), then randomness
    const id = `${Date.now()}-${String(this.counter++ % 1e6).padStart(6, '0')}-${crypto.randomBytes(4).toString('hex')}`;
    const full: JournalEntry = { id, at: new Date().toISOString(), ...entry };
    // No fsync: the journal guards against the process dying, and the page cache outlives the process.
    fs.writeFileSync(path.join(this.dir, `${id}.json`), JSON.stringify(full));
    return id;
  }

  /** The batch's insert is complete: only its execution facts are left to write. */
  inserted(id: string): void {
    this.rewrite(id, (entry) => ({ ...entry, kind: 'facts', rows: undefined, wal: undefined }));
  }

  private rewrite(id: string, change: (entry: JournalEntry) => JournalEntry): void {
    const file = path.join(this.dir, `${id}.json`);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      // gone: another process sharing the directory (server mode) repaired it at its start; nothing is left to note
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    // write then rename: a crash leaves either the entry as it was or the new one, never a torn file
    fs.writeFileSync(`${file}.next`, JSON.stringify(change(JSON.parse(text) as JournalEntry)));
    fs.renameSync(`${file}.next`, file);
  }

  /**
   * The batch's insert failed (the process lives on): its records are written again by another insert, so its rows
   * in the log no longer tell what the engine holds of it. The entry stays, without them: the next start repairs it
   * by a rebuild of its workflows.
   */
  failed(id: string): void {
    this.rewrite(id, (entry) => ({ ...entry, wal: undefined }));
  }

  end(id: string): void {
    fs.rmSync(path.join(this.dir, `${id}.json`), { force: true });
  }

  /** Entries left by writes that did not finish, oldest first. */
  pending(): JournalEntry[] {
    const files = fs.readdirSync(this.dir);
    // a rewrite the crash cut short: the entry it was replacing is still there, whole
    for (const f of files) if (f.endsWith('.json.next')) fs.rmSync(path.join(this.dir, f), { force: true });
    return files
      .filter((f) => f.endsWith('.json'))
      .sort()
      .flatMap((f) => {
        try {
          return [JSON.parse(fs.readFileSync(path.join(this.dir, f), 'utf8')) as JournalEntry];
        } catch {
          // a torn entry (the crash hit while writing it): the write it announced had not started
          fs.rmSync(path.join(this.dir, f), { force: true });
          return [];
        }
      });
  }
}

/** The workflows and received_at range of a batch's rows. */
export function batchExtent(rows: ReadonlyArray<Record<string, unknown>>): { scopes: JournalScope[]; received: [string, string] } {
  const seen = new Map<string, JournalScope>();
  let from = '';
  let to = '';
  for (const r of rows) {
    const account = String(r.account_id ?? '');
    const workflow = String(r.workflow_id ?? '');
    if (workflow) {
      const k = `${account}\u0000${workflow}`;
      if (!seen.has(k)) seen.set(k, { account, workflow });
    }
    const t = String(r.received_at ?? '');
    if (!from || t < from) from = t;
    if (t > to) to = t;
  }
  return { scopes: [...seen.values()], received: [from, to] };
}
