/**
 * Google Analytics 4: reads traffic per day and session campaign/source/medium through the Data API's runReport,
 * and sends workflow conversions to the Measurement Protocol.
 *
 * Reading (object `traffic_day`). One report, `POST {dataApi}/v1beta/properties/{property_id}:runReport`
 * with an OAuth Bearer token, dimensions date × sessionCampaignName × sessionSource × sessionMedium, metrics
 * sessions, totalUsers, keyEvents, ordered by those dimensions so offset paging is stable; pages of `page_size`
 * rows (default 10,000; the API returns at most 250,000) until offset reaches rowCount. Each row becomes a
 * record `date|campaign|source|medium` (date YYYY-MM-DD, the property's reporting day) with its figures as
 * fields. GA4 keeps processing a day's data for 48–72 hours, so each run re-reads from `lookback_days` (default
 * 3) before the day of its cursor to today: the settled figures replace the early ones. GA4 does not say when a
 * figure last changed, so a row's modified_at is the moment it was read — the latest read wins under the sync's
 * last-modified rule, and the cursor (the largest modified_at) is the last read's day. A first run reads
 * `initial_days` (default 30) days. Credentials: `access_token`, and to renew it when it expires (an hour), the
 * OAuth client's `client_id` and `client_secret` with the `refresh_token` (a 401 renews it once, saved encrypted for
 * the next runs; a refused refresh stops the run). Quota errors (429 RESOURCE_EXHAUSTED) are the runner's fetch's to ride out
 * with backoff; any other error answer stops the run with Google's message.
 *
 * The two hosts (Google's by default) come from the installation's configuration (FLOWLENS_GA4_DATA_API_URL,
 * FLOWLENS_GA4_MEASUREMENT_URL, FLOWLENS_GA4_OAUTH_URL; tests point them at a local fake), never from an integration's: an account's admin
 * cannot send its tokens elsewhere.
 *
 * Which traffic is a workflow's (the unified report reads this): a session campaign (utm_campaign) equal to the
 * workflow id, or one that the integration's `campaign_map` config (JSON {"campaign name": "workflow id"})
 * assigns to it.
 *
 * Pushing. Each conversion (a workflow's goal reached) becomes an event `conversion_event` (default
 * `workflow_conversion`) with params workflow_id, execution_id, goal_id, value and currency, sent as the contact
 * (client_id and user_id = the contact id the engine sent) to `POST {measurement}/mp/collect?measurement_id=&api_secret=`,
 * at most 25 events per request, each with its own timestamp_micros. The Measurement Protocol answers 2xx even
 * for events it drops, so `mp_mode` (default `validate_then_send`) first sends each request to
 * /debug/mp/collect and rejects the events its validationMessages name (the reasons are the messages, e.g. a
 * parameter value over 100 characters); `validate_only` stops there (setting up: nothing is recorded in GA4);
 * `send` skips validation. What is known without asking (an event name GA4 refuses, an event older than 72
 * hours, no contact) is rejected before sending.
 */
import type { ChangePage, Connector, ConnectorContext, ExternalObject, ExternalRecord, OutboundConversion } from './connector.js';
import { eventNameProblem, MP_MAX_AGE_MS, MP_MAX_EVENTS } from './ga4-rules.js';
import { addDays, localDate } from '../time/calendar.js';

/** Where the connector sends its requests: the Data API's host, the Measurement Protocol's, Google's OAuth server. */
export interface Ga4Urls {
  dataApi: string;
  measurement: string;
  oauth: string;
}
export const GA4_URLS: Ga4Urls = { dataApi: 'https://analyticsdata.googleapis.com', measurement: 'https://www.google-analytics.com', oauth: 'https://oauth2.googleapis.com' };
export const GA4_DIMENSIONS = ['date', 'sessionCampaignName', 'sessionSource', 'sessionMedium'] as const;
export const GA4_METRICS = ['sessions', 'totalUsers', 'keyEvents'] as const;
/** The record fields of the metrics, in GA4_METRICS order. */
const METRIC_FIELDS = ['sessions', 'total_users', 'key_events'] as const;
const MAX_PAGE = 250_000;

