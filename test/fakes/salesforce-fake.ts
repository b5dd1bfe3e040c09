/**
 * A local Salesforce for tests: the OAuth token endpoint and the REST query resource, each request checked against
 * Salesforce's documented shapes, refused as Salesforce refuses it. Documentation followed:
 * - REST API Developer Guide, "Query" (developer.salesforce.com/docs/platform/api-rest/guide/resources-query) and
 *   "Execute a SOQL Query" (…/dome-query): GET /services/data/vXX.X/query?q=<SOQL>, `Authorization: Bearer`;
 *   answers { totalSize, done, nextRecordsUrl?, records: [{ attributes: { type, url }, …fields }] }; a batch holds up
 *   to 2,000 records but may hold fewer ("based on the size and complexity of records"), the rest through
 *   nextRecordsUrl (/services/data/vXX.X/query/<locator>-<n>), requested without parameters; an invalid query is
 *   MALFORMED_QUERY, an unknown field INVALID_FIELD.
 * - "Status Codes and Error Responses" (…/api-rest/guide/errorcodes): errors as an array of { message, errorCode };
 *   401 INVALID_SESSION_ID "Session expired or invalid"; 403 REQUEST_LIMIT_EXCEEDED; 404 NOT_FOUND.
 * - "OAuth 2.0 Refresh Token Flow for Renewed Sessions" (help.salesforce.com remoteaccess_oauth_refresh_token_flow;
 *   REST guide intro_understanding_refresh_token_oauth): POST /services/oauth2/token, form-encoded grant_type=
 *   refresh_token, client_id, client_secret, refresh_token → { access_token, signature, scope, instance_url, id,
 *   token_type: "Bearer", issued_at }; a bad refresh token 400 { error: "invalid_grant", error_description }, a bad
 *   client 400 { error: "invalid_client_id" | "invalid_client", error_description }.
 * The SOQL accepted is the subset the connector writes (SELECT fields FROM Lead|Opportunity [WHERE LastModifiedDate
 * >= <datetime literal YYYY-MM-DDThh:mm:ssZ, SOQL reference "Date Formats and Date Literals">] ORDER BY LastModifiedDate ASC, Id ASC); anything else is refused as MALFORMED_QUERY.
 * Test controls: records changed at chosen times, access tokens expired, the daily request limit used up, a batch
 * size, 503s.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type SObject = 'Lead' | 'Opportunity';
export type SfRecord = Record<string, string | number | boolean | null>;

const FIELDS: Record<SObject, Set<string>> = {
  Lead: new Set(['Id', 'Email', 'FirstName', 'LastName', 'Company', 'Status', 'IsConverted', 'ConvertedOpportunityId', 'LastModifiedDate']),
  Opportunity: new Set(['Id', 'Name', 'Amount', 'StageName', 'IsClosed', 'IsWon', 'CloseDate', 'LastModifiedDate']),
};
const VERSIONS = /^v(5\d|6[0-4])\.0$/;

class Refusal extends Error {
  constructor(readonly status: number, readonly body: unknown) { super(JSON.stringify(body)); }
}
const sfError = (status: number, errorCode: string, message: string) => new Refusal(status, [{ message, errorCode }]);

/** Salesforce's datetime format: 2026-03-01T10:00:00.000+0000. */
export const sfDateTime = (iso: string) => new Date(iso).toISOString().replace('Z', '+0000');

export class SalesforceFake {
  readonly records: Record<SObject, Map<string, SfRecord>> = { Lead: new Map(), Opportunity: new Map() };
  readonly requests: Array<{ method: string; path: string; status: number; soql?: string }> = [];
  private tokens = new Set<string>();
  private locators = new Map<string, { rows: unknown[]; sobject: SObject; version: string }>();
  private server: http.Server | undefined;
  /** Records per query batch (Salesforce may answer fewer than 2,000). */
  batchSize = 2000;
  /** The org's daily API requests are used up: every data request answers 403 REQUEST_LIMIT_EXCEEDED. */
  requestLimitExceeded = false;
  private unavailable = 0;
  url = '';

  constructor(readonly client: { id: string; secret: string; refreshToken: string }) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** Creates or changes a record, LastModifiedDate set to `at`. */
  put(sobject: SObject, id: string, fields: SfRecord, at: string): void {
    this.records[sobject].set(id, { ...(this.records[sobject].get(id) ?? {}), ...fields, Id: id, LastModifiedDate: sfDateTime(at) });
  }

