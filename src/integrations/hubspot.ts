/**
 * HubSpot (CRM v3/v4 APIs, private-app Bearer token): contacts and deals changed since the cursor, workflow
 * conversions written back as contact properties.
 *
 * Reading one page (docs: developers.hubspot.com "Search the CRM", "CRM objects — batch read", "Associations v4 —
 * batch read"):
 * 1. POST /crm/v3/objects/{contacts|deals}/search with a GTE filter on the last-modified property (contacts
 *    `lastmodifieddate`, deals `hs_lastmodifieddate`, value in epoch milliseconds), sorted ascending on it, `limit`
 *    100, and the `after` cursor of the previous page;
 * 2. POST /crm/v3/objects/{object}/batch/read for those ids with `propertiesWithHistory`, so each property's own
 *    modification time (its latest history entry) feeds the per-field conflict rule;
 * 3. deals: POST /crm/v4/associations/deals/contacts/batch/read, the associated contact ids (field RELATED_FIELD, connector.ts).
 * Paging is by key, not by offset: each next search starts at the last record's modification time (GTE), leaving out
 * the records already delivered at exactly that time. A record modified while a run pages moves to the end of the
 * order and is read again (a duplicate the runner counts and merges) instead of shifting an offset past records never
 * read; and no query comes near the search's 10,000-result cap (paging beyond it is a 400) unless more than a page
 * of records share one millisecond, paged with `after` then.
 *
 * Conversions (push): POST /crm/v3/objects/contacts/batch/update, up to 100 inputs, each identified by the contact
 * key property (`idProperty`, default email), setting the properties `flowlens_last_conversion` (goal id @ time) and
 * `flowlens_last_workflow` (they must exist in the portal); contacts HubSpot does not know come back as errors and
 * are reported rejected.
 *
 * Configuration: contact_key_property (default email), currency (default USD, for deals without
 * deal_currency_code), push_conversions. Credentials: access_token.
 */
import type { ChangePage, Connector, ConnectorContext, ExternalObject, ExternalRecord, OutboundConversion } from './connector.js';
import { RELATED_FIELD } from './connector.js';

export const HUBSPOT_SEARCH_CAP = 10_000;
const PAGE = 100;
const PATHS: Partial<Record<ExternalObject, { objects: string; modified: string; properties: string[] }>> = {
  contact: { objects: 'contacts', modified: 'lastmodifieddate', properties: ['email', 'firstname', 'lastname', 'lifecyclestage', 'lastmodifieddate'] },
  deal: { objects: 'deals', modified: 'hs_lastmodifieddate', properties: ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'hs_is_closed_won', 'deal_currency_code', 'hs_lastmodifieddate'] },
};

/** Where the next search starts: records modified at or after `anchor`, past `after` results, less those delivered at `anchor`. */
interface PageToken { anchor: number | null; after: number; delivered: string[] }
interface SearchAnswer { total: number; results: Array<{ id: string; properties: Record<string, string | null> }>; paging?: { next?: { after: string } } }
interface BatchAnswer { results: Array<{ id: string; properties: Record<string, string | null>; propertiesWithHistory?: Record<string, Array<{ value: string; timestamp: string }>>; updatedAt: string }> }
interface AssociationAnswer { results: Array<{ from: { id: string }; to: Array<{ toObjectId: string | number }> }> }

export class HubSpotError extends Error {}

async function call<T>(ctx: ConnectorContext, url: string, init: RequestInit & { body?: string }): Promise<{ status: number; json: T }> {
  const res = await ctx.fetch(url, { ...init, headers: { authorization: `Bearer ${ctx.credentials.access_token}`, 'content-type': 'application/json', accept: 'application/json' } });
  const text = await res.text();
  let json: unknown;
  try { json = text ? JSON.parse(text) : {}; } catch { json = { message: text }; }
  if (res.status >= 400 && res.status !== 207) {
    const body = json as { message?: string; category?: string };
    throw new HubSpotError(`HubSpot ${init.method} ${new URL(url).pathname} answered ${res.status}${body.category ? ` ${body.category}` : ''}: ${body.message ?? text}`);
  }
  return { status: res.status, json: json as T };
}

