/**
 * The workflow catalog: registered versions (name, steps, owner, value settings) and workflows only
 * seen in events. A workflow exists for an account once registered or once an event names it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { isoUtc } from '../store/params.js';
import type { Store } from '../store/store.js';

export const CatalogStep = Type.Object(
  {
    step_id: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 256 }),
    order: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    type: Type.Union(['trigger', 'action', 'condition', 'wait', 'goal'].map((s) => Type.Literal(s))),
    action_type: Type.Optional(Type.String({ maxLength: 128 })),
    delay_seconds: Type.Optional(Type.Number({ minimum: 0, maximum: 31_536_000, description: "a wait step's configured delay (at most a year): the funnel shows the time spent waiting against it" })),
  },
  { additionalProperties: false },
);

export const WorkflowRegistration = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    owner_user_id: Type.Optional(Type.String({ maxLength: 128 })),
    steps: Type.Array(CatalogStep, { maxItems: 1000 }),
    time_saved_seconds_per_execution: Type.Optional(Type.Number({ minimum: 0, maximum: 31_536_000, description: 'at most a year' })),
    value_per_conversion_usd: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12 })),
  },
  { additionalProperties: false },
);
export type WorkflowRegistration = Static<typeof WorkflowRegistration>;
export type CatalogStep = Static<typeof CatalogStep>;

export interface WorkflowVersion extends WorkflowRegistration {
  workflow_id: string;
  registered_at: string;
}

export interface WorkflowListItem {
  workflow_id: string;
  name: string;
  registered: boolean;
  latest_version: number | null;
  versions: number[];
  owner_user_id: string | null;
  first_event_at: string | null;
  last_event_at: string | null;
  events: number;
}

export async function registerWorkflow(store: Store, accountId: string, workflowId: string, w: WorkflowRegistration) {
  const t = new Date().toISOString();
  const existing = await getWorkflowVersion(store, accountId, workflowId, w.version);
  await store.insert('workflows', [
    {
      account_id: accountId,
      workflow_id: workflowId,
      version: w.version,
      name: w.name,
      owner_user_id: w.owner_user_id ?? '',
      steps: JSON.stringify([...w.steps].sort((a, b) => a.order - b.order)),
      time_saved_seconds_per_execution: w.time_saved_seconds_per_execution ?? null,
      value_per_conversion_usd: w.value_per_conversion_usd ?? null,
      registered_at: existing?.registered_at ?? t,
      updated_at: t,
    },
  ]);
  return { created: existing === null };
}

interface WorkflowRow {
  workflow_id: string;
  version: number;
  name: string;
  owner_user_id: string;
  steps: string;
  time_saved_seconds_per_execution: number | null;
  value_per_conversion_usd: number | null;
  registered_at: string;
}

function toVersion(r: WorkflowRow): WorkflowVersion {
  return {
    workflow_id: r.workflow_id,
    version: r.version,
    name: r.name,
    ...(r.owner_user_id ? { owner_user_id: r.owner_user_id } : {}),
    steps: JSON.parse(r.steps) as CatalogStep[],
    ...(r.time_saved_seconds_per_execution !== null ? { time_saved_seconds_per_execution: r.time_saved_seconds_per_execution } : {}),
    ...(r.value_per_conversion_usd !== null ? { value_per_conversion_usd: r.value_per_conversion_usd } : {}),
    registered_at: isoUtc(r.registered_at) ?? r.registered_at,
  };
}

/** One registered version, or the latest one when `version` is omitted; null when not registered. */
export async function getWorkflowVersion(
  store: Store,
  accountId: string,
  workflowId: string,
  version?: number,
): Promise<WorkflowVersion | null> {
  const rows = await store.query<WorkflowRow>(
    `SELECT workflow_id, version, name, owner_user_id, steps, time_saved_seconds_per_execution,
            value_per_conversion_usd, toString(registered_at) AS registered_at
     FROM workflows FINAL
     WHERE account_id = {a:String} AND workflow_id = {w:String} AND ({v:UInt32} = 0 OR version = {v:UInt32})
     ORDER BY version DESC LIMIT 1`,
    { a: accountId, w: workflowId, v: version ?? 0 },
  );
  return rows[0] ? toVersion(rows[0]) : null;
}

