/**
 * The metrics query service: the one way figures are asked for. It resolves the workflows a caller may read
 * (or checks the ones it named), waits until the derived tables hold every event stored before the question
 * (Freshness.settled), keeps answers by data generation (ResultCache: an answer is never served after an event
 * that could change it was stored), and shares the work panels have in common — the workflow's catalog read
 * once per generation, and per-day states that any new window reuses (the funnel's counts, history summaries, the
 * monthly cohort matrix).
 * Route handlers only parse, call and shape; the JSON export, the platform pages and the coming dashboards and
 * alerts ask through it too. (Live streams count every figure in one statement of their own, live-figures.ts,
 * and the stream test checks they agree with the panels.)
 */
import type { ActionsResponse, FunnelResponse, SummaryResponse, VersionsResponse, WorkflowsOverviewResponse } from '../contract/index.js';
import { InvalidInput } from '../errors/domain-errors.js';
import type { Principal } from '../auth/principal.js';
import { getWorkflowVersion, type WorkflowVersion } from '../catalog/catalog.js';
import { checkReadable, readableWorkflows } from '../catalog/readable.js';
import type { Freshness } from '../derived/freshness.js';
import { inBackground, type Store } from '../store/store.js';
import { ResultCache, type Keep } from './cache.js';
import { cohortsAnswer, type CohortRequest, type CohortRows } from './cohorts.js';
import { countMonthKeys, dayRanges, monthRows, splitOverlappedDays, splitPeriod, type KeyedCount } from './cohort-month-keys.js';
import { countDays, dayStateBytes, durationRuns, emptyDayState, partOfDay, summaryFromDays, type DayState } from './summary-days.js';
import { mergeRuns, rankOfRuns, rankSumAndTies } from '../stats/sorted-runs.js';
import { summariesWithTrends, type SummaryAndTrends } from './summary.js';
import { segmentsAnswer, type SegmentRequest } from './segments.js';
import type { SegmentsResponse } from '../contract/segments.js';
import { historyOf, insideRawWindow, type HistoryPanel } from './history.js';
import type { RetentionHorizons } from '../store/retention.js';
import type { PeriodOut as PeriodOutBody } from '../contract/common.js';
import { DAY_MS, localDate } from '../time/calendar.js';
import type { CohortsResponse } from '../contract/cohorts.js';
import type { FunnelCounter } from './funnel.js';
import { countFunnelDays, emptyFunnelCounts, funnelCountsBytes, mergeFunnelCounts, stepTimesOfRuns, type FunnelCounts, type StepTimes } from './funnel-days.js';
import { workflowsOverview } from './overview.js';
import { actionsBody, funnelBody, PeriodOut, summaryBody, withPeriodProgress, type PeriodParts } from './panels.js';
import { buckets, parsePeriod, previousPeriod, type Period } from './period.js';
import { onlyFilters, targetOf, type Filters, type Scope, type Target } from './scope.js';
import { dailyGroupCounts, groupsPresent, rankFigures, totalsByGroup, type GroupBy, type GroupCounts, type GroupDay, type RankFigures, type Window } from './comparison.js';
import { COMPARABLE, metric, type ComparableMetric } from './definitions.js';
import { metricSeries, type Bucket, type SeriesPoint, type SeriesWindow } from './series.js';
import { ALPHA, compareGroups, groupValues, medianRanks } from './group-comparison.js';

/** The counts of groups of one workflow's cohort (versions, experiment variants), for group-comparison.ts. */
export interface GroupsAnswer {
  /** Per local day and group (the looks of a sequential test). */
  days: GroupDay[];
  /** Per group, in the order asked. */
  totals: GroupCounts[];
  /** Percentile metrics: order statistics and rank sums against the first group. */
  ranks: Partial<Record<ComparableMetric, RankFigures>>;
}

/** A target once its data is waited for: what answers computed now reflect (see keepFor). */
interface Settled {
  target: Target;
  stamp: readonly number[];
  until: readonly number[] | null;
  generation: number;
}

/** The panels of one workflow over one period, each answered once per generation. */
export interface WorkflowPanels {
  summary(): Promise<SummaryResponse>;
  funnel(): Promise<FunnelResponse>;
  actions(): Promise<ActionsResponse>;
}

