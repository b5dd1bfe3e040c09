/**
 * Names for ids a report returns: each workflow's name and its steps' names as the catalog registered them
 * (the newest version that knows a step names it; a step no version registers, or a workflow only seen in
 * events, is named by its id).
 */
import type { CatalogStep } from './catalog.js';
import type { Store } from '../store/store.js';

export interface CatalogNames {
  workflow: (workflowId: string) => string;
  step: (workflowId: string, stepId: string) => string;
}

export async function catalogNames(store: Store, accountId: string, workflowIds: string[]): Promise<CatalogNames> {
  const rows = workflowIds.length === 0 ? [] : await store.query<{ workflow_id: string; name: string; steps: string[] }>(
    `SELECT workflow_id, argMax(name, version) AS name, arrayMap(x -> x.2, arrayReverseSort(x -> x.1, groupArray((version, steps)))) AS steps
     FROM workflows FINAL WHERE account_id = {a:String} AND workflow_id IN {w:Array(String)}
     GROUP BY workflow_id`,
    { a: accountId, w: workflowIds },
  );
  const workflows = new Map<string, string>();
  const steps = new Map<string, Map<string, string>>();
  for (const r of rows) {
    workflows.set(r.workflow_id, r.name);
    const named = new Map<string, string>();
    // newest version first: a step keeps the name its newest version gives it
    for (const json of r.steps) for (const s of JSON.parse(json) as CatalogStep[]) if (!named.has(s.step_id)) named.set(s.step_id, s.name);
    steps.set(r.workflow_id, named);
  }
  return {
    workflow: (id) => workflows.get(id) ?? id,
    step: (wf, id) => steps.get(wf)?.get(id) ?? id,
  };
}
