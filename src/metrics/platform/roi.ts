/**
 * ROI per workflow over the cohort of a period (executions enrolled in it), from the catalog's value
 * settings of each execution's version (the latest registered version when that one is not registered),
 * and the account's ROI assumptions (roi-assumptions.ts: its time saved per run of a workflow replaces the catalog's):
 *   time_saved_hours      = succeeded executions × time_saved_seconds_per_execution / 3600
 *   value_generated_usd   = conversions × value_per_conversion_usd  (+ time saved × hourly_rate_usd when given)
 *   cost_usd              = what those executions cost (cost.recorded amount_usd, whenever recorded)
 *   roi_percent           = (value_generated_usd − cost_usd) ÷ cost_usd × 100   (null when nothing cost)
 * A workflow without value settings has nulls for what they would give (never a guessed 0).
 */
import type { Store } from '../../store/store.js';
import type { Period } from '../period.js';
import type { RoiAssumptions } from './roi-assumptions.js';
import { cohortStats } from './stats.js';
import { r2, type Target } from './target.js';

interface CatalogValues {
  workflow_id: string;
  version: number;
  time_saved: number | null;
  value: number | null;
}

async function catalogValues(store: Store, t: Target): Promise<CatalogValues[]> {
  return store.query<CatalogValues>(
    `SELECT workflow_id, version, time_saved_seconds_per_execution AS time_saved, value_per_conversion_usd AS value
     FROM workflows FINAL WHERE account_id = {account:String} AND workflow_id IN {workflows:Array(String)}`,
    { account: t.account, workflows: t.workflows },
  );
}

export interface RoiRow {
  workflow_id: string;
  executions: number;
  succeeded: number;
  conversions: number;
  time_saved_seconds_per_execution: number | null;
  value_per_conversion_usd: number | null;
  time_saved_hours: number | null;
  value_generated_usd: number | null;
  goal_value_usd: number;
  cost_usd: number;
  net_value_usd: number | null;
  roi_percent: number | null;
  time_saved_from: 'account' | 'catalog' | null;
}

export async function roiReport(store: Store, t: Target, p: Period, assumptions: RoiAssumptions) {
  const hourlyRate = assumptions.hourlyRate;
  const [rows, catalog] = await Promise.all([cohortStats(store, t, p, ['version']), catalogValues(store, t)]);
  const settingsOf = (wf: string, v: number) => {
    const versions = catalog.filter((c) => c.workflow_id === wf);
    return versions.find((c) => c.version === v) ?? versions.sort((a, b) => b.version - a.version)[0];
  };
  const byWorkflow = new Map<string, { executions: number; succeeded: number; conversions: number; saved: number | null; value: number | null; goal: number; cost: number; ts: Set<number | null>; vs: Set<number | null> }>();
  for (const r of rows) {
    const s = settingsOf(r.workflow_id, r.version);
    const w = byWorkflow.get(r.workflow_id) ?? { executions: 0, succeeded: 0, conversions: 0, saved: null, value: null, goal: 0, cost: 0, ts: new Set(), vs: new Set() };
    w.executions += r.stats.executions;
    w.succeeded += r.stats.succeeded;
    w.conversions += r.stats.conversions;
    w.goal += r.stats.goal_value_usd;
    w.cost += r.stats.cost.usd;
    const tsv = assumptions.timeSaved?.get(r.workflow_id) ?? s?.time_saved ?? null;
    const vpc = s?.value ?? null;
    w.ts.add(tsv);
    w.vs.add(vpc);
    if (tsv !== null) w.saved = (w.saved ?? 0) + r.stats.succeeded * tsv;
    if (vpc !== null) w.value = (w.value ?? 0) + r.stats.conversions * vpc;
    byWorkflow.set(r.workflow_id, w);
  }
  const single = (s: Set<number | null>) => (s.size === 1 ? [...s][0]! : null);
  const out: RoiRow[] = [...byWorkflow.entries()].map(([workflow_id, w]) => {
    const savedHours = w.saved === null ? null : w.saved / 3600;
    const timeValue = savedHours !== null && hourlyRate !== undefined ? savedHours * hourlyRate : null;
    const generated = w.value === null && timeValue === null ? null : (w.value ?? 0) + (timeValue ?? 0);
    return {
      workflow_id,
      executions: w.executions,
      succeeded: w.succeeded,
      conversions: w.conversions,
      // the setting when every version counted has the same one, else null (see time_saved_hours)
      time_saved_seconds_per_execution: single(w.ts),
      value_per_conversion_usd: single(w.vs),
      time_saved_hours: r2(savedHours),
      value_generated_usd: r2(generated),
      goal_value_usd: r2(w.goal) ?? 0,
      cost_usd: Math.round(w.cost * 10_000) / 10_000,
      net_value_usd: generated === null ? null : r2(generated - w.cost),
      roi_percent: generated === null || w.cost <= 0 ? null : r2(((generated - w.cost) / w.cost) * 100),
      time_saved_from: assumptions.timeSaved?.has(workflow_id) ? 'account' : w.saved !== null ? 'catalog' : null,
    };
  });
  out.sort((a, b) => (b.roi_percent ?? -Infinity) - (a.roi_percent ?? -Infinity) || (b.value_generated_usd ?? 0) - (a.value_generated_usd ?? 0) || a.workflow_id.localeCompare(b.workflow_id));
  const sum = (f: (r: RoiRow) => number | null) => out.some((r) => f(r) !== null) ? r2(out.reduce((s, r) => s + (f(r) ?? 0), 0)) : null;
  const cost = out.reduce((s, r) => s + r.cost_usd, 0);
  const generated = sum((r) => r.value_generated_usd);
  return {
    hourly_rate_usd: hourlyRate ?? null,
    totals: {
      executions: out.reduce((s, r) => s + r.executions, 0),
      time_saved_hours: sum((r) => r.time_saved_hours),
      value_generated_usd: generated,
      cost_usd: Math.round(cost * 10_000) / 10_000,
      net_value_usd: generated === null ? null : r2(generated - cost),
      roi_percent: generated === null || cost <= 0 ? null : r2(((generated - cost) / cost) * 100),
    },
    workflows: out,
  };
}