/**
 * What the exact summary day states may hold together: 90 days of twenty 1M-enrollment workflows, each unfiltered
 * and per version, take ≈220 MB; at 10M enrollments a workflow's take ≈110 MB, so the least recently used go.
 */
const EXACT_STATES_MB = 512;

/**
 * The most days a funnel request counts with their step times (funnelCounts): its edges and today are counted with
 * them every time, a day a late event touched when next asked; more missing days (a filter's first window, states
 * not prepared yet or let go) take the engine's percentiles over the period instead, as cheap as before the states
 * held times, where counting them would transfer every step time of those days (≈66,000 a day at 1M enrollments).
 */
const REQUEST_DAYS_WITH_TIMES = 3;

export class MetricsQueryService {
  /** Every panel, platform page and catalog read shares one cache (a dashboard asks a few dozen answers). */
  private readonly cache = new ResultCache(4000);
  /** Per-day states of monthly cohort matrices (cohort-month-keys.ts): a day of one workflow, filter and metric each. */
  private readonly dayStates = new ResultCache(50_000);
  /**
   * Per-day states of history periods' summaries (summary-days.ts): a day of one workflow and filter each, ≈16 KB
   * at 10M enrollments (its percentile buckets and quarter hours), so fewer: two years of six workflows or filters.
   */
  private readonly summaryDays = new ResultCache(4_400);
  /**
   * Per-day states of summaries inside the raw window (summary-days.ts, exact: every duration and time to conversion
   * of the day's cohort, ≈60 KB a day at 1M enrollments over 90 days, ≈0.6 MB at 10M): at most 92 days of 65
   * workflows, versions or filters — what a start prepares (FLOWLENS_PREPARE_WORKFLOWS, 20, each unfiltered and per
   * version: a version's states split its workflow's values) and room besides — and at most EXACT_STATES_MB together.
   */
  private readonly summaryExactDays = new ResultCache(6_000, { max: EXACT_STATES_MB * 1024 * 1024, of: (s) => dayStateBytes(s as DayState) });
  /**
   * Per-day states of funnels (funnel-days.ts): a day of one workflow, filter and catalog order each, ≈1–2 KB of
   * counts, and inside the raw window every step time of the day's cohort (≈0.5 MB a day of the bench's 1M workflow),
   * at most EXACT_STATES_MB together.
   */
  private readonly funnelDays = new ResultCache(20_000, { max: EXACT_STATES_MB * 1024 * 1024, of: (s) => funnelCountsBytes(s as FunnelCounts) });

  constructor(
    readonly store: Store,
    private readonly freshness: Freshness,
    /** Where the retention windows begin now: an answer reaching back before the raw window says so (history.ts). */
    private readonly horizons: () => RetentionHorizons = () => ({ raw: null, daily: null }),
  ) {}

  /** `body` with its period's history note, when the period reaches back before the raw window. */
  private withHistory<T extends { period: PeriodOutBody }>(body: T, period: Period, panel: HistoryPanel): T {
    const history = historyOf(period, this.horizons(), panel);
    return history ? { ...body, period: { ...body.period, history } } : body;
  }

  /**
   * The caller's target: the named workflows (each must exist, else NotFound, and be readable, else
   * Forbidden; `param` names the parameter in those errors), or every workflow the caller may read.
   */
  async targetFor(p: Principal, named: string[] | undefined, param = 'workflow_id', filters: Filters = {}): Promise<Target> {
    let workflows: string[];
    if (named) {
      await checkReadable(this.store, p, named, param);
      workflows = named;
    } else workflows = (await readableWorkflows(this.store, p)).map((w) => w.workflow_id);
    return { account: p.accountId, workflows, ...filters };
  }

  /** Resolves once the derived tables of every workflow of the target hold every event stored before the call. */
  async settled(t: Target): Promise<void> {
    await Promise.all(t.workflows.map((w) => this.freshness.settled(t.account, w)));
  }

  /** The data generation of a target: it changes whenever one of its workflows' figures may have. */
  generation(t: Target): number {
    return t.workflows.reduce((sum, w) => sum + this.freshness.generation(t.account, w), 0);
  }

