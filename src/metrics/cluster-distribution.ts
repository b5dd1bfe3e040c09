/**
 * How each panel's queries run on a cluster (docs/cluster.md), and why each equals the single-node answer.
 * Pure data, checked against the cluster layout by cluster-distribution.test.ts.
 *
 * - `merged`: every shard aggregates its rows, the initiator merges the partial states (count, sum, min, max,
 *   uniqExact, quantilesExact and the -State/-Merge pairs merge exactly; ORDER BY … LIMIT takes each shard's
 *   first rows and sorts them again). Exact whatever the placement of rows.
 * - `final`: reads with FINAL collapse the versions of one sorting key on each shard: exact because the table's
 *   sharding columns are part of its sorting key, so every version of a row is on the same shard.
 * - `co-located`: an IN or JOIN subquery over a Distributed table reads each shard's local table
 *   (distributed_product_mode = 'local', server.ts): exact because both sides are sharded by the execution key.
 * - `replicated`: a table held whole by every node, read where the query runs.
 */
export type Distribution = 'merged' | 'final' | 'co-located' | 'replicated';

export interface PanelDistribution {
  /** The modules that hold the panel's SQL (relative to src/). */
  modules: readonly string[];
  /** Tables read, and how each read is distributed. */
  reads: ReadonlyArray<{ table: string; how: Distribution }>;
  /** The aggregate functions the panel's SQL merges across shards. */
  aggregates: readonly string[];
  why: string;
}

/** Aggregates whose partial states merge exactly (the result is the one a single node computes). */
export const EXACT_MERGE = new Set([
  'count', 'countIf', 'sum', 'sumIf', 'avg', 'avgIf', 'min', 'max', 'minIf', 'maxIf', 'uniqExact', 'uniqExactIf',
  'quantilesExact', 'quantilesExactIf', 'quantilesExactStateIf', 'quantilesExactMerge', 'quantileExact', 'sumMap', 'any',
  'groupUniqArray', 'groupArray', 'groupArrayIf',
]);

/** Estimators: approximate on one node already; merged across shards they remain estimates of the same accuracy. */
export const ESTIMATES = new Set(['quantilesTDigestMerge', 'quantilesTDigestMergeState', 'quantilesTDigestStateIf']);

export const PANEL_DISTRIBUTION: Readonly<Record<string, PanelDistribution>> = {
  summary: {
    modules: ['metrics/summary.ts', 'metrics/summary-days.ts', 'metrics/definitions.ts', 'store/execution-facts.ts'],
    reads: [{ table: 'execution_facts', how: 'final' }, { table: 'facts_time_spans', how: 'merged' }],
    aggregates: ['countIf', 'sum', 'sumIf', 'quantilesExactStateIf', 'quantilesExactMerge', 'groupArrayIf'],
    why: 'one row per execution after FINAL on its shard; counts and exact quantile states per outcome merge on the initiator, and so do the day states\' counts, sums and values (gathered from every shard, then sorted); the time-span bound is the maximum over shards',
  },
  trends: {
    modules: ['metrics/series.ts', 'metrics/definitions.ts'],
    reads: [{ table: 'workflow_events_hourly', how: 'merged' }, { table: 'workflow_events_daily', how: 'merged' }, { table: 'execution_facts', how: 'final' }],
    aggregates: ['sum', 'countIf'],
    why: 'rollup sums per bucket from every shard add up to the single-node sums; cohort counts per bucket after FINAL per shard',
  },
  funnel: {
    modules: ['metrics/funnel.ts', 'metrics/funnel-days.ts', 'store/execution-facts.ts'],
    reads: [{ table: 'execution_facts', how: 'final' }],
    aggregates: ['count', 'countIf', 'sum', 'minIf', 'sumMap', 'quantilesExactIf'],
    why: 'an execution\'s steps are one row on one shard (the sharding key is part of the sorting key); per-day and per-step counts, sums, first entries, losses and exact quantiles merge',
  },
  actions: {
    modules: ['metrics/actions.ts'],
    reads: [
      { table: 'workflow_events_daily', how: 'merged' }, { table: 'workflow_events_hourly', how: 'merged' },
      { table: 'events', how: 'merged' }, { table: 'step_durations_from_timestamps', how: 'final' },
    ],
    aggregates: ['sum', 'sumMap', 'quantilesTDigestMergeState', 'quantilesTDigestStateIf', 'quantilesTDigestMerge'],
    why: 'counts and duration sums add up exactly; p50/p95 are t-digest estimates on one node too, merged from the shards\' digests',
  },
  drilldown: {
    modules: ['metrics/drilldown.ts', 'store/execution-facts.ts'],
    reads: [{ table: 'execution_facts', how: 'final' }, { table: 'events', how: 'merged' }],
    aggregates: ['count'],
    why: 'ORDER BY … LIMIT per shard, then again on the initiator: the same first rows; counts add up; one execution\'s events are on one shard',
  },
  comparison: {
    modules: ['metrics/comparison.ts'],
    reads: [{ table: 'execution_facts', how: 'final' }],
    aggregates: ['countIf', 'count', 'quantileExact'],
    why: 'groups (variant, version) are columns of the facts; counts and exact quantiles merge',
  },
  'platform executions and stats': {
    modules: ['metrics/platform/stats.ts', 'metrics/platform/executions.ts', 'metrics/definitions.ts', 'metrics/scope.ts'],
    reads: [{ table: 'execution_facts', how: 'final' }],
    aggregates: ['countIf', 'avgIf', 'quantilesExactIf'],
    why: 'cohort rows after FINAL per shard; averages merge as (sum, count) states',
  },
  'platform costs': {
    modules: ['metrics/platform/costs.ts'],
    reads: [{ table: 'cost_events', how: 'merged' }, { table: 'events', how: 'co-located' }],
    aggregates: ['sum', 'uniqExact', 'any'],
    why: 'the user of an execution is joined from events of the same execution, on the same shard as its costs',
  },
  'platform errors': {
    modules: ['metrics/platform/errors.ts'],
    reads: [{ table: 'failure_events', how: 'merged' }],
    aggregates: ['count', 'countIf', 'uniqExact'],
    why: 'occurrences add up; uniqExact of (workflow, execution) merges exactly',
  },
  'platform activity': {
    modules: ['metrics/platform/activity.ts'],
    reads: [{ table: 'events', how: 'merged' }],
    aggregates: ['count', 'countIf', 'uniqExact', 'uniqExactIf', 'sum', 'avg', 'quantilesExact', 'max'],
    why: 'a session\'s length is grouped by (user, session) in a subquery merged on the initiator before the outer quantiles',
  },
  'platform steps': {
    modules: ['metrics/platform/steps.ts'],
    reads: [{ table: 'events', how: 'merged' }, { table: 'step_durations_from_timestamps', how: 'final' }],
    aggregates: ['count', 'countIf', 'sum', 'quantilesExact'],
    why: 'durations from events and from timestamps are unioned per shard, counted and their exact quantiles merged',
  },
  'platform roi': {
    modules: ['metrics/platform/roi.ts'],
    reads: [{ table: 'workflows', how: 'replicated' }],
    aggregates: [],
    why: 'the catalog is on every node; the figures it multiplies come from the panels above',
  },
  'ingest deduplication': {
    modules: ['ingest/dedupe.ts'],
    reads: [{ table: 'event_ids', how: 'merged' }],
    aggregates: [],
    why: 'a batch\'s id hashes are looked up on every shard (the outer query runs on the initiator); a repeated event id of one execution lands on the shard of its first copy',
  },
};
