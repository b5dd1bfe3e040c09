/**
 * The ingest buffer: concurrent requests' events are gathered and written in few, large inserts.
 * A submission is answered only after its rows are in ClickHouse; a failed insert is reported to the
 * waiting requests (nothing was acknowledged, so the sender retries; event ids make that safe).
 * Flushes run one at a time, so deduplication (check, then insert) is exact within the process.
 */
import crypto from 'node:crypto';
import type { Store } from '../store/store.js';
import type { RetentionHorizons } from '../store/retention.js';
import { Busy } from '../errors/domain-errors.js';
import { findDuplicates } from './dedupe.js';
import { batchExtent, rowsDigest, type LogSource, type RepairJournal } from './repair-journal.js';
import { answerEach, takeUpTo, type EventIntake, type IngestResult, type Submission } from './intake.js';
import type { EventRow } from './validate.js';

export type { IngestResult } from './intake.js';

interface Pending extends Submission {
  /** Already deduplicated against the store and everything queued (JournaledIntake): no lookup needed. */
  checked: boolean;
  /** The write-ahead log record the rows are (JournaledIntake): a batch made only of such rows is repaired from the log. */
  seq?: number;
}

export interface IngestBufferOptions {
  maxBatch: number;
  flushIntervalMs: number;
  onBatch?: (rows: number, seconds: number) => void;
  /** Beyond this many waiting rows new submissions are refused with 503 (memory stays bounded). */
  maxPendingRows?: number;
  /**
   * Called with the rows of every batch once they are stored (before the senders are answered), the batch's
   * journal entry, which the callee ends once the batch's execution facts are written, and whether more
   * events are already waiting to be written (a next batch follows at once).
   */
  onStored?: (rows: EventRow[], journalEntry: string | undefined, more: boolean) => void;
  /** Records each insert while it runs, so that a crash in the middle can be repaired at the next start. */
  journal?: RepairJournal;
  /** Where the retention windows begin now (none: everything is kept, nothing is backfill). */
  horizons?: () => RetentionHorizons;
  /** Rules out ids the store cannot hold, so that only the others are looked up (StoredIdIndex.mayHold). */
  mayBeStored?: (account: string, id: string) => boolean;
  /** A failed insert is tried again this long after, with its token (default 500 ms; backfill waits longer each time). */
  retryMs?: number;
  /** Told of each failed insert that is tried again. */
  log?: (msg: string, err?: unknown) => void;
}

/** Attempts at an insert of write-ahead log records with its token before it is given up (insertWithToken). */
const TOKEN_ATTEMPTS = 3;

/** A failed insert waits `retryMs` times its attempt's number before the next, at most this many times (backfill tries on). */
const MAX_WAIT_STEPS = 10;

/** Whether a stored row is backfill: older than the raw window and not retained (its detail expires as it lands). */
export function isBackfill(row: EventRow, raw: Date | null): boolean {
  return raw !== null && Number(row.retain ?? 0) === 0 && Date.parse(`${String(row.ts).replace(' ', 'T')}Z`) < raw.getTime();
}

/** 503: the server is shutting down; the sender retries (against another instance or after restart). */
export class IngestClosedError extends Busy {
  constructor() {
    super('The server is shutting down and takes no more events; retry shortly', 2);
  }
}

/** 503: more events are waiting to be written than the buffer holds; the sender retries shortly. */
export class IngestBusyError extends Busy {
  constructor(pending: number) {
    super(`Ingestion is saturated (${pending} events waiting to be written); retry shortly`, 1);
  }
}

