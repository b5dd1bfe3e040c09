/**
 * Integrations with outside services (`/api/v1/integrations`): their configuration (credentials are never
 * returned, only which ones are set), sync runs with their progress, counts, data-quality findings and report, the
 * sync success rate. (CRM attribution of a workflow is part of the unified report, contract/unified.ts.)
 */
import { Type, type Static } from '@sinclair/typebox';
import { Dict, Int, NullStr, Num, obj } from './common.js';

export const INTEGRATION_KINDS = ['ga4', 'hubspot', 'salesforce'] as const;
const Kind = Type.Union([Type.Literal('ga4'), Type.Literal('hubspot'), Type.Literal('salesforce')], { description: 'the outside service' });
const Strings = (description: string, max: number) =>
  Type.Record(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }), Type.String({ maxLength: 4096 }), { maxProperties: max, description });

export const IntegrationIdParams = Type.Object({ integration_id: Type.String({ minLength: 1, maxLength: 64 }) });

export const IntegrationInput = Type.Object({
  kind: Kind,
  name: Type.String({ minLength: 1, maxLength: 100 }),
  config: Type.Optional(Strings('non-secret settings of the connector (README: integrations)', 30)),
  credentials: Strings('secrets (tokens, client secrets): stored encrypted, never returned', 10),
  schedule_minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080, description: 'minutes between scheduled syncs (0: on demand only); default 60' })),
  enabled: Type.Optional(Type.Boolean({ description: 'scheduled syncs run only while enabled; default true' })),
}, { additionalProperties: false });
export type IntegrationInput = Static<typeof IntegrationInput>;

export const IntegrationPatch = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  config: Type.Optional(Strings('replaces the whole configuration', 30)),
  credentials: Type.Optional(Strings('credentials named here are replaced (an empty string removes one); the others are kept', 10)),
  schedule_minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080 })),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type IntegrationPatch = Static<typeof IntegrationPatch>;

const Counts = Dict(Int, 'per object (contact, deal, lead, opportunity, traffic_day)');

export const RunReportOut = obj({
  objects: Type.Array(obj({
    object: Type.String(), since: NullStr, pages: Int, fetched: Int, inserted: Int, updated: Int, unchanged: Int,
    conflicts_resolved: Int, duplicates: Int, missing_ids: Int, clock_skew: Int,
  })),
  findings: Type.Array(Type.String(), { description: 'up to 20 examples of what the checks found and of retries' }),
  rate_limited_retries: Int,
  push: Type.Union([obj({ since: NullStr, sent: Int, accepted: Int, rejected: Type.Array(obj({ execution_id: Type.String(), reason: Type.String() })) }), Type.Null()]),
  token_refreshed: Type.Boolean(),
});

export const RunOut = obj({
  run_id: Type.String(),
  integration_id: Type.String(),
  trigger: Type.String({ description: 'schedule | manual' }),
  status: Type.String({ description: 'queued | running | succeeded | failed' }),
  progress: Num,
  started_at: Type.String(),
  finished_at: NullStr,
  cursor_before: Dict(Type.String()),
  cursor_after: Dict(Type.String()),
  fetched: Counts,
  inserted: Counts,
  updated: Counts,
  unchanged: Counts,
  conflicts_resolved: Counts,
  duplicates: Counts,
  missing_ids: Counts,
  clock_skew: Counts,
  rate_limited_retries: Int,
  pushed: Int,
  push_rejected: Int,
  error: Type.String(),
  report: Type.Union([RunReportOut, Type.Null()]),
});
export type RunOut = Static<typeof RunOut>;

export const SuccessRate = obj({
  runs: Type.Integer({ description: 'finished runs counted (the last 100 at most)' }),
  succeeded: Int,
  rate: Type.Union([Type.Number(), Type.Null()], { description: 'succeeded ÷ runs; null before the first finished run' }),
});

export const IntegrationOut = obj({
  integration_id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  config: Dict(Type.String()),
  credentials_set: Type.Array(Type.String(), { description: 'the names of the credentials stored (their values are never returned)' }),
  schedule_minutes: Int,
  enabled: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
  last_run: Type.Union([RunOut, Type.Null()]),
  success_rate: SuccessRate,
});
export type IntegrationOut = Static<typeof IntegrationOut>;

export const IntegrationsResponse = obj({ integrations: Type.Array(IntegrationOut) });
export const RunsResponse = obj({ runs: Type.Array(RunOut), success_rate: SuccessRate });
export const SyncAccepted = obj({ run_id: Type.String(), integration_id: Type.String(), status: Type.String() });