export async function listWorkflowVersions(store: Store, accountId: string, workflowId: string): Promise<WorkflowVersion[]> {
  const rows = await store.query<WorkflowRow>(
    `SELECT workflow_id, version, name, owner_user_id, steps, time_saved_seconds_per_execution,
            value_per_conversion_usd, toString(registered_at) AS registered_at
     FROM workflows FINAL WHERE account_id = {a:String} AND workflow_id = {w:String} ORDER BY version`,
    { a: accountId, w: workflowId },
  );
  return rows.map(toVersion);
}

/** Whether the workflow exists for the account (registered, or named by an event). */
export async function workflowExists(store: Store, accountId: string, workflowId: string): Promise<boolean> {
  const rows = await store.query(
    `SELECT 1 FROM workflows WHERE account_id = {a:String} AND workflow_id = {w:String}
     UNION ALL
     SELECT 1 FROM workflows_seen WHERE account_id = {a:String} AND workflow_id = {w:String}
     LIMIT 1`,
    { a: accountId, w: workflowId },
  );
  return rows.length > 0;
}

/** The account's workflows, or just one when `workflowId` is given. */
export async function listWorkflows(store: Store, accountId: string, workflowId = ''): Promise<WorkflowListItem[]> {
  return store.query<Omit<WorkflowListItem, 'registered'> & { registered: number }>(
    `WITH reg AS (
        SELECT workflow_id, argMax(name, version) AS name, max(version) AS latest_version,
               groupArray(version) AS versions, argMax(owner_user_id, version) AS owner_user_id
        FROM workflows FINAL WHERE account_id = {a:String} AND ({w:String} = '' OR workflow_id = {w:String})
        GROUP BY workflow_id
     ),
     seen AS (
        SELECT workflow_id, groupUniqArrayArray(versions) AS versions, min(first_event) AS first_event,
               max(last_event) AS last_event, sum(events) AS events
        FROM workflows_seen WHERE account_id = {a:String} AND ({w:String} = '' OR workflow_id = {w:String})
        GROUP BY workflow_id
     )
     SELECT
        if(reg.workflow_id != '', reg.workflow_id, seen.workflow_id) AS workflow_id,
        if(reg.workflow_id != '', reg.name, seen.workflow_id) AS name,
        reg.workflow_id != '' AS registered,
        if(reg.workflow_id != '', reg.latest_version, NULL) AS latest_version,
        arraySort(arrayDistinct(arrayConcat(ifNull(reg.versions, []), ifNull(seen.versions, [])))) AS versions,
        nullIf(reg.owner_user_id, '') AS owner_user_id,
        if(seen.workflow_id != '', toString(seen.first_event), NULL) AS first_event_at,
        if(seen.workflow_id != '', toString(seen.last_event), NULL) AS last_event_at,
        ifNull(seen.events, 0) AS events
     FROM reg FULL OUTER JOIN seen ON reg.workflow_id = seen.workflow_id
     ORDER BY name, workflow_id`,
    { a: accountId, w: workflowId },
    { settings: { join_use_nulls: 0 } },
  ).then((rows) =>
    rows.map((r) => ({
      ...r,
      registered: Boolean(r.registered),
      first_event_at: isoUtc(r.first_event_at),
      last_event_at: isoUtc(r.last_event_at),
    })),
  );
}

/** The A/B variants a workflow's executions were started in (for the variant filter), sorted. */
export async function workflowVariants(store: Store, accountId: string, workflowId: string): Promise<string[]> {
  const rows = await store.query<{ variant: string }>(
    `SELECT DISTINCT toString(variant) AS variant FROM events
     WHERE account_id = {a:String} AND workflow_id = {w:String} AND type = 'execution.started' AND variant != ''
     ORDER BY variant LIMIT 1000`,
    { a: accountId, w: workflowId },
  );
  return rows.map((r) => r.variant);
}
