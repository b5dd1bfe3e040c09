/**
 * Where validated events go: what the events route, the privacy and refresh jobs and the readers need of
 * ingestion, whichever way it acknowledges — once the rows are in the store (IngestBuffer, FLOWLENS_INGEST_ACK=stored)
 * or once they are in the write-ahead log (JournaledIntake, FLOWLENS_INGEST_ACK=journal).
 */
import type { RetentionHorizons } from '../store/retention.js';
import type { EventRow } from './validate.js';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Of the accepted, those older than the raw window: counted in the daily and monthly aggregates only. */
  aggregatedOnly: number;
}

export interface EventIntake {
  /** Resolves once the rows are durable (or recognised as duplicates). */
  submit(rows: EventRow[]): Promise<IngestResult>;
  /** Where the retention windows begin now. */
  horizons(): RetentionHorizons;
  /** Events received and not yet in the store. */
  readonly pendingRows: number;
  /** Whether a submission now would be refused as saturated (checked before a request's body is read). */
  saturated(): boolean;
  /** Resolves once every event of the account (of every account when none is named) acknowledged before the call is in the store. */
  ingested(account?: string): Promise<void>;
  /** Runs `fn` once everything acknowledged before is stored, while no batch is written. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Stops taking events and writes everything acknowledged. */
  drain(): Promise<void>;
}

/** A submission waiting in an intake's queue. */
export interface Submission {
  rows: EventRow[];
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Takes submissions from the head of `queue`, whole, up to `maxRows` rows (at least one, however large): the group
 * admitted or written at once. Returns them with their row count.
 */
export function takeUpTo<T extends Submission>(queue: T[], maxRows: number): { taken: T[]; rows: number } {
  const taken: T[] = [];
  let rows = 0;
  while (queue.length > 0 && (taken.length === 0 || rows + queue[0]!.rows.length <= maxRows)) {
    const next = queue.shift()!;
    taken.push(next);
    rows += next.rows.length;
  }
  return { taken, rows };
}

/**
 * Answers each submission of a group whose rows (in order, all submissions together) are flagged `duplicate` and,
 * among the others, `aggregatedOnly` (older than the raw window).
 */
export function answerEach(group: Submission[], duplicate: readonly boolean[], aggregatedOnly: (row: EventRow, i: number) => boolean): void {
  let offset = 0;
  for (const s of group) {
    let duplicates = 0;
    let old = 0;
    for (let i = 0; i < s.rows.length; i++) {
      if (duplicate[offset + i]) duplicates++;
      else if (aggregatedOnly(s.rows[i]!, offset + i)) old++;
    }
    offset += s.rows.length;
    s.resolve({ accepted: s.rows.length - duplicates, duplicates, aggregatedOnly: old });
  }
}