  /** Each workflow's generation, read before waiting for the data (see Keep.stamp). */
  private stampOf(t: Target): number[] {
    return t.workflows.map((w) => this.freshness.generation(t.account, w));
  }

  /**
   * Waits for the target's data: the generations read before (stamp), those then reached (until; null when one is
   * not known) and the target's generation now — what kept answers and day states are checked against.
   */
  private async settle(t: Target): Promise<Settled> {
    const stamp = this.stampOf(t);
    const reached = await Promise.all(t.workflows.map((w) => this.freshness.settled(t.account, w)));
    return { target: t, stamp, until: reached.every((g) => typeof g === 'number') ? (reached as number[]) : null, generation: this.generation(t) };
  }

  /**
   * How an answer about the instants [from, to) of a target is kept past its generation: only when the range is
   * closed (ended by `now`, so only late events can change it) and inside the raw retention window (nothing of
   * it expires). It then holds while every change of its workflows since `stamp` touched nothing of the range.
   * Only for answers whose every figure is placed at an instant of an execution's events in the range, or is
   * about executions enrolled in it (see src/derived/touched-ranges.ts). `within: 'daily'` for figures of the
   * execution facts only, which are kept (and stay exact) for the daily window.
   */
  private keepFor(t: Target, stamp: readonly number[], until: readonly number[], from: Date, to: Date, now = Date.now(), within: keyof RetentionHorizons = 'raw', cohort = false): Keep | undefined {
    const unchanged = this.freshness.unchangedSince?.bind(this.freshness);
    if (!unchanged || to.getTime() > now) return undefined;
    const horizon = this.horizons()[within];
    if (horizon && from < horizon) return undefined;
    return {
      stamp,
      until,
      holds: (old) => old.length === t.workflows.length && t.workflows.every((w, i) => old[i]! >= until[i]! || unchanged(t.account, w, old[i]!, until[i]!, from, to, cohort)),
    };
  }

  /** Answers the periods of a panel each on its own (see PeriodParts), those closed kept past their generation. */
  private periodParts(scope: Scope, stamp: readonly number[], until: readonly number[] | null, generation: number): PeriodParts {
    const target = targetOf(scope);
    return async <T>(panel: string, periods: Period[], compute: (missing: Period[]) => Promise<T[]>) => {
      const now = Date.now();
      const keyOf = (p: Period) => JSON.stringify([`${panel}.period`, scope, p.from.getTime(), p.to.getTime(), p.timezone, p.granularity]);
      const keeps = periods.map((p) => (until ? this.keepFor(target, stamp, until, p.from, p.to, now) : undefined));
      const found = periods.map((p, i) => this.cache.peek<T>(keyOf(p), generation, keeps[i]));
      const missing = periods.filter((_, i) => !found[i]);
      if (missing.length > 0) {
        const computed = compute(missing);
        missing.forEach((p, j) => {
          const i = periods.indexOf(p);
          found[i] = this.cache.put(keyOf(p), generation, computed.then((all) => all[j]!), keeps[i]);
        });
      }
      return Promise.all(found as Promise<T>[]);
    };
  }

  /** A settled target's answer about the instants [from, to), kept past its generation while closed and untouched (keepFor). */
  private async answerKept<T>(name: string, t: Target, range: { from: Date; to: Date }, key: unknown, compute: (ctx: Settled) => Promise<T>): Promise<T> {
    const ctx = await this.settle(t);
    const keep = ctx.until ? this.keepFor(t, ctx.stamp, ctx.until, range.from, range.to) : undefined;
    if (keep) await this.changesKnown(t);
    return this.cache.get(JSON.stringify([name, t, key]), ctx.generation, () => compute(ctx), keep);
  }

