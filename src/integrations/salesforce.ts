/**
 * Salesforce (REST API, OAuth 2.0): Leads and Opportunities changed since the cursor.
 *
 * - Query (docs: developer.salesforce.com REST API Developer Guide, "Query" resource and "Execute a SOQL Query"):
 *   GET {instance_url}/services/data/v{api_version}/query?q=SOQL with `LastModifiedDate >= <cursor>` and
 *   `ORDER BY LastModifiedDate ASC, Id ASC`; the answer's `nextRecordsUrl` (while `done` is false) is the next
 *   page, requested as is.
 * - Authorization (docs: "OAuth 2.0 Refresh Token Flow for Renewed Sessions"): `Authorization: Bearer
 *   <access_token>`; a 401 INVALID_SESSION_ID (expired session) renews the token by POST
 *   {login}/services/oauth2/token with grant_type=refresh_token, client_id, client_secret and refresh_token (form
 *   encoded), saves the new access token and instance_url (encrypted) and repeats the request once. A refresh answered
 *   400 invalid_grant fails the run: the refresh token was revoked.
 * - Errors (docs: "Status Codes and Error Responses"): an array of { message, errorCode }; 403 REQUEST_LIMIT_EXCEEDED
 *   (the org's daily API requests are used up) fails the run with that message: retrying within the run would not
 *   help, the next scheduled run tries again.
 * - Links: a Lead's ConvertedOpportunityId names the Opportunity it became (field RELATED_FIELD, connector.ts), which the
 *   attribution follows. A Lead's contact key is the field named by config contact_key_field (default Email).
 * - Opportunity amounts are in config currency (default USD): CurrencyIsoCode exists only in multi-currency orgs.
 *   Closed won (IsWon) at the end of its CloseDate (a date, read as UTC).
 * Salesforce gives no per-field modification time in a query, so the record's LastModifiedDate applies to every
 * field. No conversions are pushed to Salesforce.
 * Configuration: api_version (default 62.0), contact_key_field, currency. Credentials: client_id, client_secret,
 * refresh_token (access_token and instance_url are kept once obtained).
 */
import type { ChangePage, Connector, ConnectorContext, ExternalObject, ExternalRecord } from './connector.js';
import { RELATED_FIELD } from './connector.js';

const SOQL: Partial<Record<ExternalObject, { sobject: string; fields: string[] }>> = {
  lead: { sobject: 'Lead', fields: ['Id', 'Email', 'FirstName', 'LastName', 'Company', 'Status', 'IsConverted', 'ConvertedOpportunityId', 'LastModifiedDate'] },
  opportunity: { sobject: 'Opportunity', fields: ['Id', 'Name', 'Amount', 'StageName', 'IsClosed', 'IsWon', 'CloseDate', 'LastModifiedDate'] },
};

export class SalesforceError extends Error {}

interface QueryAnswer { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Array<Record<string, unknown>> }

