/**
 * Ingestion of one request: validate each event, queue the valid ones, answer with what was stored.
 */
import { TooLarge } from '../errors/domain-errors.js';
import type { EventIntake } from './intake.js';
import type { RawItem } from './parse-body.js';
import { validateEvent, type EventRow, type FieldError } from './validate.js';

export const MAX_EVENTS_PER_REQUEST = 50_000;
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  /** Of the accepted, those older than the raw window: counted in the daily and monthly aggregates, their detail not kept. */
  aggregated_only: number;
  rejected: Array<{ index: number; errors: FieldError[] }>;
}

export async function ingestItems(
  buffer: EventIntake,
  accountId: string,
  items: RawItem[],
  options: { retain?: boolean; pseudonymize?: ((contactId: string) => string) | null } = {},
): Promise<IngestResponse> {
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    throw new TooLarge(`A request may carry at most ${MAX_EVENTS_PER_REQUEST} events; this one has ${items.length}`);
  }
  const receivedAt = new Date();
  // older than the daily window, an event could be counted nowhere: rejected (unless imported with --retain)
  const oldest = options.retain ? null : buffer.horizons().daily;
  const rows: EventRow[] = [];
  const rejected: IngestResponse['rejected'] = [];
  items.forEach((item, index) => {
    if (!item.ok) {
      rejected.push({ index, errors: [{ path: '', message: item.message }] });
      return;
    }
    const v = validateEvent(item.value, accountId, receivedAt, { ...options, oldest });
    if (v.ok && options.pseudonymize && typeof v.row.contact_id === 'string' && v.row.contact_id !== '') {
      v.row.contact_id = options.pseudonymize(v.row.contact_id);
    }
    if (v.ok) rows.push(v.row);
    else rejected.push({ index, errors: v.errors });
  });
  const { accepted, duplicates, aggregatedOnly } = await buffer.submit(rows);
  return { accepted, duplicates, aggregated_only: aggregatedOnly, rejected };
}