  /**
   * A period's per-day states (cohort-month-keys.ts, summary-days.ts, funnel-days.ts): each closed UTC day of the
   * daily window kept in `cache` under `name` across generations while no stored batch touched it (its cohort figures
   * only, with `cohort`: states of executions by enrolment day); `count` counts, in one go, the rest of the period
   * (its edges, today, days before the window) and the days not kept yet (in runs: dayRanges). Gives every day's
   * state, in order, and the rest's.
   */
  private async dayStatesOf<S, R>(ctx: Settled, cache: ResultCache, name: unknown[], period: { from: Date; to: Date }, empty: () => S,
    count: (ranges: [number, number][], missing: number[], days: number[]) => Promise<{ byDay: Map<number, S>; rest: R }>, cohort = false,
    split: typeof splitPeriod = splitPeriod): Promise<{ days: S[]; dayNumbers: number[]; rest: R }> {
    const { days, rest, keyOf, keeps } = await this.daysOf(ctx, name, period, cohort, split);
    const states = days.map((d, i) => cache.peek<S>(keyOf(d), ctx.generation, keeps[i]));
    const missing = days.filter((_, i) => !states[i]);
    const counted = count([...rest, ...dayRanges(missing)], missing, days);
    days.forEach((d, i) => {
      if (!states[i]) states[i] = cache.put(keyOf(d), ctx.generation, counted.then((x) => x.byDay.get(d) ?? empty()), keeps[i]);
    });
    return { days: await Promise.all(states as Promise<S>[]), dayNumbers: days, rest: (await counted).rest };
  }

  /**
   * How a period splits into days whose states may be kept and a rest (`split`), each day's key under `name` and what
   * its kept state must hold (keepFor), with the target's latest changes known when any may be kept.
   */
  private async daysOf(ctx: Settled, name: unknown[], period: { from: Date; to: Date }, cohort: boolean, split: typeof splitPeriod) {
    const now = Date.now();
    const daily = this.horizons().daily;
    const { days, rest } = split(period.from.getTime(), period.to.getTime(), now, daily ? daily.getTime() : null);
    const keyOf = (day: number) => JSON.stringify([...name, day]);
    const keeps = days.map((d) => (ctx.until ? this.keepFor(ctx.target, ctx.stamp, ctx.until, new Date(d * DAY_MS), new Date((d + 1) * DAY_MS), now, 'daily', cohort) : undefined));
    if (keeps.some(Boolean)) await this.changesKnown(ctx.target);
    return { days, rest, keyOf, keeps };
  }

  /** How many of a period's days `cache` holds no finished state for under `name` (dayStatesOf's days). */
  private async daysMissing(ctx: Settled, cache: ResultCache, name: unknown[], period: { from: Date; to: Date }, cohort: boolean): Promise<number> {
    const { days, keyOf, keeps } = await this.daysOf(ctx, name, period, cohort, splitPeriod);
    return days.filter((d, i) => !cache.settled(keyOf(d), ctx.generation, keeps[i])).length;
  }

  /** A monthly matrix's rows from per-day states (cohort-month-keys.ts, dayStatesOf). */
  private monthRowsFromDays(ctx: Settled): CohortRows {
    return async (scope, period, r, columns) => {
      const { days, rest } = await this.dayStatesOf<KeyedCount[], KeyedCount[]>(ctx, this.dayStates, ['cohort.day', scope, r.metric], period, () => [],
        (ranges, missing, days) => countMonthKeys(this.store, scope, r.metric, ranges, missing, days), true);
      return monthRows([...days.flat(), ...rest], period.timezone, columns);
    };
  }

  /**
   * The summaries and trends of periods of one timezone and granularity from per-day states (summary-days.ts,
   * dayStatesOf), but minute buckets: those reaching back before the raw window (history) with their percentiles
   * from buckets, the others exact (the days' values). Minute trends in one pass over the facts (summary.ts).
   */
  private summaries(ctx: Settled, scope: Scope, periods: Period[]): Promise<SummaryAndTrends[]> {
    const onePass = periods.filter((p) => p.granularity === 'minute');
    const counted = onePass.length > 0 ? summariesWithTrends(this.store, scope, onePass) : Promise.resolve([]);
    return Promise.all(periods.map(async (p) => {
      if (p.granularity === 'minute') return (await counted)[onePass.indexOf(p)]!;
      return this.summaryFromDayStates(ctx, scope, p, insideRawWindow(p.from, this.horizons()));
    }));
  }