/** Salesforce's datetime (2024-05-01T10:00:00.000+0000) as RFC 3339 UTC. */
const sfTime = (v: string) => new Date(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
/** A SOQL datetime literal (YYYY-MM-DDThh:mm:ssZ, no quotes): whole seconds, rounded down (reads a little more, never less). */
const soqlTime = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function salesforceConnector(loginUrl: string): Connector {
  const trustedInstance = (url: string) => {
    const u = new URL(url);
    return (u.protocol === 'https:' && /\.(salesforce|force)\.com$/.test(u.hostname)) || u.origin === new URL(loginUrl).origin;
  };

  async function refresh(ctx: ConnectorContext): Promise<void> {
    const res = await ctx.fetch(`${loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: ctx.credentials.client_id ?? '', client_secret: ctx.credentials.client_secret ?? '', refresh_token: ctx.credentials.refresh_token ?? '' }).toString(),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; instance_url?: string; error?: string; error_description?: string };
    if (!res.ok || !body.access_token || !body.instance_url) throw new SalesforceError(`Salesforce token refresh answered ${res.status} ${body.error ?? ''}: ${body.error_description ?? 'no access token'}`);
    if (!trustedInstance(body.instance_url)) throw new SalesforceError(`Salesforce answered an instance_url outside salesforce.com: ${body.instance_url}`);
    await ctx.saveCredentials({ ...ctx.credentials, access_token: body.access_token, instance_url: body.instance_url });
  }

  async function get(ctx: ConnectorContext, path: string): Promise<QueryAnswer> {
    if (!ctx.credentials.access_token || !ctx.credentials.instance_url) await refresh(ctx);
    for (let attempt = 0; ; attempt++) {
      const res = await ctx.fetch(`${ctx.credentials.instance_url}${path}`, { headers: { authorization: `Bearer ${ctx.credentials.access_token}`, accept: 'application/json' } });
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok) return body as QueryAnswer;
      const error = Array.isArray(body) ? (body[0] as { errorCode?: string; message?: string }) : undefined;
      if (res.status === 401 && error?.errorCode === 'INVALID_SESSION_ID' && attempt === 0) {
        await refresh(ctx);
        continue;
      }
      if (error?.errorCode === 'REQUEST_LIMIT_EXCEEDED') throw new SalesforceError(`Salesforce's API request limit is used up (REQUEST_LIMIT_EXCEEDED): ${error.message ?? ''}; the next run tries again`);
      throw new SalesforceError(`Salesforce answered ${res.status} ${error?.errorCode ?? ''}: ${error?.message ?? 'no message'}`);
    }
  }

  return {
    kind: 'salesforce',
    objects: ['lead', 'opportunity'],
    requiredConfig: [],
    requiredCredentials: ['client_id', 'client_secret', 'refresh_token'],

    async changes(ctx, object, since, page): Promise<ChangePage> {
      const spec = SOQL[object];
      if (!spec) throw new SalesforceError(`Salesforce has no ${object} here`);
      const version = ctx.config.api_version || '62.0';
      if (!/^\d+\.\d$/.test(version)) throw new SalesforceError(`api_version must look like 62.0, got "${version}"`);
      const keyField = ctx.config.contact_key_field || 'Email';
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(keyField)) throw new SalesforceError(`contact_key_field must be a field API name, got "${keyField}"`);
      const fields = [...new Set([...spec.fields, ...(object === 'lead' ? [keyField] : [])])];
      let path = page;
      if (path === null) {
        const where = since ? ` WHERE LastModifiedDate >= ${soqlTime(since)}` : '';
        const soql = `SELECT ${fields.join(', ')} FROM ${spec.sobject}${where} ORDER BY LastModifiedDate ASC, Id ASC`;
        path = `/services/data/v${version}/query?q=${encodeURIComponent(soql)}`;
      }
      const answer = await get(ctx, path);
      const currency = ctx.config.currency || 'USD';
      return {
        records: answer.records.map((r) => toRecord(object, r, keyField, currency)),
        next: answer.done ? null : (answer.nextRecordsUrl ?? null),
      };
    },
  };
}

function toRecord(object: ExternalObject, r: Record<string, unknown>, keyField: string, currency: string): ExternalRecord {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(r)) {
    if (name === 'attributes' || value === null || value === undefined || typeof value === 'object') continue;
    fields[name] = String(value);
  }
  if (object === 'lead') fields[RELATED_FIELD] = typeof r.ConvertedOpportunityId === 'string' ? r.ConvertedOpportunityId : '';
  const won = object === 'opportunity' && r.IsWon === true && typeof r.CloseDate === 'string';
  return {
    object,
    external_id: typeof r.Id === 'string' ? r.Id : '',
    modified_at: typeof r.LastModifiedDate === 'string' ? sfTime(r.LastModifiedDate) : '',
    contact_key: object === 'lead' && typeof r[keyField] === 'string' ? (r[keyField] as string) : null,
    fields,
    amount: object === 'opportunity' && typeof r.Amount === 'number' ? r.Amount : null,
    currency: object === 'opportunity' ? currency : null,
    closed_won_at: won ? new Date(Date.parse(`${r.CloseDate as string}T00:00:00Z`) + 86_400_000 - 1).toISOString() : null,
  };
}
