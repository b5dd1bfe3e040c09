/**
 * What every outside service (Google Analytics 4, HubSpot, Salesforce) offers Flowlens, in one shape: a connector
 * reads records changed since a cursor (paged, rate-limited, with backoff) and may push workflow conversions out.
 * The sync runner (sync.ts) owns the cursor, the idempotent upserts, conflict resolution and the run's report;
 * connectors only speak their service's documented protocol. Nothing here knows HTTP routes or ClickHouse.
 */

/** The services Flowlens connects to. */
export type IntegrationKind = 'ga4' | 'hubspot' | 'salesforce';

/** Which outside objects a sync brings in. `traffic_day` is one GA4 report row (a day × source/medium). */
export type ExternalObject = 'contact' | 'deal' | 'lead' | 'opportunity' | 'traffic_day';

/**
 * One outside record as Flowlens keeps it: the service's id, when the service last modified it (the cursor and
 * the conflict rule read this), how it links to Flowlens contacts (`contact_key`: the id or e-mail the workflow
 * engine sends as `contact_id`), and its fields as strings (per-field last-modified-wins needs `field_modified_at`
 * where the service reports it per property; otherwise the record's own time applies to every field).
 */
export interface ExternalRecord {
  object: ExternalObject;
  external_id: string;
  modified_at: string; // ISO-8601 UTC, as the service reported it
  contact_key: string | null;
  fields: Record<string, string>;
  field_modified_at?: Record<string, string>;
  /** Money the record carries (deal/opportunity amount), in `currency`; null when none. */
  amount?: number | null;
  currency?: string | null;
  /** When a deal/opportunity closed won (ISO UTC), null while open or lost. Attribution reads this. */
  closed_won_at?: string | null;
}

/**
 * The field of an ExternalRecord naming the records it is linked to (comma-separated external ids of the same
 * integration): a deal/opportunity its contacts/leads, or a contact/lead the deal it became (either side is enough).
 * CRM attribution (attribution.ts) follows these links from won deals to the people who enrolled in workflows.
 */
export const RELATED_FIELD = 'flowlens.related';

/** A page of changes and where the next one starts; `next` null when the service has no more. */
export interface ChangePage {
  records: ExternalRecord[];
  next: string | null;
}

/** What a connector is given for one run: its configuration, decrypted credentials, and the runner's services. */
export interface ConnectorContext {
  config: Record<string, string>;
  credentials: Record<string, string>;
  /** fetch with the runner's rate-limit handling (429/5xx retried with backoff, Retry-After honoured, counted). */
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** Saves refreshed credentials (an OAuth access token renewed mid-run), encrypted, for the next run. */
  saveCredentials: (next: Record<string, string>) => Promise<void>;
  signal: AbortSignal;
}

/** A workflow conversion sent out (GA4 event, HubSpot timeline event / contact property, ...). */
export interface OutboundConversion {
  workflow_id: string;
  execution_id: string;
  contact_id: string;
  goal_id: string;
  occurred_at: string; // ISO UTC
  value?: number | null;
  currency?: string | null;
}

export interface Connector {
  kind: IntegrationKind;
  /** The objects this connector reads, in the order a run reads them. */
  objects: readonly ExternalObject[];
  /** Non-secret configuration and credentials it needs, checked when an integration is created or changed. */
  requiredConfig: readonly string[];
  requiredCredentials: readonly string[];
  /**
   * Records of `object` modified at or after `since` (ISO UTC, null on the first run), one page per call;
   * `page` is the previous answer's `next`. Periods (GA4 traffic) read `since` as the first day to report.
   */
  changes(ctx: ConnectorContext, object: ExternalObject, since: string | null, page: string | null): Promise<ChangePage>;
  /** Sends conversions out; answers how many the service accepted. Absent when the service takes none. */
  push?(ctx: ConnectorContext, conversions: OutboundConversion[]): Promise<{ accepted: number; rejected: { execution_id: string; reason: string }[] }>;
}