  /**
   * A period's summary and trends from per-day states; `exact` (inside the raw window): their values, not buckets,
   * and per quarter hour, so that the days of the period's edges are kept days too, of which it takes its part.
   */
  private async summaryFromDayStates(ctx: Settled, scope: Scope, p: Period, exact: boolean, store: Store = this.store): Promise<SummaryAndTrends> {
    return summaryFromDays(await this.summaryDayParts(ctx, scope, p, exact, store), p);
  }

  /** The summary's states that cover the instants [from, to) once: its days' (exact: each's part of the range) and its rest's. */
  private async summaryDayParts(ctx: Settled, scope: Scope, range: { from: Date; to: Date }, exact: boolean, store: Store = this.store): Promise<DayState[]> {
    const { days, dayNumbers, rest } = await this.dayStatesOf<DayState, DayState>(ctx, exact ? this.summaryExactDays : this.summaryDays, [exact ? 'summary.exact.day' : 'summary.day', scope], range, () => emptyDayState(exact),
      (ranges, missing, days) => countDays(store, scope, ranges, missing, days, exact), false, exact ? splitOverlappedDays : splitPeriod);
    const parts = exact ? days.map((s, i) => partOfDay(s, dayNumbers[i]!, range.from.getTime(), range.to.getTime())) : days;
    return [...parts, rest];
  }

  /**
   * A funnel's counts from per-day states (funnel-days.ts, dayStatesOf), kept per catalog order: the losses depend on
   * it. `store`: where they are counted (the background lane when prepared ahead of requests); `prepared`: counted
   * ahead of requests, every day with its step times (REQUEST_DAYS_WITH_TIMES bounds a request's).
   */
  private funnelCounts(ctx: Settled, scope: Scope, store: Store = this.store, prepared = false): FunnelCounter {
    return async (p, order, times) => {
      // Inside the raw window the states hold their steps' times too, and a period's exact p50 and p95 are selected
      // across them: no statement over the period's cohort. A request counts those times for a few days at most (its
      // edges and today, a day a late event touched): a filter's first window, whose days the preparation did not
      // count, takes the engine's percentiles over the period as before (1M values for 30 days of the bench's
      // variant B at 1M, 10M at 10M enrollments), and keeps counts without times.
      const exactName = ['funnel.exact.day', scope, order];
      const exact = insideRawWindow(p.from, this.horizons()) &&
        (prepared || (await this.daysMissing(ctx, this.funnelDays, exactName, p, true)) <= REQUEST_DAYS_WITH_TIMES);
      const { days, rest } = await this.dayStatesOf<FunnelCounts, { counts: FunnelCounts; times: StepTimes | null }>(ctx, this.funnelDays, exact ? exactName : ['funnel.day', scope, order], p, () => emptyFunnelCounts(exact),
        async (ranges, missing, days) => {
          const counted = await countFunnelDays(store, scope, order, ranges, missing, days, times && !exact ? p : undefined, exact);
          return { byDay: counted.byDay, rest: { counts: counted.rest, times: counted.times } };
        }, true);
      const counts = mergeFunnelCounts([...days, rest.counts]);
      return { counts, times: exact && times ? stepTimesOfRuns(counts) : rest.times };
    };
  }

