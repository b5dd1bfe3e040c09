/**
 * Ingestion acknowledged at the write-ahead log (FLOWLENS_INGEST_ACK=journal, the embedded default). A request's
 * valid events are deduplicated (against the store and against everything acknowledged and not yet written),
 * appended to the log and flushed to disk, and only then answered; the engine writes them afterwards through the
 * IngestBuffer, in blocks as large as the backlog allows, off the request path.
 *
 * - Admission runs one group at a time: every request that arrived while the previous group was admitted is
 *   checked and appended together, with one fdatasync (group commit).
 * - Deduplication stays exact: an id acknowledged and not yet written is found in `pendingIds`; once it is written
 *   the store's index finds it (asked only about the ids StoredIdIndex does not rule out: usually none, so an
 *   admission rarely waits for the engine at all). An id leaves `pendingIds` only between two admissions, never while one is asking
 *   the store, so no re-send can slip between the two.
 * - Readers stay consistent: `ingested(account)` resolves once every event of the account acknowledged before the
 *   call is in the store, and DerivedTables.settled waits for it, so a figure asked after an acknowledgement counts
 *   the event, as when the answer waited for the store.
 * - A write that fails is retried (with the store's lookup, since part of it may have landed) until it succeeds;
 *   at shutdown, one left unwritten stays in the log, and the next start replays the log through the same lookup.
 */
import type { Store } from '../store/store.js';
import type { RetentionHorizons } from '../store/retention.js';
import { IngestBusyError, IngestClosedError, isBackfill, type IngestBuffer, type IngestResult } from './buffer.js';
import { findDuplicates } from './dedupe.js';
import { answerEach, takeUpTo, type EventIntake, type Submission } from './intake.js';
import type { EventRow } from './validate.js';
import { WriteAheadLog, type WalRecord } from './write-ahead-log.js';


export interface JournaledIntakeOptions {
  /** Beyond this many events acknowledged and not yet written (or waiting), new submissions get 503. */
  maxPendingRows: number;
  /**
   * Beyond this much writing left (the backlog at the engine's recent write rate, `wrote`), new submissions get
   * 503: a read waits for the account's acknowledged events, so this bounds how long ingestion can make it wait.
   */
  maxLagMs?: number;
  /**
   * The lag bound applies only to a backlog larger than this (the engine writer's batch, which it writes in one
   * statement whatever its size: a backlog that fits in one batch is one write away, and a rate learned from small
   * batches is mostly their fixed cost). Default 0.
   */
  lagFloorRows?: number;
  /** Rules out ids the store cannot hold, so that only the others are looked up (StoredIdIndex.mayHold). */
  mayBeStored?: (account: string, id: string) => boolean;
  /** A group admitted at once holds at most this many events. */
  maxGroupRows?: number;
  retryMs?: number;
  log?: (msg: string, err?: unknown) => void;
}

/** Batches smaller than this do not update the learned write rate (once there is one). */
const MIN_RATE_BATCH_ROWS = 1000;

const idOf = (r: EventRow) => (typeof r.event_id === 'string' ? r.event_id : '');
const accountOf = (r: EventRow) => String(r.account_id ?? '');

export class JournaledIntake implements EventIntake {
  private waiting: Submission[] = [];
  private waitingRows = 0;
  /** Acknowledged and not yet in the store, by sequence number (ascending: a Map keeps insertion order). */
  private unwritten = new Map<number, EventRow[]>();
  private unwrittenRows = 0;
  /** Ids acknowledged and not yet written, per account. */
  private pendingIds = new Map<string, Set<string>>();
  /** Written records whose ids leave pendingIds at the next pause between admissions. */
  private removals: EventRow[][] = [];
  private lastAcked = new Map<string, number>();
  private lastSeq = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private running: Promise<void> | undefined;
  private releaseDue = false;
  private closed = false;
  /** Records a failed write left to the next start (only while shutting down). */
  private abandoned = new Set<number>();
  /** Events a second the engine's writer stored lately (moving average over its batches). */
  private writeRate: number | undefined;

  private constructor(
    private readonly store: Store,
    private readonly buffer: IngestBuffer,
    private readonly wal: WriteAheadLog,
    private readonly options: JournaledIntakeOptions,
    private left: WalRecord[],
  ) {
    for (const r of left) this.track(r.seq, r.rows);
  }

