/**
 * A local HubSpot for tests: the CRM endpoints the connector uses, each request checked against HubSpot's documented
 * shapes, refused as HubSpot refuses it. Documentation followed:
 * - "Search the CRM" (developers.hubspot.com/docs/api-reference/…/crm/search-the-crm; guides/api/crm/search):
 *   POST /crm/v3/objects/{object}/search, body { filterGroups (≤5, each ≤6 filters, ≤18 in all; filters
 *   { propertyName, operator, value }), sorts (one), properties, limit (≤200), after }; answers { total, results:
 *   [{ id, properties, createdAt, updatedAt, archived }], paging?: { next: { after, link } } }; datetime filter values
 *   in epoch milliseconds; at most 10,000 results per query (paging beyond is a 400).
 * - "CRM objects — batch read" (api-reference/…/crm/objects/…/batch/read): POST /crm/v3/objects/{object}/batch/read,
 *   { properties, propertiesWithHistory, inputs: [{ id }] (≤100) }; history entries { value, timestamp, sourceType }.
 * - "Associations v4 — batch read" (api-reference/latest/crm/associations/associate-records/batch/get-associations):
 *   POST /crm/v4/associations/{from}/{to}/batch/read, { inputs: [{ id }] } → { status, results: [{ from: { id }, to:
 *   [{ toObjectId, associationTypes }] }] }.
 * - "CRM objects — batch update": POST /crm/v3/objects/contacts/batch/update, { inputs: [{ id, idProperty?,
 *   properties }] } (≤100, no id twice); 207 with errors { status, category: OBJECT_NOT_FOUND, message, context: { ids } }
 *   for contacts that do not exist; an unknown property is a 400 VALIDATION_ERROR.
 * - "API usage details / rate limits" (guides/apps/api-usage/usage-details): a 429 answers { status: "error", message:
 *   "You have reached your secondly limit.", errorType: "RATE_LIMIT", correlationId, policyName, requestId }.
 * - Authentication (private apps): `Authorization: Bearer <token>`; a missing or wrong token is a 401
 *   { status: "error", message, correlationId, category: "INVALID_AUTHENTICATION" }.
 * Test controls: records changed at chosen times (per property, kept as history), a stale copy served once by batch
 * read (an eventually consistent read), a hook before each request (to change records between pages), 429s (one
 * chosen request, or a storm: each request with a probability).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type HubObject = 'contacts' | 'deals';
interface HistoryEntry { value: string; timestamp: string; sourceType: string }
export interface HubRecord { id: string; createdAt: string; history: Record<string, HistoryEntry[]> }

const MODIFIED: Record<HubObject, string> = { contacts: 'lastmodifieddate', deals: 'hs_lastmodifieddate' };
const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);
const CONTACT_PROPERTIES = new Set(['email', 'firstname', 'lastname', 'lifecyclestage', 'lastmodifieddate', 'createdate', 'hs_object_id', 'flowlens_last_conversion', 'flowlens_last_workflow']);
const DEAL_PROPERTIES = new Set(['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'hs_is_closed_won', 'deal_currency_code', 'hs_lastmodifieddate', 'createdate', 'hs_object_id']);

export interface LoggedRequest { method: string; path: string; body: unknown; status: number }

class Refusal extends Error {
  constructor(readonly status: number, readonly body: Record<string, unknown>, readonly headers: Record<string, string> = {}) { super(String(body.message)); }
}
const correlationId = () => crypto.randomUUID();
const validation = (message: string) => new Refusal(400, { status: 'error', message, correlationId: correlationId(), category: 'VALIDATION_ERROR' });

export class HubSpotFake {
  readonly records: Record<HubObject, Map<string, HubRecord>> = { contacts: new Map(), deals: new Map() };
  readonly associations = new Map<string, string[]>(); // deal id → contact ids
  readonly requests: LoggedRequest[] = [];
  /** Requests (in order of arrival, counted from now) to answer 429 instead. */
  private rateLimited = new Set<number>();
  private stale = new Map<string, Record<string, HistoryEntry[]>>();
  private stormy: { p: number; random: () => number } | undefined;
  private server: http.Server | undefined;
  private nextId = 1000;
  /** Called before each request is answered (after its checks): change records between pages here. */
  beforeAnswer: ((req: LoggedRequest) => void) | undefined;
  url = '';

  constructor(readonly token: string, readonly searchCap = 10_000) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** Creates or changes a record: each property given is set at `at` (its history gains an entry), the last-modified too. */
  put(object: HubObject, id: string | null, properties: Record<string, string>, at: string): string {
    const recordId = id ?? String(this.nextId++);
    const rec = this.records[object].get(recordId) ?? { id: recordId, createdAt: at, history: {} };
    for (const [name, value] of Object.entries({ ...properties, [MODIFIED[object]]: at })) {
      (rec.history[name] ??= []).unshift({ value, timestamp: at, sourceType: 'CRM_UI' });
    }
    this.records[object].set(recordId, rec);
    return recordId;
  }

  /** The next batch read of this record answers this older state once (an eventually consistent replica). */
  serveStaleOnce(object: HubObject, id: string, history: Record<string, Array<{ value: string; timestamp: string }>>): void {
    this.stale.set(`${object}/${id}`, Object.fromEntries(Object.entries(history).map(([k, v]) => [k, v.map((h) => ({ ...h, sourceType: 'CRM_UI' }))])));
  }

  /** From now on, each request is answered 429 with probability `p` (draws from `random`); null ends the storm. */
  storm(p: number | null, random: () => number = Math.random): void {
    this.stormy = p === null ? undefined : { p, random };
  }

  /** The n-th request from now (1 = the next) is answered 429 (secondly limit). */
  rateLimitRequest(n: number): void {
    this.rateLimited.add(this.requests.length + n);
  }

  value(object: HubObject, id: string, property: string): string | undefined {
    return this.records[object].get(id)?.history[property]?.[0]?.value;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0]!;
    const logged: LoggedRequest = { method: req.method ?? '', path, body: undefined, status: 0 };
    this.requests.push(logged);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      logged.status = status;
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers }).end(JSON.stringify(body));
    };
    try {
      if (req.headers.authorization !== `Bearer ${this.token}`) {
        throw new Refusal(401, { status: 'error', message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview', correlationId: correlationId(), category: 'INVALID_AUTHENTICATION' });
      }
      if (this.rateLimited.delete(this.requests.length) || (this.stormy && this.stormy.random() < this.stormy.p)) {
        throw new Refusal(429, { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', correlationId: correlationId(), policyName: 'SECONDLY', requestId: crypto.randomUUID() }, { 'x-hubspot-ratelimit-secondly': '10', 'x-hubspot-ratelimit-secondly-remaining': '0' });
      }
      if (req.method !== 'POST') throw new Refusal(405, { status: 'error', message: `${req.method} is not supported here`, correlationId: correlationId(), category: 'METHOD_NOT_ALLOWED' });
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new Refusal(415, { status: 'error', message: 'Content-Type must be application/json', correlationId: correlationId() });
      let body: Record<string, unknown>;
      try { body = JSON.parse(raw) as Record<string, unknown>; } catch { throw validation('Invalid input JSON on line 1'); }
      logged.body = body;
      let m: RegExpMatchArray | null;
      let out: { status: number; body: unknown };
      if ((m = path.match(/^\/crm\/v3\/objects\/(contacts|deals)\/search$/))) out = this.search(m[1] as HubObject, body);
      else if ((m = path.match(/^\/crm\/v3\/objects\/(contacts|deals)\/batch\/read$/))) out = this.batchRead(m[1] as HubObject, body);
      else if (path === '/crm/v4/associations/deals/contacts/batch/read') out = this.associationsRead(body);
      else if (path === '/crm/v3/objects/contacts/batch/update') out = this.batchUpdate(body);
      else throw new Refusal(404, { status: 'error', message: `Unable to route ${path}`, correlationId: correlationId(), category: 'OBJECT_NOT_FOUND' });
      this.beforeAnswer?.(logged);
      answer(out.status, out.body);
    } catch (err) {
      if (err instanceof Refusal) answer(err.status, err.body, err.headers);
      else answer(500, { status: 'error', message: String(err), correlationId: correlationId() });
    }
  }

  private properties(object: HubObject): Set<string> {
    return object === 'contacts' ? CONTACT_PROPERTIES : DEAL_PROPERTIES;
  }

  private current(rec: HubRecord, names: readonly string[]): Record<string, string | null> {
    return Object.fromEntries(names.map((n) => [n, n === 'hs_object_id' ? rec.id : (rec.history[n]?.[0]?.value ?? null)]));
  }

  private search(object: HubObject, body: Record<string, unknown>) {
    const known = new Set(['filterGroups', 'sorts', 'properties', 'limit', 'after', 'query']);
    for (const k of Object.keys(body)) if (!known.has(k)) throw validation(`Unrecognized field "${k}"`);
    const groups = (body.filterGroups ?? []) as Array<{ filters?: Array<{ propertyName?: unknown; operator?: unknown; value?: unknown }> }>;
    if (!Array.isArray(groups) || groups.length > 5) throw validation('filterGroups: at most 5 filter groups');
    if (groups.reduce((n, g) => n + (g.filters?.length ?? 0), 0) > 18) throw validation('at most 18 filters in all');
    for (const g of groups) {
      if (!Array.isArray(g.filters) || g.filters.length > 6) throw validation('each filter group holds at most 6 filters');
      for (const f of g.filters) {
        if (typeof f.propertyName !== 'string' || !this.properties(object).has(f.propertyName)) throw validation(`There was a problem with the request: unknown property ${String(f.propertyName)}`);
        if (typeof f.operator !== 'string' || !OPERATORS.has(f.operator)) throw validation(`Invalid operator ${String(f.operator)}`);
        if (typeof f.value !== 'string') throw validation('filter value must be a string');
      }
    }
    const sorts = (body.sorts ?? []) as Array<{ propertyName?: string; direction?: string }>;
    if (!Array.isArray(sorts) || sorts.length > 1) throw validation('only one sort is supported');
    for (const s of sorts) if (!s.propertyName || !this.properties(object).has(s.propertyName) || !['ASCENDING', 'DESCENDING'].includes(s.direction ?? '')) throw validation('invalid sort');
    const limit = body.limit ?? 10;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 200) throw validation('limit must be from 1 to 200');
    const after = body.after === undefined ? 0 : Number(body.after);
    if (!Number.isInteger(after) || after < 0) throw validation('after must be a paging cursor');
    if (after + limit > this.searchCap) throw validation(`Search results are limited to ${this.searchCap} total results; paging beyond is not allowed`);
    const properties = (body.properties ?? ['createdate', 'hs_object_id', MODIFIED[object]]) as string[];
    if (!Array.isArray(properties) || properties.some((p) => typeof p !== 'string')) throw validation('properties must be strings');
    const matches = (rec: HubRecord) => groups.length === 0 || groups.some((g) => g.filters!.every((f) => {
      const v = rec.history[f.propertyName as string]?.[0]?.value;
      if (v === undefined) return false;
      const a = Date.parse(v);
      const b = Number(f.value);
      switch (f.operator) {
        case 'GTE': return a >= b;
        case 'GT': return a > b;
        case 'LTE': return a <= b;
        case 'LT': return a < b;
        case 'EQ': return v === f.value;
        default: throw validation(`operator ${String(f.operator)} is not supported by this fake`);
      }
    }));
    let rows = [...this.records[object].values()].filter(matches);
    const sort = sorts[0];
    if (sort) {
      const key = (r: HubRecord) => Date.parse(r.history[sort.propertyName!]?.[0]?.value ?? '') || 0;
      rows.sort((x, y) => (key(x) - key(y)) * (sort.direction === 'DESCENDING' ? -1 : 1) || Number(x.id) - Number(y.id));
    }
    const total = rows.length;
    rows = rows.slice(after, after + limit);
    const next = after + limit < total ? String(after + limit) : null;
    return {
      status: 200,
      body: {
        total,
        results: rows.map((r) => ({ id: r.id, properties: this.current(r, [...new Set([...properties, 'hs_object_id'])]), createdAt: r.createdAt, updatedAt: r.history[MODIFIED[object]]![0]!.timestamp, archived: false })),
        ...(next ? { paging: { next: { after: next, link: `${this.url}/crm/v3/objects/${object}/search?after=${next}` } } } : {}),
      },
    };
  }

  private batchRead(object: HubObject, body: Record<string, unknown>) {
    const inputs = body.inputs as Array<{ id?: unknown }> | undefined;
    if (!Array.isArray(inputs) || inputs.length === 0) throw validation('inputs must be a non-empty array');
    if (inputs.length > 100) throw validation('Too many inputs: at most 100 per batch');
    const properties = (body.properties ?? []) as string[];
    const withHistory = (body.propertiesWithHistory ?? []) as string[];
    if (!Array.isArray(properties) || !Array.isArray(withHistory)) throw validation('properties and propertiesWithHistory must be arrays');
    const startedAt = new Date().toISOString();
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      if (typeof input.id !== 'string') throw validation('each input needs an id (string)');
      const rec = this.records[object].get(input.id);
      if (!rec) { missing.push(input.id); continue; }
      const stale = this.stale.get(`${object}/${input.id}`);
      this.stale.delete(`${object}/${input.id}`);
      const view: HubRecord = stale ? { ...rec, history: stale } : rec;
      results.push({
        id: rec.id,
        properties: this.current(view, [...new Set([...properties, 'hs_object_id'])]),
        propertiesWithHistory: Object.fromEntries(withHistory.map((p) => [p, view.history[p] ?? []])),
        createdAt: rec.createdAt,
        updatedAt: view.history[MODIFIED[object]]?.[0]?.timestamp ?? rec.createdAt,
        archived: false,
      });
    }
    // HubSpot does not promise the order of a batch's results
    results.reverse();
    const errors = missing.length ? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some objects, they may be deleted or not exist.', context: { ids: missing } }] : [];
    return { status: missing.length ? 207 : 200, body: { status: 'COMPLETE', results, ...(errors.length ? { errors, numErrors: errors.length } : {}), startedAt, completedAt: new Date().toISOString() } };
  }

  private associationsRead(body: Record<string, unknown>) {
    const inputs = body.inputs as Array<{ id?: unknown }> | undefined;
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 1000) throw validation('inputs must hold 1 to 1,000 ids');
    const startedAt = new Date().toISOString();
    const results = inputs.map((i) => {
      if (typeof i.id !== 'string') throw validation('each input needs an id (string)');
      return { from: { id: i.id }, to: (this.associations.get(i.id) ?? []).map((c) => ({ toObjectId: Number(c), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }] })) };
    }).filter((r) => r.to.length > 0);
    return { status: 200, body: { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() } };
  }

  private batchUpdate(body: Record<string, unknown>) {
    const inputs = body.inputs as Array<{ id?: unknown; idProperty?: unknown; properties?: Record<string, unknown> }> | undefined;
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 100) throw validation('inputs must hold 1 to 100 objects');
    const ids = inputs.map((i) => String(i.id));
    if (new Set(ids).size !== ids.length) throw validation('Duplicate IDs found in batch input');
    const at = new Date().toISOString();
    const missing: string[] = [];
    const results: unknown[] = [];
    for (const input of inputs) {
      if (typeof input.id !== 'string' || typeof input.properties !== 'object' || input.properties === null) throw validation('each input needs an id and properties');
      const idProperty = input.idProperty ?? 'hs_object_id';
      if (idProperty !== 'hs_object_id' && idProperty !== 'email') throw validation(`${String(idProperty)} is not a unique property`);
      for (const [name, value] of Object.entries(input.properties)) {
        if (!CONTACT_PROPERTIES.has(name)) throw new Refusal(400, { status: 'error', message: `Property values were not valid: [{"isValid":false,"message":"Property \\"${name}\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"${name}"}]`, correlationId: correlationId(), category: 'VALIDATION_ERROR' });
        if (typeof value !== 'string') throw validation(`property ${name} must be a string`);
      }
      const rec = [...this.records.contacts.values()].find((r) => (idProperty === 'email' ? r.history.email?.[0]?.value === input.id : r.id === input.id));
      if (!rec) { missing.push(input.id); continue; }
      this.put('contacts', rec.id, input.properties as Record<string, string>, at);
      results.push({ id: rec.id, properties: this.current(rec, Object.keys(input.properties)), createdAt: rec.createdAt, updatedAt: at, archived: false });
    }
    const errors = missing.length ? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.', context: { ids: missing } }] : [];
    return { status: missing.length ? 207 : 200, body: { status: 'COMPLETE', results, ...(errors.length ? { errors, numErrors: errors.length } : {}), startedAt: at, completedAt: new Date().toISOString() } };
  }
}
