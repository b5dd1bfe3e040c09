/**
 * Workflows side by side, over the cohort of a period: a workflow's performance trend, several
 * workflows (or versions of one) compared, and rankings.
 */
import type { RankedWorkflow } from '../../contract/index.js';
import type { Store } from '../../store/store.js';
import { buckets, type Period } from '../period.js';
import { cohortStats, emptyStats, type Stats } from './stats.js';
import type { Target } from './target.js';

/** Totals and one row per bucket (empty buckets are zeros). */
export async function performance(store: Store, t: Target, p: Period) {
  const [total, perBucket] = await Promise.all([cohortStats(store, t, p, []), cohortStats(store, t, p, ['bucket'])]);
  const byKey = new Map(perBucket.map((r) => [r.bucket, r.stats]));
  return {
    totals: total[0]?.stats ?? emptyStats(),
    trends: buckets(p).map((b) => ({ date: b.date, ...(byKey.get(b.key) ?? emptyStats()) })),
  };
}

export interface ComparedItem {
  workflow_id: string;
  version: number | null;
  stats: Stats;
  trends: Array<{ date: string; executions: number; success_rate: number; duration_p50_seconds: number | null; usd: number }>;
}

/** Each listed workflow (or, with `versions`, each version of the one workflow) side by side. */
export async function comparison(store: Store, t: Target, p: Period, versions: number[] | null): Promise<ComparedItem[]> {
  const dims = versions ? (['version'] as const) : (['workflow'] as const);
  const [totals, perBucket] = await Promise.all([cohortStats(store, t, p, dims), cohortStats(store, t, p, [...dims, 'bucket'])]);
  const all = buckets(p);
  const items = versions ? versions.map((v) => ({ workflow_id: t.workflows[0]!, version: v as number | null })) : t.workflows.map((w) => ({ workflow_id: w, version: null as number | null }));
  const same = (r: { workflow_id: string; version: number }, i: { workflow_id: string; version: number | null }) => r.workflow_id === i.workflow_id && (i.version === null || r.version === i.version);
  return items.map((i) => {
    const mine = new Map(perBucket.filter((r) => same(r, i)).map((r) => [r.bucket, r.stats]));
    return {
      ...i,
      stats: totals.find((r) => same(r, i))?.stats ?? emptyStats(),
      trends: all.map((b) => {
        const s = mine.get(b.key) ?? emptyStats();
        return { date: b.date, executions: s.executions, success_rate: s.success_rate, duration_p50_seconds: s.duration_seconds.p50, usd: s.cost.usd };
      }),
    };
  });
}

/** A row of a ranking: the API contract's (src/contract/platform.ts). */
export type RankedRow = RankedWorkflow;

/**
 * Rankings of the target's workflows: slowest (mean duration of completed executions), most failing
 * (failure rate, among workflows with at least `minExecutions`), most used (executions) and most
 * costly (USD of the cohort), each the top `limit`.
 */
export async function rankings(store: Store, t: Target, p: Period, limit: number, minExecutions: number) {
  const rows = await cohortStats(store, t, p, ['workflow']);
  const rank = (value: (s: Stats) => number | null, keep: (s: Stats) => boolean = () => true): RankedRow[] =>
    rows
      .filter((r) => keep(r.stats) && value(r.stats) !== null)
      .map((r) => ({ workflow_id: r.workflow_id, value: value(r.stats)!, executions: r.stats.executions, stats: r.stats }))
      .sort((a, b) => b.value - a.value || b.executions - a.executions || a.workflow_id.localeCompare(b.workflow_id))
      .slice(0, limit)
      .map(({ workflow_id, value: v, executions, stats }, i) => ({
        rank: i + 1, workflow_id, value: v, executions,
        success_rate: stats.success_rate, failure_rate: stats.failure_rate, failed: stats.failed,
        duration_seconds: stats.duration_seconds, cost_usd: stats.cost.usd, usd_per_execution: stats.cost.usd_per_execution,
      }));
  return {
    slowest: rank((s) => s.duration_seconds.mean),
    most_failing: rank((s) => (s.failed > 0 ? s.failure_rate : null), (s) => s.executions >= minExecutions),
    most_used: rank((s) => (s.executions > 0 ? s.executions : null)),
    most_costly: rank((s) => (s.cost.usd > 0 ? s.cost.usd : null)),
  };
}