  /**
   * Counts ahead of requests, on the store's background lane, the per-day states that any window of a workflow's
   * funnel (no filter, the catalog's order of its latest version) and summary (no filter, exact) reuses: every
   * closed UTC day of the `days` before today, the latest first, `chunkDays` a statement (a request waits at most for
   * one); the summary's states of today and tomorrow, which hold until the next write; and the summary's states of
   * each version enrolled in those days (versions compared, durationRanks), one statement pair a version. A
   * workflow's first funnel or summary after a start then counts only its edges and today, as every later one does,
   * instead of every day of its period (issue 30: the first 30-day funnel took 199–219 against 53–87 ms at 1M
   * enrollments). The states are kept as a request's are (dayStatesOf): a day a later batch touches is counted again
   * when next asked.
   */
  async prepare(account: string, workflow: string, days: number, chunkDays: number, stopped: () => boolean = () => false, now = new Date()): Promise<void> {
    const scope: Scope = { account, workflow };
    const target = targetOf(scope);
    const background = inBackground(this.store);
    const order = ((await this.catalog(scope, background))?.steps ?? []).map((s) => s.step_id);
    const today = Math.floor(now.getTime() / DAY_MS);
    const utc = (day: number) => localDate(new Date(day * DAY_MS), 'UTC');
    // states are kept only when the data reached is known
    const settled = async (): Promise<Settled | undefined> => {
      const ctx = await this.settle(target);
      return ctx.until ? ctx : undefined;
    };
    // the summary's states of today and tomorrow (events may be stamped up to a day ahead), kept until the next write
    const current = await settled();
    if (!current) return;
    const ahead = { from: new Date(today * DAY_MS), to: new Date((today + 2) * DAY_MS) };
    await this.summaryDayParts(current, scope, ahead, true, background);
    for (let end = today; end > today - days && !stopped(); end -= chunkDays) {
      const start = Math.max(end - chunkDays, today - days);
      const ctx = await settled();
      if (!ctx) return;
      const period = parsePeriod({ start_date: utc(start), end_date: utc(end - 1), timezone: 'UTC' }, now);
      await this.funnelCounts(ctx, scope, background, true)(period, order, false);
      await this.summaryDayParts(ctx, scope, period, true, background);
    }
    // each version's summary states too: versions compared take their median durations from them (durationRanks)
    const window = { from: new Date((today - days) * DAY_MS), to: new Date((today + 2) * DAY_MS), timezone: 'UTC' };
    for (const version of stopped() ? [] : await groupsPresent(background, scope, window, 'version', 10)) {
      const ctx = await settled();
      if (!ctx || stopped()) return;
      await this.summaryDayParts(ctx, { account, workflow, version: Number(version) }, window, true, background);
    }
  }

  /** Reads what the target's latest changes touched, when not known yet (Freshness.resolveChanges): before kept answers are checked. */
  private async changesKnown(t: Target): Promise<void> {
    if (this.freshness.resolveChanges) await Promise.all(t.workflows.map((w) => this.freshness.resolveChanges!(t.account, w)));
  }

  /** Answers served under a newer generation than they were computed under (closed periods untouched since). */
  get keptAnswers(): number {
    return this.cache.kept;
  }

  /** An answer about a target and period, kept until one of its workflows receives events. */
  cached<T>(name: string, t: Target, period: Period, extra: unknown, compute: () => Promise<T>): Promise<T> {
    return this.cachedBy(name, t, [period.startDate, period.endDate, period.timezone, period.granularity, extra], compute);
  }

  /** An answer about a target that `key` (JSON) tells apart from others, kept until one of its workflows receives events. */
  cachedBy<T>(name: string, t: Target, key: unknown, compute: () => Promise<T>): Promise<T> {
    return this.cache.get(JSON.stringify([name, t, key]), this.generation(t), compute);
  }

  /** A settled target's answer: waits for the data, then answers from the cache or computes. */
  async answer<T>(name: string, t: Target, period: Period, extra: unknown, compute: () => Promise<T>): Promise<T> {
    await this.settled(t);
    return this.cached(name, t, period, extra, compute);
  }

  /**
   * Every workflow the caller may read, with its catalog entry and the cohort figures of the period (the
   * dashboard's list), the figures kept until one of them receives events.
   */
  async overview(p: Principal, period: Period): Promise<WorkflowsOverviewResponse> {
    const listed = await readableWorkflows(this.store, p);
    const target: Target = { account: p.accountId, workflows: listed.map((w) => w.workflow_id) };
    const figures = await this.answer('overview', target, period, null, () => workflowsOverview(this.store, target, period));
    return {
      period: PeriodOut(period),
      workflows: listed.map((w, i) => ({ ...figures[i]!, name: w.name, registered: w.registered, last_event_at: w.last_event_at })),
      bucket_dates: buckets(period).map((b) => b.date),
    };
  }