/** An error answer of a Google API (its `error.status`, e.g. INVALID_ARGUMENT, with the HTTP status). */
export class GoogleApiError extends Error {
  constructor(readonly httpStatus: number, readonly status: string, message: string) {
    super(`Google Analytics answered ${httpStatus} ${status}: ${message}`);
    this.name = 'GoogleApiError';
  }
}

async function googleError(res: Response): Promise<GoogleApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { status?: string; message?: string } };
    return new GoogleApiError(res.status, body.error?.status ?? 'UNKNOWN', body.error?.message ?? text.slice(0, 300));
  } catch {
    return new GoogleApiError(res.status, 'UNKNOWN', text.slice(0, 300));
  }
}

const base = (url: string) => url.replace(/\/+$/, '');

function positive(value: string | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`GA4 config ${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** The report's first day: `lookback_days` before the cursor's day, or `initial_days` back on a first run. */
export function firstDay(config: Record<string, string>, since: string | null, now: Date): string {
  const today = localDate(now, 'UTC');
  if (since === null) return addDays(today, -(positive(config.initial_days, 30, 3650, 'initial_days') - 1));
  const day = localDate(new Date(since), 'UTC');
  return addDays(day < today ? day : today, -positive(config.lookback_days, 3, 30, 'lookback_days'));
}

interface Page {
  start: string;
  offset: number;
}

// A run's pages share one date range (the first page's), so offsets stay meaningful across them.
const pageToken = (p: Page) => `${p.start}|${p.offset}`;
function readToken(token: string): Page {
  const [start, offset] = token.split('|');
  return { start: start!, offset: Number(offset) };
}

interface RunReportResponse {
  rows?: { dimensionValues: { value: string }[]; metricValues: { value: string }[] }[];
  rowCount?: number;
}

/** GA4 reports `date` as YYYYMMDD. */
const isoDay = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

/**
 * A new access token from the refresh token (Google's "Refreshing an access token (offline access)": POST
 * {oauth}/token, form-encoded client_id, client_secret, refresh_token, grant_type=refresh_token), saved encrypted
 * for the next runs. A refusal (invalid_grant: revoked or expired; invalid_client) stops the run: reconnect.
 */
async function refreshAccessToken(oauth: string, ctx: ConnectorContext): Promise<string> {
  const { refresh_token, client_id, client_secret } = ctx.credentials;
  const res = await ctx.fetch(`${base(oauth)}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: client_id!, client_secret: client_secret!, refresh_token: refresh_token!, grant_type: 'refresh_token' }).toString(),
    signal: ctx.signal,
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new GoogleApiError(res.status, body.error ?? 'UNKNOWN', `token refresh refused: ${body.error_description ?? 'no access_token'}`);
  await ctx.saveCredentials({ ...ctx.credentials, access_token: body.access_token });
  return body.access_token;
}

const canRefresh = (c: Record<string, string>) => Boolean(c.refresh_token && c.client_id && c.client_secret);