  /**
   * Opens the log in `dir`. Records a previous run acknowledged are held as not yet written (readers wait for
   * them) until `recover` hands them to the engine.
   */
  static async open(store: Store, buffer: IngestBuffer, dir: string, options: JournaledIntakeOptions): Promise<JournaledIntake> {
    const { wal, left } = await WriteAheadLog.open(dir);
    return new JournaledIntake(store, buffer, wal, options, left);
  }

  /**
   * Writes what the last run acknowledged and may not have written, through the store's deduplication (its rows
   * may be stored already). Call after the repair journal's catch-up, so that a batch cut short is repaired first.
   */
  recover(): number {
    const left = this.left;
    this.left = [];
    if (left.length > 0) this.options.log?.(`writing ${left.reduce((n, r) => n + r.rows.length, 0)} acknowledged event(s) the last run left in the write-ahead log`);
    for (const r of left) this.write(r.seq, r.rows, false);
    return left.length;
  }

  /**
   * The rows of a log record acknowledged and not yet written (those the last run left, before and while `recover`
   * writes them): what the repair of a batch a crash cut short inserts again (DerivedTables.catchUp).
   */
  unwrittenRecord(seq: number): readonly EventRow[] | undefined {
    return this.unwritten.get(seq);
  }

  submit(rows: EventRow[]): Promise<IngestResult> {
    if (this.closed) return Promise.reject(new IngestClosedError());
    if (rows.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, aggregatedOnly: 0 });
    const backlog = this.pendingRows;
    if (backlog > 0 && (backlog + rows.length > this.options.maxPendingRows || this.lagging(rows.length))) return Promise.reject(new IngestBusyError(backlog));
    return new Promise<IngestResult>((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      this.waitingRows += rows.length;
      this.kick();
    });
  }

  /** The engine's writer stored `rows` in `seconds` (IngestBuffer's onBatch): its recent rate, for the lag. */
  wrote(rows: number, seconds: number): void {
    if (rows <= 0 || seconds <= 0) return;
    // a small batch's time is mostly the statement's fixed cost: it says little about the rate for a backlog
    if (this.writeRate !== undefined && rows < MIN_RATE_BATCH_ROWS) return;
    const rate = rows / seconds;
    this.writeRate = this.writeRate === undefined ? rate : 0.7 * this.writeRate + 0.3 * rate;
  }

  saturated(): boolean {
    return this.pendingRows >= this.options.maxPendingRows || this.lagging();
  }

  /** Whether the backlog, with `incoming` more events, is beyond the writing left a reader may wait for. */
  private lagging(incoming = 0): boolean {
    const rows = this.pendingRows + incoming;
    if (rows <= (this.options.lagFloorRows ?? 0) || !this.writeRate) return false;
    return (rows / this.writeRate) * 1000 > (this.options.maxLagMs ?? Infinity);
  }

  /** How long the engine needs to write the backlog at its recent rate (0 before it wrote anything). */
  lagMs(): number {
    return this.writeRate ? (this.pendingRows / this.writeRate) * 1000 : 0;
  }

  horizons(): RetentionHorizons {
    return this.buffer.horizons();
  }

  /** Events received and not yet in the store (waiting for admission, or acknowledged and not yet written). */
  get pendingRows(): number {
    return this.waitingRows + this.unwrittenRows;
  }

  ingested(account?: string): Promise<void> {
    const seq = account === undefined ? this.lastSeq : this.lastAcked.get(account);
    return seq === undefined ? Promise.resolve() : this.writtenThrough(seq);
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.writtenThrough(this.lastSeq);
    return this.buffer.exclusive(fn);
  }

  /** Stops taking events, admits those already received, and writes everything acknowledged. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
    await this.writtenThrough(this.lastSeq);
    await this.buffer.drain();
    if (this.unwritten.size === 0) await this.wal.clear();
    else {
      this.options.log?.(`${this.unwrittenRows} acknowledged event(s) stay in the write-ahead log; the next start writes them`);
      await this.wal.close();
    }
  }

  /** Segment files of the log (tests, health). */
  logFiles(): string[] {
    return this.wal.files();
  }

  /** Resolves once every record up to `seq` is written (or, at shutdown, left to the next start). */
  private writtenThrough(seq: number): Promise<void> {
    if (this.writtenBelow() > seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** The lowest sequence number not yet written (records below it are all in the store). */
  private writtenBelow(): number {
    for (const seq of this.unwritten.keys()) if (!this.abandoned.has(seq)) return seq;
    return this.lastSeq + 1;
  }

  private track(seq: number, rows: EventRow[]): void {
    this.unwritten.set(seq, rows);
    this.unwrittenRows += rows.length;
    this.lastSeq = Math.max(this.lastSeq, seq);
    for (const r of rows) {
      const account = accountOf(r);
      this.lastAcked.set(account, Math.max(this.lastAcked.get(account) ?? 0, seq));
      const id = idOf(r);
      if (!id) continue;
      let ids = this.pendingIds.get(account);
      if (!ids) this.pendingIds.set(account, (ids = new Set()));
      ids.add(id);
    }
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.waiting.length > 0 || this.releaseDue) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.waiting.length > 0 || this.releaseDue) {
      // between admissions: no lookup of the store is running, so written ids may leave pendingIds now
      for (const rows of this.removals.splice(0)) {
        for (const r of rows) {
          const id = idOf(r);
          if (id) this.pendingIds.get(accountOf(r))?.delete(id);
        }
      }
      if (this.releaseDue) {
        this.releaseDue = false;
        await this.wal.release(this.writtenBelow()).catch((err) => this.options.log?.('could not delete written write-ahead log segments', err));
      }
      if (this.waiting.length > 0) await this.admitGroup();
    }
  }

  private takeGroup(): Submission[] {
    const { taken, rows } = takeUpTo(this.waiting, this.options.maxGroupRows ?? 100_000);
    this.waitingRows -= rows;
    return taken;
  }

  private async admitGroup(): Promise<void> {
    const group = this.takeGroup();
    const all = group.flatMap((a) => a.rows);
    try {
      // acknowledged and not yet written: known here (checked before the store is asked, see `loop`)
      const dup = all.map((r) => {
        const id = idOf(r);
        return id !== '' && (this.pendingIds.get(accountOf(r))?.has(id) ?? false);
      });
      const rest = all.filter((_, i) => !dup[i]);
      // the store and the group itself
      const found = await findDuplicates(this.store, rest, this.options.mayBeStored);
      let k = 0;
      for (let i = 0; i < all.length; i++) if (!dup[i]) dup[i] = found[k++]!;
      const fresh = all.filter((_, i) => !dup[i]);
      let seq = 0;
      if (fresh.length > 0) {
        seq = await this.wal.append(fresh);
        this.track(seq, fresh);
      }
      const { raw } = this.horizons();
      answerEach(group, dup, (row) => isBackfill(row, raw));
      if (fresh.length > 0) this.write(seq, fresh, true);
    } catch (err) {
      // nothing of the group was acknowledged (the append failed or never ran): the senders retry
      for (const a of group) a.reject(err);
    }
  }

  /** Hands a record to the engine's writer; retried until it is stored. */
  private write(seq: number, rows: EventRow[], checked: boolean): void {
    this.buffer.submit(rows, { checked, seq }).then(
      () => this.written(seq),
      (err) => {
        if (this.closed) {
          // shutting down: the log keeps the record, the next start writes it
          this.options.log?.(`an acknowledged batch could not be written (${rows.length} events); it stays in the write-ahead log`, err);
          this.abandoned.add(seq);
          this.wake();
          return;
        }
        this.options.log?.(`writing an acknowledged batch failed (${rows.length} events); retrying`, err);
        // part of it may have landed: the retry asks the store which rows it holds
        setTimeout(() => this.write(seq, rows, false), this.options.retryMs ?? 1000).unref();
      },
    );
  }

  private written(seq: number): void {
    const rows = this.unwritten.get(seq);
    if (!rows) return;
    this.unwritten.delete(seq);
    this.unwrittenRows -= rows.length;
    this.removals.push(rows);
    this.releaseDue = true;
    this.kick();
    this.wake();
  }

  private wake(): void {
    const below = this.writtenBelow();
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (w.seq < below ? w.resolve() : still.push(w));
    this.waiters = still;
  }
}