  /**
   * The counts of groups of a workflow's cohort (by version or variant, the first the baseline) over an instant
   * window that comparing them on `metrics` needs (comparison.ts counts in the engine; group-comparison.ts and
   * the experiments test).
   */
  async groups(scope: Scope, window: Window, by: GroupBy, groups: readonly string[], metrics: readonly ComparableMetric[]): Promise<GroupsAnswer> {
    const ctx = await this.settle(targetOf(scope));
    const key = JSON.stringify(['groups', scope, window.from.getTime(), window.to.getTime(), window.timezone, by, groups, metrics]);
    return this.cache.get(key, ctx.generation, async () => {
      const days = await dailyGroupCounts(this.store, scope, window, by, groups, metrics);
      const totals = totalsByGroup(days, groups);
      const ranks: Partial<Record<ComparableMetric, RankFigures>> = {};
      for (const m of metrics.filter((x) => metric(x).kind === 'percentile')) {
        // the median duration inside the raw window from each group's exact summary states (unless the scope already
        // filters what tells the groups apart); the rest in a statement
        ranks[m] = m === 'duration_hours_p50' && ctx.until && insideRawWindow(window.from, this.horizons()) && scope[by] === undefined
          ? await this.durationRanks(ctx, scope, window, by, groups)
          : await rankFigures(this.store, scope, window, by, groups, m, totals.map((t) => t.measured?.[m] ?? 0), medianRanks);
      }
      return { days, totals, ranks };
    });
  }

  /**
   * The durations' order statistics per group (the median and its interval's ranks, medianRanks) and the rank sums
   * against the first group, from each group's exact summary day states (the durations of its cohort's completed
   * executions, sorted per day: src/stats/sorted-runs.ts) — what rankFigures counts in a statement, equal to it
   * (test/versions-days.test.ts), without reading the cohort again once the groups' days are kept.
   */
  private async durationRanks(ctx: Settled, scope: Scope, window: Window, by: GroupBy, groups: readonly string[]): Promise<RankFigures> {
    const { account, workflow, ...filters } = scope;
    const runs = await Promise.all(groups.map(async (g) => durationRuns(await this.summaryDayParts(ctx, { account, workflow, ...onlyFilters({ ...filters, [by]: by === 'version' ? Number(g) : g }) }, window, true))));
    const hours = (ms: number) => ms / 3_600_000;
    const at = (r: Float64Array[], n: number, rank: number) => (rank > 0 && rank <= n ? hours(rankOfRuns(r, rank - 1)) : null);
    const orders = runs.map((r) => {
      const n = r.reduce((sum, x) => sum + x.length, 0);
      const { low, high } = n > 0 ? medianRanks(n) : { low: 0, high: 0 };
      return { n, median: at(r, n, Math.floor(n / 2) + 1), low: at(r, n, low), high: at(r, n, high) };
    });
    const [first, ...others] = runs.map(mergeRuns);
    return {
      groups: orders,
      pairs: others.map((other) => {
        const { rankSumFirst, tieTerm } = rankSumAndTies(first!, other);
        return { rank_sum_first: rankSumFirst, tie_term: tieTerm };
      }),
    };
  }

  /**
   * A watched metric per hour or day over a window, for each workflow of the target or for them together
   * (series.ts), once the target's derived tables are current; kept until one of its workflows receives events.
   */
  async series(t: Target, name: string, window: SeriesWindow, bucket: Bucket, perWorkflow: boolean): Promise<Map<string, SeriesPoint[]>> {
    return this.answerKept('series', t, window, [name, window.from.getTime(), window.to.getTime(), bucket, perWorkflow], () => metricSeries(this.store, t, name, window, bucket, perWorkflow));
  }

  /**
   * A workflow's cohort matrix over a period (cohorts.ts), once its derived tables are current; kept until it
   * receives events or the day changes (a new day may begin a period of the matrix).
   */
  async cohorts(scope: Scope, period: Period, r: CohortRequest): Promise<CohortsResponse> {
    const now = new Date();
    const key = [period.startDate, period.endDate, period.timezone, period.granularity, [r, localDate(now, period.timezone)]];
    return this.answerKept('cohorts', targetOf(scope), period, key, (ctx) =>
      cohortsAnswer(this.store, scope, period, r, PeriodOut(period), now, r.unit === 'month' ? this.monthRowsFromDays(ctx) : undefined)).then((body) => this.withHistory(body, period, 'cohort'));
  }

