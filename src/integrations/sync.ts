/**
 * One sync run of an integration: for each object its connector reads, the records modified since the cursor, page
 * by page, checked, merged with what is stored (merge.ts: per field, last modification wins) and written only when
 * something changed (idempotent: running twice over the same answers writes nothing the second time); then, where the
 * connector sends conversions and the integration asks for it (config push_conversions = "true"), the workflow
 * conversions received since the push cursor (not for an account that pseudonymizes contact ids: the service could not
 * match them). Contact keys are stored as the account stores contact ids (pseudonymized when it does), so the
 * attribution joins them. Progress and counts are saved in integration_runs after every page.
 *
 * Cursor: per object, the latest modified_at the run saw (records of a skewed clock excepted); the next run asks
 * from that time minus OVERLAP_MS, so a record written in the service while the previous run read the same
 * millisecond, or committed with a slightly earlier timestamp, is read again rather than missed (the overlap's
 * records come back unchanged and are counted so). A failed run keeps the cursors of the objects it finished.
 *
 * Data-quality checks, counted per object and kept in the run's report with examples:
 * - missing ids: a record without an external id (not stored);
 * - duplicates: the same record twice in one run (merged by the conflict rule, counted once per extra copy);
 * - clock skew: a modified_at more than CLOCK_SKEW_TOLERANCE_MS in the future (stored, but it does not move the
 *   cursor), unreadable, or earlier than the stored copy's (the service's time went backwards; the newer stored
 *   fields win by the rule).
 */
import crypto from 'node:crypto';
import type { Connector, ConnectorContext, ExternalObject, ExternalRecord, IntegrationKind } from './connector.js';
import { conversionsSince, decodePushCursor, encodePushCursor } from './conversions.js';
import { asStored, mergeRecord, sameRecord } from './merge.js';
import { DEFAULT_RETRY, rateLimitedFetch, type RetryPolicy } from './rate-limited-fetch.js';
import { decryptCredentials, encryptCredentials } from './secrets.js';
import type { Integration, IntegrationStore, Run, RunReport, RunTrigger, StoredRecord } from './store.js';

export const OVERLAP_MS = 60_000;
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;
/** Pages one object may take in one run (a service that never says "no more" cannot hold the runner). */
export const MAX_PAGES = 5_000;
/** Conversions pushed per run at most (the rest go with the next run). */
export const PUSH_LIMIT = 1_000;
const MAX_FINDINGS = 20;

export interface SyncDeps {
  integrations: IntegrationStore;
  key: Buffer;
  connectors: ReadonlyMap<IntegrationKind, Connector>;
  retry?: RetryPolicy;
  fetchImpl?: typeof fetch;
  now?: () => number;
  /**
   * The account's contact-id pseudonymizer (privacy settings), null when it stores ids as sent: contact keys are
   * stored in the form the account's events store contact ids, so attribution matches them.
   */
  pseudonymizer?: (account: string) => Promise<((contactId: string) => string) | null>;
}

export function newRun(i: Integration, trigger: RunTrigger, now = Date.now()): Run {
  const none = {};
  return {
    account_id: i.account_id, run_id: crypto.randomUUID(), integration_id: i.id, trigger, status: 'queued', progress: 0,
    started_at: new Date(now).toISOString(), finished_at: null, cursor_before: {}, cursor_after: {},
    fetched: none, inserted: none, updated: none, unchanged: none, conflicts_resolved: none, duplicates: none, missing_ids: none, clock_skew: none,
    rate_limited_retries: 0, pushed: 0, push_rejected: 0, error: '', report: null,
  };
}

type ObjectReport = RunReport['objects'][number];
const COUNTS = ['fetched', 'inserted', 'updated', 'unchanged', 'conflicts_resolved', 'duplicates', 'missing_ids', 'clock_skew'] as const;