async function trafficPage(urls: Ga4Urls, ctx: ConnectorContext, since: string | null, token: string | null): Promise<ChangePage> {
  const now = new Date();
  const page = token ? readToken(token) : { start: firstDay(ctx.config, since, now), offset: 0 };
  const limit = positive(ctx.config.page_size, 10_000, MAX_PAGE, 'page_size');
  const property = ctx.config.property_id ?? '';
  if (!/^[0-9]+$/.test(property)) throw new Error('GA4 config property_id must be the numeric property id');
  const report = (accessToken: string) => ctx.fetch(`${base(urls.dataApi)}/v1beta/properties/${property}:runReport`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      dateRanges: [{ startDate: page.start, endDate: 'today' }],
      dimensions: GA4_DIMENSIONS.map((name) => ({ name })),
      metrics: GA4_METRICS.map((name) => ({ name })),
      orderBys: GA4_DIMENSIONS.map((dimensionName) => ({ dimension: { dimensionName } })),
      limit: String(limit),
      offset: String(page.offset),
    }),
    signal: ctx.signal,
  });
  let res = await report(ctx.credentials.access_token ?? '');
  // an access token lives an hour: with a refresh token, an expired one is renewed once and the page asked again
  if (res.status === 401 && canRefresh(ctx.credentials)) {
    await res.arrayBuffer();
    res = await report(await refreshAccessToken(urls.oauth, ctx));
  }
  if (!res.ok) throw await googleError(res);
  const body = (await res.json()) as RunReportResponse;
  const rows = body.rows ?? [];
  const read = now.toISOString();
  const records = rows.map((r): ExternalRecord => {
    const [date, campaign, source, medium] = r.dimensionValues.map((d) => d.value) as [string, string, string, string];
    const fields: Record<string, string> = { date: isoDay(date), campaign, source, medium };
    METRIC_FIELDS.forEach((f, i) => (fields[f] = r.metricValues[i]?.value ?? '0'));
    return { object: 'traffic_day', external_id: `${fields.date}|${campaign}|${source}|${medium}`, modified_at: read, contact_key: null, fields };
  });
  const next = page.offset + rows.length;
  return { records, next: rows.length > 0 && next < (body.rowCount ?? 0) ? pageToken({ start: page.start, offset: next }) : null };
}

/**
 * The session campaigns (utm_campaign values) whose GA4 traffic is a workflow's: its id, and every campaign
 * the integration's `campaign_map` assigns to it.
 */
export function campaignsOf(config: Record<string, string>, workflowId: string): string[] {
  const out = new Set([workflowId]);
  for (const [campaign, wf] of Object.entries(campaignMap(config))) if (wf === workflowId) out.add(campaign);
  return [...out];
}

/** The `campaign_map` config: {"campaign name": "workflow id"}; a malformed one is refused. */
export function campaignMap(config: Record<string, string>): Record<string, string> {
  if (!config.campaign_map) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.campaign_map);
  } catch {
    throw new Error('GA4 config campaign_map must be a JSON object {"campaign name": "workflow id"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error('GA4 config campaign_map must be a JSON object {"campaign name": "workflow id"}');
  }
  return parsed as Record<string, string>;
}

// ---- Measurement Protocol ----

export const MP_MODES = ['validate_then_send', 'validate_only', 'send'] as const;
type MpMode = (typeof MP_MODES)[number];

interface MpEvent {
  name: string;
  timestamp_micros: number;
  params: Record<string, string | number>;
}

interface ValidationMessage {
  fieldPath?: string;
  description?: string;
  validationCode?: string;
}

/** The event a conversion becomes, or why GA4 would drop it. */
function eventOf(c: OutboundConversion, name: string, now: number): MpEvent | string {
  const at = Date.parse(c.occurred_at);
  if (!c.contact_id) return 'no contact_id: the Measurement Protocol needs a client_id';
  if (!Number.isFinite(at)) return `occurred_at "${c.occurred_at}" is not a time`;
  if (at > now) return 'occurred_at is in the future';
  if (now - at > MP_MAX_AGE_MS) return 'older than 72 hours: the Measurement Protocol backdates events at most 3 days';
  const params: Record<string, string | number> = { workflow_id: c.workflow_id, execution_id: c.execution_id, goal_id: c.goal_id };
  if (c.value !== undefined && c.value !== null) params.value = c.value;
  if (c.currency) params.currency = c.currency;
  return { name, timestamp_micros: at * 1000, params };
}

/** Requests of at most 25 events, one contact each (client_id and user_id are per request). */
function requestsOf(events: { c: OutboundConversion; e: MpEvent }[]) {
  const byContact = new Map<string, { c: OutboundConversion; e: MpEvent }[]>();
  for (const x of events) byContact.set(x.c.contact_id, [...(byContact.get(x.c.contact_id) ?? []), x]);
  const out: { contact: string; items: { c: OutboundConversion; e: MpEvent }[] }[] = [];
  for (const [contact, items] of byContact) {
    for (let i = 0; i < items.length; i += MP_MAX_EVENTS) out.push({ contact, items: items.slice(i, i + MP_MAX_EVENTS) });
  }
  return out;
}