  /**
   * A workflow's cohort split into segments (segments.ts: by source, version, variant, exit reason or an
   * execution.started attribute), once its derived tables are current; kept until it receives events.
   */
  async segments(scope: Scope, period: Period, r: SegmentRequest): Promise<SegmentsResponse> {
    return this.answerKept('segments', targetOf(scope), period, [period.startDate, period.endDate, period.timezone, period.granularity, r], () =>
      segmentsAnswer(this.store, scope, period, r, PeriodOut(period))).then((body) => this.withHistory(body, period, 'cohort'));
  }

  /**
   * A workflow's versions compared over a period (the first the baseline; by default every version with
   * enrolments in it, at most 10, ascending): each version's cohort figures and, against the baseline, every
   * comparable metric of the catalog tested, Holm-corrected across all the tests shown.
   */
  async versions(scope: Scope, period: Period, asked: number[] | undefined): Promise<VersionsResponse> {
    await this.freshness.settled(scope.account, scope.workflow);
    const versions = asked ?? (await groupsPresent(this.store, scope, period, 'version', 10)).map(Number);
    if (versions.length < 2) {
      throw new InvalidInput(asked ? 'Name at least two versions to compare' : `Workflow ${scope.workflow} has fewer than two versions with enrollments in the period: name them with versions=`, [{ path: '/versions', message: 'at least two versions' }]);
    }
    const answer = await this.groups(scope, period, 'version', versions.map(String), COMPARABLE);
    const comparisons = compareGroups(answer.totals, COMPARABLE, answer.ranks);
    return {
      workflow_id: scope.workflow,
      period: PeriodOut(period),
      baseline: versions[0]!,
      alpha: ALPHA,
      correction: 'holm',
      versions: versions.map((v, i) => ({ version: v, enrolled: answer.totals[i]!.enrolled, metrics: groupValues(answer.totals[i]!, COMPARABLE, answer.ranks, i) })),
      comparisons: versions.slice(1).map((v, j) => ({ version: v, metrics: comparisons[j]! })),
    };
  }

  /** The workflow version a scope's funnel and actions name and order steps by, read once per generation. */
  catalog(scope: Scope, store: Store = this.store): Promise<WorkflowVersion | null> {
    return this.cache.get(JSON.stringify(['catalog', scope.account, scope.workflow, scope.version ?? null]), this.freshness.generation(scope.account, scope.workflow), () =>
      getWorkflowVersion(store, scope.account, scope.workflow, scope.version));
  }

  /**
   * The panels of one workflow (the SPEC-WFL-009 summary, funnel and actions), once its facts are current. A
   * dashboard asks all three for the same period. The funnel's counts come from per-day states (funnelCounts).
   */
  async workflow(scope: Scope, period: Period, compare: boolean): Promise<WorkflowPanels> {
    const target = targetOf(scope);
    const settled = await this.settle(target);
    const { stamp, until, generation } = settled;
    // each period's part kept on its own: the previous period of a compare, closed, outlives the live events
    const parts = this.periodParts(scope, stamp, until, generation);
    const whole = until ? this.keepFor(target, stamp, until, compare ? previousPeriod(period).from : period.from, period.to) : undefined;
    // a closed period is asked (the compare's previous one, or the period itself): what changed since must be known
    if (until && (compare || period.to.getTime() <= Date.now())) await this.changesKnown(target);
    const cached = <T>(name: string, compute: () => Promise<T>) =>
      this.cache.get(JSON.stringify([name, scope, period.startDate, period.endDate, period.timezone, period.granularity, compare ? 'previous_period' : null]), generation, compute, whole);
    return {
      summary: () =>
        cached('summary', () => {
          return summaryBody(this.store, scope, period, compare, new Date(), parts, (periods) => this.summaries(settled, scope, periods));
        }).then((body) => this.withHistory(withPeriodProgress(body, period), period, 'summary')),
      funnel: () =>
        cached('funnel', () => funnelBody(this.store, scope, period, compare, { catalog: this.catalog(scope), counts: this.funnelCounts(settled, scope), parts }))
          .then((body) => this.withHistory(body, period, 'cohort')),
      actions: () => cached('actions', () => actionsBody(this.store, scope, period, compare, this.catalog(scope), parts)).then((body) => this.withHistory(body, period, 'actions')),
    };
  }
}