export function hubspotConnector(baseUrl: string, options: { pageSize?: number } = {}): Connector {
  const pageSize = options.pageSize ?? PAGE;
  return {
    kind: 'hubspot',
    objects: ['contact', 'deal'],
    requiredConfig: [],
    requiredCredentials: ['access_token'],

    async changes(ctx, object, since, page): Promise<ChangePage> {
      const spec = PATHS[object];
      if (!spec) throw new HubSpotError(`HubSpot has no ${object} here`);
      const keyProperty = ctx.config.contact_key_property || 'email';
      const token: PageToken = page ? (JSON.parse(page) as PageToken) : { anchor: since ? Date.parse(since) : null, after: 0, delivered: [] };
      const search = await call<SearchAnswer>(ctx, `${baseUrl}/crm/v3/objects/${spec.objects}/search`, {
        method: 'POST',
        body: JSON.stringify({
          filterGroups: token.anchor === null ? [] : [{ filters: [{ propertyName: spec.modified, operator: 'GTE', value: String(token.anchor) }] }],
          sorts: [{ propertyName: spec.modified, direction: 'ASCENDING' }],
          properties: [spec.modified],
          limit: pageSize,
          ...(token.after > 0 ? { after: String(token.after) } : {}),
        }),
      });
      const at = (r: SearchAnswer['results'][number]) => Date.parse(r.properties[spec.modified] ?? '');
      const delivered = new Set(token.delivered);
      const fresh = search.json.results.filter((r) => !delivered.has(`${r.id}@${at(r)}`));
      const records = fresh.length > 0 ? await read(ctx, baseUrl, object, spec, keyProperty, fresh.map((r) => r.id)) : [];
      let next: PageToken | null = null;
      const last = search.json.results.at(-1);
      if (search.json.paging?.next && last) {
        const lastAt = at(last);
        if (token.anchor === null || lastAt > token.anchor) {
          // keyset paging: the next search starts at the last record's time, skipping what was delivered at it
          next = { anchor: lastAt, after: 0, delivered: search.json.results.filter((r) => at(r) === lastAt).map((r) => `${r.id}@${lastAt}`) };
        } else {
          // a whole page of one millisecond: page on with `after`, within the search's result cap
          if (token.after + 2 * pageSize > HUBSPOT_SEARCH_CAP) throw new HubSpotError(`more than ${HUBSPOT_SEARCH_CAP} ${spec.objects} were modified in the same millisecond; the search cannot page through them`);
          next = { anchor: token.anchor, after: token.after + pageSize, delivered: [...token.delivered, ...search.json.results.map((r) => `${r.id}@${lastAt}`)] };
        }
      }
      return { records, next: next ? JSON.stringify(next) : null };
    },

    async push(ctx, conversions) {
      const keyProperty = ctx.config.contact_key_property || 'email';
      let accepted = 0;
      const rejected: Array<{ execution_id: string; reason: string }> = [];
      for (let i = 0; i < conversions.length; i += 100) {
        const batch = latestPerContact(conversions.slice(i, i + 100));
        const answer = await call<{ results?: unknown[]; errors?: Array<{ message: string; context?: { ids?: string[] } }> }>(ctx, `${baseUrl}/crm/v3/objects/contacts/batch/update`, {
          method: 'POST',
          body: JSON.stringify({
            inputs: batch.map((c) => ({ id: c.contact_id, idProperty: keyProperty, properties: { flowlens_last_conversion: `${c.goal_id} @ ${c.occurred_at}`, flowlens_last_workflow: c.workflow_id } })),
          }),
        });
        const failed = new Map<string, string>();
        for (const e of answer.json.errors ?? []) for (const id of e.context?.ids ?? []) failed.set(id, e.message);
        for (const c of conversions.slice(i, i + 100)) {
          const reason = failed.get(c.contact_id);
          if (reason === undefined) accepted++;
          else rejected.push({ execution_id: c.execution_id, reason });
        }
      }
      return { accepted, rejected };
    },
  };
}

/** The full records of these ids (batch read with property history; deals with their contacts), in the given order. */
async function read(ctx: ConnectorContext, baseUrl: string, object: ExternalObject, spec: NonNullable<(typeof PATHS)[ExternalObject]>, keyProperty: string, ids: string[]): Promise<ExternalRecord[]> {
  const properties = [...new Set([...spec.properties, ...(object === 'contact' ? [keyProperty] : [])])];
  const answer = await call<BatchAnswer>(ctx, `${baseUrl}/crm/v3/objects/${spec.objects}/batch/read`, {
    method: 'POST',
    body: JSON.stringify({ properties, propertiesWithHistory: properties, inputs: ids.map((id) => ({ id })) }),
  });
  const related = object === 'deal' ? await associatedContacts(ctx, baseUrl, ids) : new Map<string, string[]>();
  // batch read answers in any order; keep the search's (modification time) order
  const byId = new Map(answer.json.results.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [toRecord(object, r, spec.modified, keyProperty, related.get(id) ?? [], ctx.config.currency || 'USD')] : [];
  });
}

/** One input per contact (a batch update may not name a contact twice): its latest conversion. */
function latestPerContact(conversions: OutboundConversion[]): OutboundConversion[] {
  const latest = new Map<string, OutboundConversion>();
  for (const c of conversions) {
    const seen = latest.get(c.contact_id);
    if (!seen || seen.occurred_at <= c.occurred_at) latest.set(c.contact_id, c);
  }
  return [...latest.values()];
}

async function associatedContacts(ctx: ConnectorContext, baseUrl: string, dealIds: string[]): Promise<Map<string, string[]>> {
  const answer = await call<AssociationAnswer>(ctx, `${baseUrl}/crm/v4/associations/deals/contacts/batch/read`, {
    method: 'POST',
    body: JSON.stringify({ inputs: dealIds.map((id) => ({ id })) }),
  });
  return new Map(answer.json.results.map((r) => [r.from.id, r.to.map((t) => String(t.toObjectId))]));
}

function toRecord(object: ExternalObject, r: BatchAnswer['results'][number], modified: string, keyProperty: string, related: string[], defaultCurrency: string): ExternalRecord {
  const fields: Record<string, string> = {};
  const field_modified_at: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.properties)) {
    if (value === null || name === 'hs_object_id') continue;
    fields[name] = value;
    const history = r.propertiesWithHistory?.[name];
    const latest = history?.reduce((a, b) => (Date.parse(b.timestamp) > Date.parse(a.timestamp) ? b : a));
    if (latest) field_modified_at[name] = latest.timestamp;
  }
  if (object === 'deal') fields[RELATED_FIELD] = related.join(',');
  const p = r.properties;
  const won = object === 'deal' && p.hs_is_closed_won === 'true';
  return {
    object,
    external_id: r.id,
    modified_at: p[modified] ?? r.updatedAt,
    contact_key: object === 'contact' ? (p[keyProperty] ?? null) : null,
    fields,
    field_modified_at,
    amount: object === 'deal' && p.amount ? Number(p.amount) : null,
    currency: object === 'deal' ? (p.deal_currency_code || defaultCurrency) : null,
    closed_won_at: won ? (p.closedate ?? null) : null,
  };
}
