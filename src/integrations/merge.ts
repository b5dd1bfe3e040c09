/**
 * Conflict resolution for one outside record, per field, last modification wins:
 * - a field's time is its own modification time where the service reports one per property (HubSpot's property
 *   history, `field_modified_at`), else the record's `modified_at` (Salesforce's LastModifiedDate);
 * - a field present on both sides with different values keeps the value with the later time; on equal times the
 *   incoming value wins (the service's latest answer). When the stored value wins, the incoming value was stale
 *   (an older copy delivered late, a duplicate, or a field another write changed after the incoming one): that is
 *   counted as a conflict resolved;
 * - a field only on one side is kept (a service leaving a property out of a read does not erase it);
 * - the record's modified_at is the later of the two; contact key, amount, currency and closed-won time come with
 *   the side whose modified_at is later (incoming on a tie).
 * Pure: no I/O, tested on its own.
 */
import type { ExternalRecord } from './connector.js';
import type { StoredRecord } from './store.js';

export interface MergeResult {
  record: StoredRecord;
  /** 'inserted' (no stored row), 'updated' (something changed), 'unchanged' (the stored row already says this). */
  outcome: 'inserted' | 'updated' | 'unchanged';
  /** Fields whose stored value won over a different, older incoming value. */
  conflicts: string[];
}

const ms = (iso: string) => Date.parse(iso);

/** The incoming record in the stored shape (times normalised to RFC 3339 UTC with milliseconds). */
export function asStored(r: ExternalRecord): StoredRecord {
  const at = new Date(r.modified_at).toISOString();
  return {
    object: r.object,
    external_id: r.external_id,
    contact_key: r.contact_key ?? '',
    modified_at: at,
    fields: { ...r.fields },
    field_modified_at: Object.fromEntries(Object.entries(r.field_modified_at ?? {}).filter(([f]) => f in r.fields).map(([f, t]) => [f, new Date(t).toISOString()])),
    amount: r.amount ?? null,
    currency: r.currency ?? '',
    closed_won_at: r.closed_won_at ? new Date(r.closed_won_at).toISOString() : null,
  };
}

export function mergeRecord(stored: StoredRecord | undefined, incoming: StoredRecord): MergeResult {
  if (!stored) return { record: incoming, outcome: 'inserted', conflicts: [] };
  const fieldTime = (r: StoredRecord, f: string) => r.field_modified_at[f] ?? r.modified_at;
  const fields: Record<string, string> = {};
  const times: Record<string, string> = {};
  const conflicts: string[] = [];
  for (const f of new Set([...Object.keys(stored.fields), ...Object.keys(incoming.fields)])) {
    const inS = f in stored.fields;
    const inI = f in incoming.fields;
    let fromIncoming: boolean;
    if (!inS) fromIncoming = true;
    else if (!inI) fromIncoming = false;
    else if (stored.fields[f] === incoming.fields[f]) fromIncoming = ms(fieldTime(incoming, f)) >= ms(fieldTime(stored, f));
    else {
      fromIncoming = ms(fieldTime(incoming, f)) >= ms(fieldTime(stored, f));
      if (!fromIncoming) conflicts.push(f);
    }
    const side = fromIncoming ? incoming : stored;
    fields[f] = side.fields[f]!;
    times[f] = fieldTime(side, f);
  }
  const newer = ms(incoming.modified_at) >= ms(stored.modified_at) ? incoming : stored;
  const modified_at = newer.modified_at;
  // keep a per-field time only where it differs from the record's own (the rest read the record's time)
  const field_modified_at = Object.fromEntries(Object.entries(times).filter(([, t]) => ms(t) !== ms(modified_at)));
  const record: StoredRecord = {
    object: incoming.object, external_id: incoming.external_id, contact_key: newer.contact_key, modified_at, fields, field_modified_at,
    amount: newer.amount, currency: newer.currency, closed_won_at: newer.closed_won_at,
  };
  return { record, outcome: sameRecord(stored, record) ? 'unchanged' : 'updated', conflicts };
}

function sameMap(a: Record<string, string>, b: Record<string, string>, cmp: (x: string, y: string) => boolean): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && cmp(a[k]!, b[k]!));
}

/** The same stored content (times compared as instants). */
export function sameRecord(a: StoredRecord, b: StoredRecord): boolean {
  const sameTime = (x: string | null, y: string | null) => (x === null || y === null ? x === y : ms(x) === ms(y));
  return a.contact_key === b.contact_key && sameTime(a.modified_at, b.modified_at) && a.amount === b.amount && a.currency === b.currency
    && sameTime(a.closed_won_at, b.closed_won_at) && sameMap(a.fields, b.fields, (x, y) => x === y)
    && sameMap(a.field_modified_at, b.field_modified_at, (x, y) => ms(x) === ms(y));
}