/** Runs `run` (queued) of integration `i` to its end; answers the finished run (succeeded or failed), also saved. */
export async function runSync(deps: SyncDeps, i: Integration, queued: Run, signal: AbortSignal = new AbortController().signal): Promise<Run> {
  const now = deps.now ?? Date.now;
  const connector = deps.connectors.get(i.kind);
  const cursorBefore = await deps.integrations.cursor(i.account_id, i.id);
  const cursor: Record<string, string> = { ...cursorBefore };
  const report: RunReport = { objects: [], findings: [], rate_limited_retries: 0, push: null, token_refreshed: false };
  const run: Run = { ...queued, status: 'running', started_at: new Date(now()).toISOString(), cursor_before: cursorBefore, cursor_after: cursor, report };
  const finding = (text: string) => { if (report.findings.length < MAX_FINDINGS) report.findings.push(text); };
  const counts = () => Object.fromEntries(COUNTS.map((c) => [c, Object.fromEntries(report.objects.map((o) => [o.object, o[c]]))])) as Pick<Run, (typeof COUNTS)[number]>;
  const save = () => deps.integrations.saveRun({ ...run, ...counts(), rate_limited_retries: report.rate_limited_retries });
  await save();
  try {
    if (!connector) throw new Error(`no connector for ${i.kind} in this installation`);
    const ctx: ConnectorContext = {
      config: i.config,
      credentials: decryptCredentials(deps.key, i.id, i.credentials_enc),
      fetch: rateLimitedFetch(deps.retry ?? DEFAULT_RETRY, ({ status, waitMs }) => {
        report.rate_limited_retries++;
        finding(`${status === null ? 'network error' : `HTTP ${status}`}: retried after ${Math.round(waitMs)} ms`);
      }, signal, deps.fetchImpl),
      async saveCredentials(next) {
        const current = (await deps.integrations.get(i.account_id, i.id)) ?? i;
        await deps.integrations.save({ ...current, credentials_enc: encryptCredentials(deps.key, i.id, next) });
        ctx.credentials = next;
        report.token_refreshed = true;
      },
      signal,
    };
    const pseudonymize = (await deps.pseudonymizer?.(i.account_id)) ?? null;
    const wantsPush = Boolean(connector.push) && i.config.push_conversions === 'true';
    // the outside service knows contacts by their real ids, which an account that pseudonymizes does not keep
    if (wantsPush && pseudonymize) finding('conversions are not sent: this account stores contact ids pseudonymized, which the service cannot match');
    const push = wantsPush && !pseudonymize ? connector.push!.bind(connector) : undefined;
    const steps = connector.objects.length + (push ? 1 : 0);
    for (const [index, object] of connector.objects.entries()) {
      const since = cursor[object] ? new Date(Date.parse(cursor[object]) - OVERLAP_MS).toISOString() : null;
      const o: ObjectReport = { object, since, pages: 0, fetched: 0, inserted: 0, updated: 0, unchanged: 0, conflicts_resolved: 0, duplicates: 0, missing_ids: 0, clock_skew: 0 };
      report.objects.push(o);
      // this run's current version of each record, the stored row it started from, and its outcome against that row
      const seen = new Map<string, StoredRecord>();
      const original = new Map<string, StoredRecord | undefined>();
      const outcomes = new Map<string, 'inserted' | 'updated' | 'unchanged'>();
      let latest = cursor[object] ? Date.parse(cursor[object]) : -Infinity;
      let page: string | null = null;
      do {
        if (o.pages >= MAX_PAGES) throw new Error(`${object}: more than ${MAX_PAGES} pages in one run`);
        const answer = await connector.changes(ctx, object, since, page);
        o.pages++;
        o.fetched += answer.records.length;
        const accepted = check(answer.records, o, seen, now(), finding).map((r) => (pseudonymize && r.contact_key ? { ...r, contact_key: pseudonymize(r.contact_key) } : r));
        const ids = [...new Set(accepted.map((r) => r.external_id))].filter((id) => !seen.has(id));
        const stored = await deps.integrations.records(i.account_id, i.id, object, ids);
        const writes = new Map<string, StoredRecord>();
        for (const r of accepted) {
          const before = seen.get(r.external_id) ?? stored.get(r.external_id);
          if (before && !seen.has(r.external_id) && Date.parse(r.modified_at) < Date.parse(before.modified_at)) {
            o.clock_skew++;
            finding(`${object} ${r.external_id}: modified_at ${r.modified_at} is earlier than the stored ${before.modified_at}`);
          }
          const merged = mergeRecord(before, r);
          o.conflicts_resolved += merged.conflicts.length;
          for (const f of merged.conflicts) finding(`${object} ${r.external_id}: field ${f} kept the later value (${before!.fields[f]}) over an older one (${r.fields[f]})`);
          if (!original.has(r.external_id)) original.set(r.external_id, stored.get(r.external_id));
          const first = original.get(r.external_id);
          outcomes.set(r.external_id, first === undefined ? 'inserted' : sameRecord(first, merged.record) ? 'unchanged' : 'updated');
          seen.set(r.external_id, merged.record);
          if (merged.outcome !== 'unchanged') writes.set(r.external_id, merged.record);
          const at = Date.parse(r.modified_at);
          if (at <= now() + CLOCK_SKEW_TOLERANCE_MS && at > latest) latest = at;
        }
        await deps.integrations.writeRecords(i.account_id, i.id, i.kind, [...writes.values()]);
        for (const outcome of ['inserted', 'updated', 'unchanged'] as const) o[outcome] = [...outcomes.values()].filter((x) => x === outcome).length;
        page = answer.next;
        run.progress = (index + o.pages / (o.pages + (page ? 1 : 0))) / steps;
        await save();
      } while (page !== null);
      if (latest > -Infinity) cursor[object] = new Date(latest).toISOString();
    }
    if (push) {
      const since = cursor.push ?? `${i.created_at}|`;
      const { conversions, unknown, next } = await conversionsSince(deps.integrations.store, i.account_id, decodePushCursor(since), PUSH_LIMIT);
      const noContact = unknown.map((execution_id) => ({ execution_id, reason: 'the execution has no contact_id' }));
      report.push = { since: decodePushCursor(since).received_at, sent: conversions.length, accepted: 0, rejected: noContact.slice(0, MAX_FINDINGS) };
      run.push_rejected = noContact.length;
      if (conversions.length > 0) {
        const answer = await push(ctx, conversions);
        report.push.accepted = answer.accepted;
        report.push.rejected = [...answer.rejected, ...noContact].slice(0, MAX_FINDINGS);
        run.pushed = answer.accepted;
        run.push_rejected += answer.rejected.length;
      }
      if (next) cursor.push = encodePushCursor(next);
    }
    run.status = 'succeeded';
    run.progress = 1;
  } catch (err) {
    run.status = 'failed';
    run.error = err instanceof Error ? err.message : String(err);
  }
  run.finished_at = new Date(now()).toISOString();
  await save();
  return { ...run, ...counts(), rate_limited_retries: report.rate_limited_retries };
}

/** The page's records that can be stored, with missing ids, duplicates and future times counted. */
function check(records: readonly ExternalRecord[], o: ObjectReport, seen: ReadonlyMap<string, StoredRecord>, now: number, finding: (t: string) => void): StoredRecord[] {
  const out: StoredRecord[] = [];
  const inPage = new Set<string>();
  for (const r of records) {
    if (!r.external_id) {
      o.missing_ids++;
      finding(`${o.object}: a record without an id (modified ${r.modified_at}) was left out`);
      continue;
    }
    const at = Date.parse(r.modified_at);
    if (Number.isNaN(at)) {
      o.clock_skew++;
      finding(`${o.object} ${r.external_id}: unreadable modified_at "${r.modified_at}", left out`);
      continue;
    }
    if (seen.has(r.external_id) || inPage.has(r.external_id)) {
      o.duplicates++;
      finding(`${o.object} ${r.external_id}: delivered more than once in this run`);
    }
    inPage.add(r.external_id);
    if (at > now + CLOCK_SKEW_TOLERANCE_MS) {
      o.clock_skew++;
      finding(`${o.object} ${r.external_id}: modified_at ${r.modified_at} is in the future; it does not move the cursor`);
    }
    out.push(asStored(r));
  }
  return out;
}
