/**
 * A local stand-in for Google Analytics 4 — one HTTP server playing both hosts the GA4 connector talks to:
 * the Data API (analyticsdata.googleapis.com) and the Measurement Protocol (www.google-analytics.com). Every
 * request is checked against the shapes Google documents and refused the way Google refuses it; tests point
 * the connector at it (ga4Connector({ dataApi, measurement }), as FLOWLENS_GA4_DATA_API_URL and
 * FLOWLENS_GA4_MEASUREMENT_URL do for an installation).
 *
 * Documentation followed (developers.google.com / support.google.com):
 * - Data API, runReport: https://developers.google.com/analytics/devguides/reporting/data/v1/rest/v1beta/properties/runReport
 *   (POST /v1beta/properties/{property}:runReport, OAuth Bearer) and its request message, RunReportRequest
 *   (https://cloud.google.com/php/docs/reference/analytics-data/latest/V1beta.RunReportRequest: dateRanges,
 *   dimensions, metrics, limit, offset, orderBys; limit positive, at most 250,000 rows returned, 10,000 by default).
 * - RunReportResponse: https://developers.google.com/analytics/devguides/reporting/data/v1/rest/v1beta/RunReportResponse
 *   (dimensionHeaders, metricHeaders, rows[].dimensionValues/metricValues as strings, rowCount independent of
 *   limit and offset; proto3 JSON leaves out empty rows and a zero rowCount).
 * - Pagination and dates: https://developers.google.com/analytics/devguides/reporting/data/v1/basics (date as
 *   YYYYMMDD; startDate/endDate YYYY-MM-DD, today, yesterday or NdaysAgo).
 * - Quotas: https://developers.google.com/analytics/devguides/reporting/data/v1/quotas and PropertyQuota
 *   (https://developers.google.com/analytics/devguides/reporting/data/v1/rest/v1beta/PropertyQuota): an exhausted
 *   quota answers 429 with the Google API error body {"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED"}}.
 *   Other errors use the same body (https://cloud.google.com/apis/design/errors): 400 INVALID_ARGUMENT,
 *   401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND.
 * - Measurement Protocol reference: https://developers.google.com/analytics/devguides/collection/protocol/ga4/reference
 *   (POST /mp/collect?measurement_id=&api_secret=, JSON body client_id, user_id, timestamp_micros, events[{name,
 *   params}]; always a 2xx, even for a payload it drops; events backdated at most 3 days) and
 *   https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events (POST only; at most 25
 *   events per request, 25 params per event).
 * - Validation server: https://developers.google.com/analytics/devguides/collection/protocol/ga4/validating-events
 *   (/debug/mp/collect answers {"validationMessages":[{fieldPath, description, validationCode}]}, codes
 *   VALUE_INVALID, VALUE_REQUIRED, NAME_INVALID, NAME_RESERVED, VALUE_OUT_OF_BOUNDS, EXCEEDED_MAX_ENTITIES; events
 *   sent there are never recorded).
 * - OAuth: https://developers.google.com/identity/protocols/oauth2/web-server#offline ("Refreshing an access token
 *   (offline access)": POST https://oauth2.googleapis.com/token, form-encoded client_id, client_secret, refresh_token,
 *   grant_type=refresh_token → {access_token, expires_in, scope, token_type: "Bearer"}; a revoked or expired refresh
 *   token → 400 {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}; an unknown
 *   client → 401 invalid_client).
 * - Event naming rules: https://support.google.com/analytics/answer/13316687 and collection limits
 *   https://support.google.com/analytics/answer/9267744 (names start with a letter, letters/digits/underscores,
 *   at most 40 characters; reserved names and the prefixes _, firebase_, ga_, google_, gtag.; param values at most
 *   100 characters).
 *
 * The fake's rule lists are its own, written from those pages — not imported from src/integrations/ga4-rules.ts,
 * so a mistake there is caught here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TrafficRow {
  date: string; // YYYY-MM-DD
  campaign: string;
  source: string;
  medium: string;
  sessions: number;
  totalUsers: number;
  keyEvents: number;
}

export interface CollectedEvent {
  measurement_id: string;
  client_id: string;
  user_id: string | undefined;
  name: string;
  params: Record<string, unknown>;
  timestamp_micros: number | undefined;
}

interface ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: string;
}

const DIMENSIONS: Record<string, (r: TrafficRow) => string> = {
  date: (r) => r.date.replaceAll('-', ''),
  sessionCampaignName: (r) => r.campaign,
  sessionSource: (r) => r.source,
  sessionMedium: (r) => r.medium,
};
const METRICS: Record<string, (r: TrafficRow) => number> = {
  sessions: (r) => r.sessions,
  totalUsers: (r) => r.totalUsers,
  keyEvents: (r) => r.keyEvents,
};
const REQUEST_FIELDS = new Set(['property', 'dimensions', 'metrics', 'dateRanges', 'dimensionFilter', 'metricFilter', 'offset', 'limit', 'metricAggregations', 'orderBys', 'currencyCode', 'cohortSpec', 'keepEmptyRows', 'returnPropertyQuota', 'comparisons']);
const MAX_ROWS = 250_000;
const DEFAULT_LIMIT = 10_000;

const RESERVED_EVENT_NAMES = new Set([
  'ad_activeview', 'ad_click', 'ad_exposure', 'ad_impression', 'ad_query', 'ad_reward', 'adunit_exposure', 'app_background', 'app_clear_data',
  'app_exception', 'app_install', 'app_remove', 'app_store_refund', 'app_store_subscription_cancel', 'app_store_subscription_convert',
  'app_store_subscription_renew', 'app_update', 'app_upgrade', 'dynamic_link_app_open', 'dynamic_link_app_update', 'dynamic_link_first_open',
  'error', 'first_open', 'first_visit', 'in_app_purchase', 'notification_dismiss', 'notification_foreground', 'notification_open',
  'notification_receive', 'os_update', 'session_start', 'session_start_with_rollout', 'user_engagement',
]);
const RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const googleError = (code: number, status: string, message: string) => ({ error: { code, message, status } });

export class Ga4Fake {
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = '';
  /** Valid OAuth access tokens. */
  readonly tokens = new Set<string>();
  /** OAuth clients (client_id → client_secret) and the refresh tokens they hold. */
  readonly oauthClients = new Map<string, string>();
  readonly refreshTokens = new Set<string>();
  /** Access tokens the OAuth server issued. */
  readonly issued: string[] = [];
  /** Traffic per property id. */
  private readonly traffic = new Map<string, TrafficRow[]>();
  /** Measurement Protocol streams: measurement_id → api_secret. */
  readonly streams = new Map<string, string>();
  /** Events /mp/collect recorded (valid requests with a known stream and secret). */
  readonly collected: CollectedEvent[] = [];
  /** Requests /mp/collect answered 2xx but dropped, with why (Google says nothing; tests can). */
  readonly dropped: string[] = [];
  /** Every request: method, path (without query), status answered. */
  readonly requests: { method: string; path: string; status: number; body: unknown }[] = [];
  /** Answers the fake refused with an error status, with Google's message. */
  readonly refusals: { path: string; status: number; message: string }[] = [];
  private quota: { after: number; times: number } | null = null;
  private reports = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The property's traffic (replacing what it had: data changes between runs). */
  setTraffic(property: string, rows: TrafficRow[]): void {
    this.traffic.set(property, rows);
  }

  /** After `after` more runReport answers, the next `times` are 429 RESOURCE_EXHAUSTED (a quota hit halfway). */
  exhaustQuotaAfter(after: number, times = 1): void {
    this.quota = { after: this.reports + after, times };
  }

  private send(res: http.ServerResponse, path: string, status: number, body: unknown, method: string, reqBody: unknown) {
    this.requests.push({ method, path, status, body: reqBody });
    if (status >= 400) this.refusals.push({ path, status, message: (body as { error?: { message?: string } })?.error?.message ?? JSON.stringify(body) });
    if (body === null) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = Symbol.for('invalid-json');
    }
    const answer = (status: number, out: unknown) => this.send(res, url.pathname, status, out, method, body);
    const report = /^\/v1beta\/properties\/([^/:]+):runReport$/.exec(url.pathname);
    if (report) return this.runReport(method, req.headers, report[1]!, body, answer);
    if (url.pathname === '/mp/collect' || url.pathname === '/debug/mp/collect') return this.collect(method, url, body, url.pathname.startsWith('/debug'), answer);
    if (url.pathname === '/token') return this.token(method, req.headers, text, answer);
    answer(404, googleError(404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`));
  }

  // ---- Data API ----

  private runReport(method: string, headers: http.IncomingHttpHeaders, property: string, body: unknown, answer: (s: number, b: unknown) => void): void {
    if (method !== 'POST') return answer(404, googleError(404, 'NOT_FOUND', `The requested URL was not found on this server (${method} is not runReport's method, POST is).`));
    const auth = headers.authorization;
    if (!auth) return answer(401, googleError(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.'));
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!token || !this.tokens.has(token)) return answer(401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'));
    const bad = (message: string) => answer(400, googleError(400, 'INVALID_ARGUMENT', message));
    if (!/application\/json/.test(headers['content-type'] ?? '')) return bad('Invalid JSON payload received. The request body must be JSON (Content-Type: application/json).');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad('Invalid JSON payload received. Expected an object.');
    const b = body as Record<string, unknown>;
    const unknown = Object.keys(b).find((k) => !REQUEST_FIELDS.has(k));
    if (unknown) return bad(`Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
    if (!/^[0-9]+$/.test(property)) return bad(`Invalid property ID: ${property}. A numeric Property ID is required.`);
    const rows = this.traffic.get(property);
    if (!rows) return answer(403, googleError(403, 'PERMISSION_DENIED', 'User does not have sufficient permissions for this property. To learn more about Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.'));

    const ranges = b.dateRanges;
    if (!Array.isArray(ranges) || ranges.length === 0) return bad('Must specify at least one date range (dateRanges).');
    if (ranges.length > 4) return bad('Requests are limited to 4 dateRanges.');
    const resolved: [string, string][] = [];
    for (const r of ranges as Record<string, unknown>[]) {
      const start = resolveDate(r?.startDate);
      const end = resolveDate(r?.endDate);
      if (!start || !end) return bad(`Invalid dateRange: startDate and endDate must be YYYY-MM-DD, today, yesterday or NdaysAgo (got ${JSON.stringify(r)}).`);
      if (start > end) return bad(`Invalid dateRange: startDate ${start} is after endDate ${end}.`);
      resolved.push([start, end]);
    }
    const names = (list: unknown, what: string, known: Record<string, unknown>, max: number): string[] | string => {
      if (list === undefined) return [];
      if (!Array.isArray(list)) return `${what} must be a list.`;
      if (list.length > max) return `Requests are limited to ${max} ${what}.`;
      const out: string[] = [];
      for (const d of list as { name?: unknown }[]) {
        if (typeof d?.name !== 'string' || !(d.name in known)) return `Field ${String(d?.name)} is not a valid ${what.slice(0, -1)}. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema`;
        if (out.includes(d.name)) return `Duplicate ${what.slice(0, -1)} ${d.name}.`;
        out.push(d.name);
      }
      return out;
    };
    const dims = names(b.dimensions, 'dimensions', DIMENSIONS, 9);
    if (typeof dims === 'string') return bad(dims);
    const mets = names(b.metrics, 'metrics', METRICS, 10);
    if (typeof mets === 'string') return bad(mets);
    if (mets.length === 0) return bad('A report must request at least one metric.');
    const limit = int64(b.limit, DEFAULT_LIMIT);
    const offset = int64(b.offset, 0);
    if (limit === null || limit <= 0) return bad('limit must be positive.');
    if (offset === null || offset < 0) return bad('offset must be non-negative.');
    const orderBys = b.orderBys ?? [];
    if (!Array.isArray(orderBys)) return bad('orderBys must be a list.');
    const order: string[] = [];
    for (const o of orderBys as { dimension?: { dimensionName?: unknown } }[]) {
      const name = o?.dimension?.dimensionName;
      if (typeof name !== 'string' || !dims.includes(name)) return bad(`orderBys: dimension ${String(name)} is not one of the request's dimensions.`);
      order.push(name);
    }

    if (this.quota && this.reports >= this.quota.after && this.quota.times > 0) {
      this.quota.times--;
      return answer(429, googleError(429, 'RESOURCE_EXHAUSTED', 'Exhausted property tokens per hour for this property. To learn more, see https://developers.google.com/analytics/devguides/reporting/data/v1/quotas'));
    }
    this.reports++;

    // one range here (the connector asks one): rows whose date lies in any range, summed by the dimensions asked
    const sums = new Map<string, { dims: string[]; mets: number[] }>();
    for (const r of rows.filter((x) => resolved.some(([s, e]) => x.date >= s && x.date <= e))) {
      const key = dims.map((d) => DIMENSIONS[d]!(r));
      const k = JSON.stringify(key);
      const cur = sums.get(k) ?? { dims: key, mets: mets.map(() => 0) };
      mets.forEach((m, i) => (cur.mets[i]! += METRICS[m]!(r)));
      sums.set(k, cur);
    }
    const all = [...sums.values()];
    all.sort((x, y) => {
      for (const name of order) {
        const i = dims.indexOf(name);
        const c = x.dims[i]! < y.dims[i]! ? -1 : x.dims[i]! > y.dims[i]! ? 1 : 0;
        if (c !== 0) return c;
      }
      return 0;
    });
    const page = all.slice(offset, offset + Math.min(limit, MAX_ROWS));
    answer(200, {
      dimensionHeaders: dims.map((name) => ({ name })),
      metricHeaders: mets.map((name) => ({ name, type: 'TYPE_INTEGER' })),
      ...(page.length > 0 ? { rows: page.map((r) => ({ dimensionValues: r.dims.map((value) => ({ value })), metricValues: r.mets.map((v) => ({ value: String(v) })) })) } : {}),
      ...(all.length > 0 ? { rowCount: all.length } : {}),
      metadata: { currencyCode: 'USD', timeZone: 'Etc/UTC' },
      kind: 'analyticsData#runReport',
    });
  }

  // ---- OAuth token endpoint ----

  private token(method: string, headers: http.IncomingHttpHeaders, text: string, answer: (s: number, b: unknown) => void): void {
    const oauthError = (status: number, error: string, description: string) => answer(status, { error, error_description: description });
    if (method !== 'POST') return oauthError(405, 'invalid_request', 'The token endpoint only takes POST.');
    if (!/application\/x-www-form-urlencoded/.test(headers['content-type'] ?? '')) return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
    const form = new URLSearchParams(text);
    if (form.get('grant_type') !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type') ?? ''}`);
    const client = form.get('client_id') ?? '';
    if (!this.oauthClients.has(client) || this.oauthClients.get(client) !== form.get('client_secret')) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (!this.refreshTokens.has(form.get('refresh_token') ?? '')) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    const access = `ya29.fake-${this.issued.length + 1}`;
    this.issued.push(access);
    this.tokens.add(access);
    answer(200, { access_token: access, expires_in: 3599, scope: 'https://www.googleapis.com/auth/analytics.readonly', token_type: 'Bearer' });
  }

  // ---- Measurement Protocol ----

  private collect(method: string, url: URL, body: unknown, debug: boolean, answer: (s: number, b: unknown) => void): void {
    if (method !== 'POST') return answer(405, googleError(405, 'METHOD_NOT_ALLOWED', 'The Measurement Protocol only supports HTTP POST requests.'));
    const messages = validate(body);
    if (debug) return answer(200, { validationMessages: messages });
    // /mp/collect: always a 2xx; the payload is recorded only when it is valid and its stream and secret known
    const measurementId = url.searchParams.get('measurement_id') ?? '';
    const secret = url.searchParams.get('api_secret');
    if (!this.streams.has(measurementId)) this.dropped.push(`unknown measurement_id ${measurementId}`);
    else if (this.streams.get(measurementId) !== secret) this.dropped.push('api_secret missing or wrong');
    else if (messages.length > 0) this.dropped.push(messages.map((m) => m.description).join('; '));
    else {
      const b = body as { client_id: string; user_id?: string; timestamp_micros?: number; events: { name: string; params?: Record<string, unknown>; timestamp_micros?: number }[] };
      for (const e of b.events) {
        this.collected.push({ measurement_id: measurementId, client_id: b.client_id, user_id: b.user_id, name: e.name, params: e.params ?? {}, timestamp_micros: e.timestamp_micros ?? b.timestamp_micros });
      }
    }
    answer(204, null);
  }
}

/** The validation server's messages for a Measurement Protocol body (empty when it is valid). */
function validate(body: unknown): ValidationMessage[] {
  const out: ValidationMessage[] = [];
  const msg = (fieldPath: string, validationCode: string, description: string) => out.push({ fieldPath, description, validationCode });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    msg('', 'VALUE_INVALID', 'Unable to parse Measurement Protocol JSON payload.');
    return out;
  }
  const b = body as Record<string, unknown>;
  if (typeof b.client_id !== 'string' || b.client_id === '') msg('client_id', 'VALUE_REQUIRED', 'Measurement requires a client_id.');
  if (b.user_id !== undefined && typeof b.user_id !== 'string') msg('user_id', 'VALUE_INVALID', 'user_id must be a string.');
  const now = Date.now() * 1000;
  const stamp = (v: unknown, path: string, prefix: string) => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) msg(path, 'VALUE_INVALID', `${prefix}timestamp_micros must be a number.`);
    else if (v > now + 60_000_000) msg(path, 'VALUE_OUT_OF_BOUNDS', `${prefix}timestamp_micros [${v}] is in the future.`);
    else if (now - v > 72 * 3_600_000_000) msg(path, 'VALUE_OUT_OF_BOUNDS', `${prefix}timestamp_micros [${v}] is more than 72 hours in the past.`);
  };
  stamp(b.timestamp_micros, 'timestamp_micros', '');
  if (!Array.isArray(b.events) || b.events.length === 0) {
    msg('events', 'VALUE_REQUIRED', 'Measurement requires at least one event.');
    return out;
  }
  if (b.events.length > 25) msg('events', 'EXCEEDED_MAX_ENTITIES', `A request may hold at most 25 events; it has ${b.events.length}.`);
  (b.events as Record<string, unknown>[]).forEach((e, i) => {
    const at = `Event at index: [${i}]`;
    const name = e?.name;
    if (typeof name !== 'string' || name === '') return msg('events', 'VALUE_REQUIRED', `${at} requires a name.`);
    if (name.length > 40) msg('events', 'VALUE_OUT_OF_BOUNDS', `${at} has name [${name}] longer than 40 characters.`);
    else if (!NAME.test(name)) msg('events', 'NAME_INVALID', `${at} has invalid name [${name}]. Names must start with an alphabetic character and contain only alphanumeric characters and underscores.`);
    else if (RESERVED_EVENT_NAMES.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) msg('events', 'NAME_RESERVED', `${at} has name [${name}] which is reserved.`);
    stamp(e.timestamp_micros, 'events', `${at} `);
    const params = e.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return msg('events', 'VALUE_INVALID', `${at} has params that are not an object.`);
    const entries = Object.entries(params as Record<string, unknown>);
    if (entries.length > 25) msg('events', 'EXCEEDED_MAX_ENTITIES', `${at} has ${entries.length} params; at most 25.`);
    for (const [k, v] of entries) {
      if (k.length > 40 || !NAME.test(k)) msg('events', 'NAME_INVALID', `${at} has invalid param [${k}].`);
      else if (RESERVED_PREFIXES.some((p) => k.startsWith(p))) msg('events', 'NAME_RESERVED', `${at} has param [${k}] which is reserved.`);
      if (typeof v === 'string' && v.length > 100) msg('events', 'VALUE_OUT_OF_BOUNDS', `${at} has param [${k}] whose value is longer than 100 characters.`);
    }
  });
  return out;
}

/** A Data API date (YYYY-MM-DD, today, yesterday, NdaysAgo) as YYYY-MM-DD in UTC, or null. */
function resolveDate(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  if (v === 'today') return day(0);
  if (v === 'yesterday') return day(1);
  const ago = /^([0-9]+)daysAgo$/.exec(v);
  if (ago) return day(Number(ago[1]));
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)) return v;
  return null;
}

/** A proto3 JSON int64: a number or a decimal string; `fallback` when absent, null when malformed. */
function int64(v: unknown, fallback: number): number | null {
  if (v === undefined) return fallback;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return Number(v);
  return null;
}
