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