  /** Every access token issued so far stops working (the session timed out). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** The next n data requests answer 503 (Salesforce is briefly unavailable). */
  failNext(n: number): void {
    this.unavailable += n;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const logged: { method: string; path: string; status: number; soql?: string } = { method: req.method ?? '', path: url.pathname, status: 0 };
    this.requests.push(logged);
    const answer = (status: number, body: unknown) => {
      logged.status = status;
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
    };
    try {
      if (url.pathname === '/services/oauth2/token') return answer(200, this.token(req, raw));
      const m = url.pathname.match(/^\/services\/data\/(v\d+\.\d)\/query(?:\/([A-Za-z0-9]+-\d+))?\/?$/);
      if (!m || !VERSIONS.test(m[1]!)) throw sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      if (req.method !== 'GET') throw sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,HEAD`);
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !this.tokens.has(auth.slice(7))) throw sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      if (this.requestLimitExceeded) throw sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      if (this.unavailable > 0) {
        this.unavailable--;
        throw new Refusal(503, [{ message: 'Server is temporarily unavailable.', errorCode: 'SERVER_UNAVAILABLE' }]);
      }
      if (m[2]) {
        if ([...url.searchParams.keys()].length > 0) throw sfError(400, 'MALFORMED_QUERY', 'nextRecordsUrl takes no parameters');
        return answer(200, this.page(m[2], m[1]!));
      }
      const soql = url.searchParams.get('q');
      logged.soql = soql ?? '';
      if (!soql) throw sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      return answer(200, this.query(soql, m[1]!));
    } catch (err) {
      if (err instanceof Refusal) answer(err.status, err.body);
      else answer(500, [{ message: String(err), errorCode: 'UNKNOWN_EXCEPTION' }]);
    }
  }

  private token(req: http.IncomingMessage, raw: string) {
    if (req.method !== 'POST') throw new Refusal(405, { error: 'invalid_request', error_description: 'must use HTTP POST' });
    if (!/^application\/x-www-form-urlencoded\b/.test(req.headers['content-type'] ?? '')) throw new Refusal(400, { error: 'invalid_request', error_description: 'invalid content type' });
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'refresh_token') throw new Refusal(400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    if (form.get('client_id') !== this.client.id) throw new Refusal(400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    if (form.get('client_secret') !== this.client.secret) throw new Refusal(400, { error: 'invalid_client', error_description: 'invalid client credentials' });
    if (form.get('refresh_token') !== this.client.refreshToken) throw new Refusal(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    const access = `00Dxx0000000001!${crypto.randomBytes(24).toString('base64url')}`;
    this.tokens.add(access);
    const issued = String(Date.now());
    return {
      access_token: access,
      signature: crypto.createHmac('sha256', this.client.secret).update(`${this.url}/id/00Dxx0000000001EAA/005xx000001SwiUAAS${issued}`).digest('base64'),
      scope: 'api refresh_token',
      instance_url: this.url,
      id: `${this.url}/id/00Dxx0000000001EAA/005xx000001SwiUAAS`,
      token_type: 'Bearer',
      issued_at: issued,
    };
  }

  private query(soql: string, version: string) {
    const m = soql.match(/^SELECT\s+([A-Za-z0-9_,\s]+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+LastModifiedDate\s*>=\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z))?\s+ORDER\s+BY\s+LastModifiedDate\s+ASC,\s*Id\s+ASC$/i);
    if (!m) throw sfError(400, 'MALFORMED_QUERY', `unexpected token in: ${soql.slice(0, 80)}`);
    const sobject = m[2] as SObject;
    if (!(sobject in FIELDS)) throw sfError(400, 'INVALID_TYPE', `sObject type '${m[2]}' is not supported.`);
    const fields = m[1]!.split(',').map((f) => f.trim());
    for (const f of fields) if (!FIELDS[sobject].has(f)) throw sfError(400, 'INVALID_FIELD', `No such column '${f}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`);
    const since = m[3] ? Date.parse(m[3]) : -Infinity;
    const time = (r: SfRecord) => Date.parse(String(r.LastModifiedDate).replace('+0000', 'Z'));
    const rows = [...this.records[sobject].values()]
      .filter((r) => time(r) >= since)
      .sort((a, b) => time(a) - time(b) || String(a.Id).localeCompare(String(b.Id)))
      .map((r) => ({ attributes: { type: sobject, url: `/services/data/${version}/sobjects/${sobject}/${String(r.Id)}` }, ...Object.fromEntries(fields.map((f) => [f, r[f] ?? null])) }));
    const locator = `01g${crypto.randomBytes(6).toString('hex')}`;
    this.locators.set(locator, { rows, sobject, version });
    return this.batch(locator, 0, rows, version);
  }

  private page(locatorAndOffset: string, version: string) {
    const [locator, offset] = locatorAndOffset.split('-');
    const cursor = this.locators.get(locator!);
    if (!cursor || cursor.version !== version) throw sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return this.batch(locator!, Number(offset), cursor.rows, version);
  }

  private batch(locator: string, offset: number, rows: unknown[], version: string) {
    const end = offset + this.batchSize;
    const done = end >= rows.length;
    return { totalSize: rows.length, done, ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${locator}-${end}` }), records: rows.slice(offset, end) };
  }
}