async function pushConversions(measurement: string, ctx: ConnectorContext, conversions: OutboundConversion[]) {
  const rejected: { execution_id: string; reason: string }[] = [];
  const rejectAll = (reason: string) => ({ accepted: 0, rejected: conversions.map((c) => ({ execution_id: c.execution_id, reason })) });
  const measurementId = ctx.config.measurement_id;
  const secret = ctx.credentials.api_secret;
  if (!measurementId || !secret) return rejectAll('GA4 push needs config measurement_id and credential api_secret');
  const mode = (ctx.config.mp_mode ?? 'validate_then_send') as MpMode;
  if (!MP_MODES.includes(mode)) return rejectAll(`GA4 config mp_mode must be one of ${MP_MODES.join(', ')}`);
  const name = ctx.config.conversion_event ?? 'workflow_conversion';
  const nameProblem = eventNameProblem(name);
  if (nameProblem) return rejectAll(nameProblem);

  const now = Date.now();
  const valid: { c: OutboundConversion; e: MpEvent }[] = [];
  for (const c of conversions) {
    const e = eventOf(c, name, now);
    if (typeof e === 'string') rejected.push({ execution_id: c.execution_id, reason: e });
    else valid.push({ c, e });
  }
  const host = base(measurement);
  const query = `measurement_id=${encodeURIComponent(measurementId)}&api_secret=${encodeURIComponent(secret)}`;
  const post = (path: string, contact: string, events: MpEvent[]) =>
    ctx.fetch(`${host}${path}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: contact, user_id: contact, timestamp_micros: Math.min(...events.map((e) => e.timestamp_micros)), events }),
      signal: ctx.signal,
    });
  let accepted = 0;
  for (const { contact, items } of requestsOf(valid)) {
    let sending = items;
    if (mode !== 'send') {
      const res = await post('/debug/mp/collect', contact, items.map((x) => x.e));
      if (!res.ok) throw new Error(`Measurement Protocol validation server answered ${res.status}`);
      const messages = ((await res.json()) as { validationMessages?: ValidationMessage[] }).validationMessages ?? [];
      const bad = refusedBy(messages, items.length);
      for (const [i, reason] of bad) rejected.push({ execution_id: items[i]!.c.execution_id, reason });
      sending = items.filter((_, i) => !bad.has(i));
    }
    if (mode === 'validate_only') {
      accepted += sending.length;
      continue;
    }
    if (sending.length === 0) continue;
    const res = await post('/mp/collect', contact, sending.map((x) => x.e));
    if (!res.ok) throw new Error(`Measurement Protocol answered ${res.status}`);
    accepted += sending.length;
  }
  return { accepted, rejected };
}

/**
 * The events of a request that validation messages refuse, with the messages: a message naming an event
 * ("Event at index: [i]", or a fieldPath events[i]...) refuses that event; any other refuses the request.
 */
export function refusedBy(messages: ValidationMessage[], count: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of messages) {
    const text = `${m.validationCode ?? 'INVALID'}: ${m.description ?? ''} (${m.fieldPath ?? ''})`;
    const at = /index: \[(\d+)\]/.exec(m.description ?? '') ?? /^events\[(\d+)\]/.exec(m.fieldPath ?? '');
    const targets = at ? [Number(at[1])] : Array.from({ length: count }, (_, i) => i);
    for (const i of targets.filter((t) => t < count)) out.set(i, out.has(i) ? `${out.get(i)}; ${text}` : text);
  }
  return out;
}

/** The GA4 connector, talking to `urls` (Google's hosts unless the installation configures others). */
export function ga4Connector(urls: Ga4Urls = GA4_URLS): Connector {
  return {
    kind: 'ga4',
    objects: ['traffic_day'],
    requiredConfig: ['property_id'],
    requiredCredentials: ['access_token'],
    async changes(ctx: ConnectorContext, object: ExternalObject, since: string | null, page: string | null): Promise<ChangePage> {
      if (object !== 'traffic_day') throw new Error(`GA4 has no ${object} records`);
      return trafficPage(urls, ctx, since, page);
    },
    push: (ctx, conversions) => pushConversions(urls.measurement, ctx, conversions),
  };
}