export class IngestBuffer implements EventIntake {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private exclusiveRun: Promise<unknown> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: IngestBufferOptions,
  ) {}

  /**
   * Queues rows; resolves once they are stored (or recognised as duplicates). `checked`: the caller has already
   * deduplicated them against the store and every row queued before (the write-ahead journal's admission). `seq`:
   * the write-ahead log record they are, kept until they are stored (a crash mid-insert is repaired from it).
   */
  submit(rows: EventRow[], options: { checked?: boolean; seq?: number } = {}): Promise<IngestResult> {
    if (this.closed) return Promise.reject(new IngestClosedError());
    if (rows.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, aggregatedOnly: 0 });
    const limit = this.options.maxPendingRows;
    if (limit !== undefined && this.queuedRows > 0 && this.queuedRows + rows.length > limit) {
      return Promise.reject(new IngestBusyError(this.queuedRows));
    }
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ rows, checked: options.checked ?? false, ...(options.seq !== undefined ? { seq: options.seq } : {}), resolve, reject });
      this.queuedRows += rows.length;
      if (this.queuedRows >= this.options.maxBatch) this.kick();
      else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.options.flushIntervalMs);
    });
  }

  /** Where the retention windows begin now. */
  horizons(): RetentionHorizons {
    return this.options.horizons?.() ?? { raw: null, daily: null };
  }

  saturated(): boolean {
    const limit = this.options.maxPendingRows;
    return limit !== undefined && this.queuedRows >= limit;
  }

  /** An acknowledgement here means stored: nothing acknowledged is left to wait for. */
  ingested(): Promise<void> {
    return Promise.resolve();
  }

  /** Rows waiting to be written. */
  get pendingRows(): number {
    return this.queuedRows;
  }

  /** Stops taking events and writes everything queued. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.flushing || this.exclusiveRun) {
      this.kick();
      await (this.flushing ?? this.exclusiveRun)?.catch(() => {});
    }
  }

  /**
   * Runs `fn` while no batch is written (events keep queueing and are written afterwards): for work
   * that rebuilds derived tables from the raw events and must not see a batch twice.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusiveRun || this.flushing) await (this.exclusiveRun ?? this.flushing)?.catch(() => {});
    const run = (async () => {
      try {
        return await fn();
      } finally {
        this.exclusiveRun = undefined;
        this.kick();
      }
    })();
    this.exclusiveRun = run;
    return run;
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.flushing || this.exclusiveRun || this.queue.length === 0) return;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) {
        if (this.queuedRows >= this.options.maxBatch || this.closed) this.kick();
        else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.options.flushIntervalMs);
      }
    });
  }

  private takeBatch(): Pending[] {
    const { taken, rows } = takeUpTo(this.queue, this.options.maxBatch);
    this.queuedRows -= rows;
    return taken;
  }

  private async flushOnce(): Promise<void> {
    const batch = this.takeBatch();
    const all = batch.flatMap((p) => p.rows);
    const started = performance.now();
    try {
      // Rows the journal's admission checked need no lookup.
      const unchecked = batch.flatMap((p) => (p.checked ? [] : p.rows));
      const found = unchecked.length > 0 ? await findDuplicates(this.store, unchecked, this.options.mayBeStored) : [];
      let u = 0;
      const dup = batch.flatMap((p) => (p.checked ? p.rows.map(() => false) : p.rows.map(() => found[u++]!)));
      const { raw } = this.horizons();
      const old = all.map((r, i) => !dup[i] && isBackfill(r, raw));
      const recent = all.filter((_, i) => !dup[i] && !old[i]);
      const backfill = all.filter((_, i) => old[i]);
      // A failed insert may have written some parts. Rows of the write-ahead log and backfill are tried again with the
      // same token (insertWithToken, insertBackfill); other recent rows are not: the sender retries and event ids
      // dedupe. The journal entry stays behind if the insert fails for good or the process dies: the next start repairs.
      const wal = recent.length > 0 ? logSource(batch, (i) => dup[i]! || old[i]!, recent) : undefined;
      const entry = recent.length > 0 ? this.options.journal?.begin({ kind: 'batch', ...batchExtent(recent), ...(wal ? { wal } : {}) }) : undefined;
      if (entry && wal) await this.insertWithToken(recent, entry);
      else if (recent.length > 0) await this.store.insert('events', recent);
      if (entry) this.options.journal!.inserted(entry);
      if (recent.length > 0) this.options.onStored?.(recent, entry, backfill.length > 0 || this.queue.length > 0);
      if (backfill.length > 0) await this.insertBackfill(backfill);
      answerEach(batch, dup, (_, i) => old[i]!);
      this.options.onBatch?.(recent.length + backfill.length, (performance.now() - started) / 1000);
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  /**
   * Rows the write-ahead log keeps: inserted with the journal entry's id as token, so that the repair at the next
   * start can insert them again (DerivedTables.repair) — and so can a retry here: an insert that failed midway (some
   * tables have the rows, others not) is tried again with the same token, which completes only what it missed. After
   * the last attempt the caller retries the records as another insert (JournaledIntake), so the entry forgets them:
   * the next start repairs it by a rebuild.
   */
  private async insertWithToken(rows: EventRow[], entry: string): Promise<void> {
    try {
      await this.insertRetrying(rows, entry, (attempt) => attempt >= TOKEN_ATTEMPTS);
    } catch (err) {
      this.options.journal!.failed(entry);
      throw err;
    }
  }

  /**
   * Backfill: rows older than the raw window. Their detail expires as it lands, so a crash midway cannot be
   * repaired from the raw events as a recent batch is: the journal entry holds the rows themselves, and the
   * insert carries a deduplication token (the entry's id), so the repair inserts the same rows with the same
   * token and each table the insert feeds adds them only if it missed them (migration 023).
   * A failed insert is tried again with the same token for as long as the process takes events: given up, the
   * sender's retry would be another insert with another token, and the entry's repair at the next start would
   * then add the rows a second time to every table that retry reached. Only a shutdown stops it: the entry stays
   * and the next start completes it, before the unanswered senders (or the write-ahead log) send the rows again.
   * The engine records a token before it commits the part, so a kill -9 cannot leave a part without its token; a
   * kill in the instant between the two (one log line's write) would leave the token without the part, and that
   * table would then drop the repair's rows. No test has hit it; a recent batch does not rely on it (completeBatch).
   */
  private async insertBackfill(rows: EventRow[]): Promise<void> {
    const journal = this.options.journal;
    const entry = journal?.begin({ kind: 'backfill', ...batchExtent(rows), rows });
    await this.insertRetrying(rows, entry ?? `backfill-${crypto.randomUUID()}`, () => false);
    if (entry) journal!.inserted(entry);
    this.options.onStored?.(rows, entry, this.queue.length > 0);
  }

  /**
   * Inserts with a deduplication token; a failed attempt (which may have written some tables, not others) is tried
   * again with the same token, which completes only what it missed, until `giveUp` or a shutdown.
   */
  private async insertRetrying(rows: EventRow[], token: string, giveUp: (attempt: number) => boolean): Promise<void> {
    const wait = this.options.retryMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.insert('events', rows, { dedupToken: token });
      } catch (err) {
        if (giveUp(attempt) || this.closed) throw err;
        this.options.log?.(`insert of ${rows.length} events failed (attempt ${attempt}); trying again with its token`, err);
        await new Promise((r) => setTimeout(r, wait * Math.min(attempt, MAX_WAIT_STEPS)));
      }
    }
  }

}

/**
 * Where a batch's inserted rows are found again when every submission of it is a write-ahead log record (undefined
 * otherwise): the records in order, with the indices of their rows left out of the insert.
 */
function logSource(batch: readonly Pending[], leftOut: (i: number) => boolean, inserted: readonly EventRow[]): LogSource | undefined {
  if (!batch.every((p) => p.seq !== undefined)) return undefined;
  let offset = 0;
  const records = batch.map((p) => {
    const skip: number[] = [];
    for (let i = 0; i < p.rows.length; i++) if (leftOut(offset + i)) skip.push(i);
    offset += p.rows.length;
    return { seq: p.seq!, ...(skip.length > 0 ? { skip } : {}) };
  });
  return { records, digest: rowsDigest(inserted) };
}
