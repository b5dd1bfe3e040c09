/**
 * History at scale (issue 31): a two-year trends panel (the summary with its trends, weekly) and a 12×12 monthly
 * cohort matrix over HTTP, at N enrollments (default 10M) spread over the last two years.
 *
 *   npm run bench -- history [--enrollments N] [--data DIR] [--repeats N]
 *
 * Ten million enrollments through the ingest path (≈16 events each, ≈20K events/s) would take days, so the data
 * set is built in the engine: the workflow is registered through the catalog (three versions, an A/B split on the
 * third), then `execution_facts` — all the cohort panels read before the raw window — is filled with
 * INSERT … SELECT FROM numbers(…), in chunks of contiguous enrolment time (bounded memory, a few weeks'
 * partitions per insert), then every week merged to one part as the facts compaction leaves it. Each row is what
 * the facts writer (src/store/execution-facts.ts over execution_state) writes for an execution whose events are:
 * execution.started, step.started/step.completed along the welcome template's seven steps (with durations),
 * then execution.completed, execution.exited or execution.failed at a step, and for some a goal.achieved (status,
 * completed_at, goal_achieved_at, ended_at, exit reason, error type, current step, the sorted steps array, goal
 * types and value, credits, cost, last received time all follow the writer's rules; facts_time_spans and
 * `outcome` are kept by the engine as on every facts write). Executions whose planned end lies after the
 * generation time are still active at the step they reached. Volume grows threefold over the two years.
 * Raw events, execution_state and the rollups are left empty: past the 90-day raw window they have expired in
 * a real store, and neither panel reads them.
 *
 * Before timing, the answers are checked against the simplest direct SQL over execution_facts (two-year enrolled
 * and completed totals, the trend series' sums, one cohort row's size and cells); a difference stops the run.
 * In process, each panel's Flowlens statement and the direct-SQL floor for the same figures are timed; then a
 * real `flowlens serve` process answers over HTTP, every request a period or timezone not asked before.
 * The data directory is kept; `--data DIR` of an earlier run skips the generation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { registerWorkflow } from '../src/catalog/catalog.js';
import { loadConfig } from '../src/config/config.js';
import { TEMPLATES } from '../src/demo/workflows.js';
import { cohortMatrix } from '../src/metrics/cohorts.js';
import { parsePeriod } from '../src/metrics/period.js';
import { scopeOf } from '../src/metrics/scope.js';
import { summariesWithTrends } from '../src/metrics/summary.js';
import type { Summary, TrendRow } from '../src/contract/index.js';
import { RELATIVE_ERROR } from '../src/stats/log-buckets.js';
import { startRuntime } from '../src/runtime.js';
import type { Store } from '../src/store/store.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { keptDir } from '../test/helpers/store.js';
import { settle } from './seed.js';

const KEY = 'fl_bench_operator_key';
const ACCOUNT = 'default';
const WORKFLOW = 'wf-history-bench';
/** The default retention: a 90-day raw window, two years of daily history. The generated enrolments lie within it. */
const RETENTION = { FLOWLENS_RETENTION_RAW_DAYS: '90', FLOWLENS_RETENTION_DAILY_DAYS: '730' } as const;
const DAY_MS = 86_400_000;
/** Enrolments span this many days back from the generation time (inside the 730-day window, with margin for reuse). */
const SPAN_DAYS = 720;
/** Volume at the end of the span against its start: density ∝ 1 + GROWTH·t. */
const GROWTH = 2;
const ROWS_PER_CHUNK = 1_000_000;
const MARKER = 'history-bench.json';
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata'] as const;

interface Generated {
  enrollments: number;
  generatedAt: string;
  generationSeconds: number;
  generationCpuSeconds: number;
}

/** A uniform number in [0, 1) from the execution's number n and a salt k: deterministic, so a data set can be made again. */
const u = (k: number) => `((cityHash64(n, ${k}) % 1000000) / 1000000)`;

// The welcome template's steps (src/demo/workflows.ts), 1-based in the SQL arrays below.
const TEMPLATE = TEMPLATES.find((t) => t.key === 'welcome')!;
const STEP_IDS = TEMPLATE.steps.map((s) => s.step_id);
const MEDIAN_MS = TEMPLATE.steps.map((s) => s.medianSeconds * 1000);
const CREDITS = TEMPLATE.steps.map((s) => s.credits ?? 0);
const COST = TEMPLATE.steps.map((s) => s.costUsd ?? 0);
const STEPS = STEP_IDS.length;
const sqlStrings = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
const sqlNumbers = (xs: readonly number[]) => `[${xs.map((x) => `toFloat64(${x})`).join(', ')}]`;
const at = (array: string, i: string) => `arrayElement(${array}, ${i})`;
const ms = (rel: string) => `fromUnixTimestamp64Milli(toInt64(enrolled_ms + ${rel}), 'UTC')`;
const SUCCEEDED = "status IN ('completed', 'goal_achieved')";

/**
 * One chunk of executions n ∈ [{lo}, {lo} + {count}) of {total}. Times are ms relative to the enrolment until the
 * last SELECT. kind: 1 converts (and completes every step), 2 completes, 3 exits at step lp, 4 fails at step lp,
 * 5 stays active at step lp for good; `planned_end` / `goal_rel` are when that happens, `age` how long ago the
 * execution enrolled at generation time ({now_ms}): what has not happened by then has not happened.
 */
export const GENERATE_SQL = `
INSERT INTO execution_facts (account_id, workflow_id, enrolled_at, execution_id, version, is_deleted, workflow_version, variant,
    contact_id, enrollment_source, trigger_type, status, completed_at, goal_achieved_at, exit_reason, error_type, current_step_id,
    goal_types, goal_value, steps, credits, cost_usd, last_received_at, retain, ended_at)
SELECT
    {account:String}, {workflow:String}, ${ms('0')}, concat('hx-', toString(n)),
    toUInt64(toUnixTimestamp64Micro(now64(6))), toUInt8(0), ver, variant,
    concat('contact-', toString(cityHash64(n, 8) % {contacts:UInt64})),
    multiIf(${u(6)} < 0.8, 'trigger', ${u(6)} < 0.9, 'api', ${u(6)} < 0.98, 'bulk', 'manual'),
    if(${u(7)} < 0.7, 'form_submitted', 'webhook'),
    status,
    if(completed_rel IS NULL, NULL, ${ms('assumeNotNull(completed_rel)')}),
    if(has_goal, ${ms('goal_rel')}, NULL),
    if(status = 'exited', multiIf(lp = 4, 'condition_not_met', ${u(11)} < 0.6, 'unsubscribed', lp IN (3, 6), 'manual_removal', 'bounced'), ''),
    if(status = 'error', if(lp = ${STEPS}, if(${u(12)} < 0.5, 'carrier_rejected', 'invalid_number'),
                             arrayElement(['smtp_timeout', 'invalid_address', 'rate_limited'], 1 + cityHash64(n, 12) % 3)), ''),
    if(status = 'active', ${at('step_ids', 'reached')}, ''),
    if(has_goal, ['purchase'], []),
    if(has_goal, round(20 + 160 * ${u(14)}, 2), 0),
    -- the writer's steps: one per step started, sorted by id (arraySort(arrayDistinct(…)) of execution-facts.ts)
    arraySort(x -> x.1, arrayMap(i -> (${at('step_ids', 'i')}, toInt64(enrolled_ms + ${at('starts', 'i')}), toUInt8(${at('done', 'i')}),
                                       if(${at('done', 'i')}, ${at('d', 'i')} / 1000, 0), toUInt32(${at('done', 'i')})), range(1, reached + 1))),
    arraySum(i -> if(${at('done', 'i')} OR (status = 'error' AND i = lp), ${at('credit', 'i')}, 0), range(1, reached + 1)),
    arraySum(i -> if(${at('done', 'i')}, ${at('cost', 'i')}, 0), range(1, reached + 1)),
    -- received a second or three after the last event
    ${ms(`least(age, greatest(if(ended, planned_end, ${at('starts', 'reached')}), if(has_goal, goal_rel, 0)) + 1000 + toInt64(2000 * ${u(13)}))`)},
    toUInt8(0),
    multiIf(status = 'active', NULL, ${SUCCEEDED}, ${ms('assumeNotNull(completed_rel)')}, ${ms('planned_end')})
FROM (
    SELECT number AS n,
        ${sqlStrings(STEP_IDS)} AS step_ids,
        ${sqlNumbers(CREDITS)} AS credit,
        ${sqlNumbers(COST)} AS cost,
        -- enrolment: the growth curve's inverse CDF at (n + jitter) / total, so a chunk of n is a stretch of time
        (n + ${u(1)}) / {total:UInt64} AS f,
        (sqrt(1 + 2 * {growth:Float64} * f * (1 + {growth:Float64} / 2)) - 1) / {growth:Float64} AS t,
        {start_ms:Int64} + toInt64(t * {span_ms:Int64}) AS enrolled_ms,
        {now_ms:Int64} - enrolled_ms AS age,
        multiIf(enrolled_ms < {now_ms:Int64} - 480 * ${DAY_MS}, 1, enrolled_ms < {now_ms:Int64} - 240 * ${DAY_MS}, 2, 3) AS ver,
        if(ver = 3, if(${u(5)} < 0.5, 'A', 'B'), '') AS variant,
        -- time in each step: its median × 0.6–1.4; starts and ends relative to the enrolment
        arrayMap((m, i) -> toInt64(m * (0.6 + 0.8 * ((cityHash64(n, 20 + i) % 1000000) / 1000000))), ${sqlNumbers(MEDIAN_MS)}, range(${STEPS})) AS d,
        arrayCumSum(d) AS ends,
        arrayMap((e, x) -> e - x, ends, d) AS starts,
        0.27 + 0.03 * (ver - 1) + if(variant = 'B', 0.03, 0) AS goal_share,
        multiIf(${u(2)} < goal_share, 1, ${u(2)} < goal_share + 0.40, 2, ${u(2)} < goal_share + 0.62, 3, ${u(2)} < goal_share + 0.69, 4,
                ${u(2)} < goal_share + 0.70, 5, 2) AS kind,
        multiIf(kind IN (1, 2), ${STEPS},
                kind = 3, multiIf(${u(3)} < 0.1, 2, ${u(3)} < 0.25, 3, ${u(3)} < 0.7, 4, ${u(3)} < 0.8, 5, ${u(3)} < 0.95, 6, 7),
                kind = 4, multiIf(${u(3)} < 0.4, 2, ${u(3)} < 0.7, 5, 7),
                if(${u(3)} < 0.5, 3, 6)) AS lp,
        multiIf(kind IN (1, 2), ${at('ends', String(STEPS))} + 1000,
                kind = 3, ${at('starts', 'lp')} + toInt64(${at('d', 'lp')} * ${u(4)}) + 500,
                kind = 4, ${at('starts', 'lp')} + 5000,
                toInt64(1e15)) AS planned_end,
        -- a conversion: after the opened-email check, within nine days
        ${at('starts', '4')} + toInt64(${u(9)} * 9 * ${DAY_MS}) AS goal_rel,
        kind = 1 AND goal_rel <= age AS has_goal,
        kind != 5 AND planned_end <= age AS ended,
        multiIf(has_goal, 'goal_achieved', ended AND kind IN (1, 2), 'completed', ended AND kind = 3, 'exited', ended AND kind = 4, 'error', 'active') AS status,
        -- completed_at: the execution.completed, else (converted before it) the goal's time
        if(${SUCCEEDED}, toNullable(if(ended, planned_end, goal_rel)), NULL) AS completed_rel,
        arrayCount(i -> i <= lp AND ${at('starts', 'i')} <= age, range(1, ${STEPS + 1})) AS reached,
        arrayMap(i -> ${at('ends', 'i')} <= age AND (i < lp OR kind IN (1, 2)), range(1, ${STEPS + 1})) AS done
    FROM numbers({lo:UInt64}, {count:UInt64}))`;

/** GENERATE_SQL's parameters but the chunk's ({lo}, {count}): `enrollments` over the SPAN_DAYS before `now` (epoch ms). */
export function generationParams(enrollments: number, now: number, account: string, workflow: string) {
  return {
    account, workflow, total: enrollments, contacts: Math.max(1, Math.round(enrollments * 0.6)),
    growth: GROWTH, start_ms: now - SPAN_DAYS * DAY_MS, span_ms: SPAN_DAYS * DAY_MS, now_ms: now,
  };
}

async function generate(store: Store, enrollments: number, log: (s: string) => void): Promise<Generated> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const now = Date.now();
  for (const version of [1, 2, 3]) {
    await registerWorkflow(store, ACCOUNT, WORKFLOW, {
      name: TEMPLATE.name, version, owner_user_id: 'bench',
      steps: TEMPLATE.steps.map(({ step_id, name, order, type, action_type, delay_seconds }) => ({ step_id, name, order, type, ...(action_type ? { action_type } : {}), ...(delay_seconds !== undefined ? { delay_seconds } : {}) })),
      time_saved_seconds_per_execution: TEMPLATE.timeSavedSeconds, value_per_conversion_usd: TEMPLATE.valuePerConversionUsd,
    });
  }
  // at least 16 chunks: one insert writes a few weeks' partitions at a time
  const chunks = Math.max(16, Math.ceil(enrollments / ROWS_PER_CHUNK));
  const base = generationParams(enrollments, now, ACCOUNT, WORKFLOW);
  for (let c = 0; c < chunks; c++) {
    const lo = Math.floor((enrollments * c) / chunks);
    const hi = Math.floor((enrollments * (c + 1)) / chunks);
    await store.command(GENERATE_SQL, { ...base, lo, count: hi - lo });
    log(`generated ${hi.toLocaleString('en-US')} of ${enrollments.toLocaleString('en-US')} executions (${Math.round((performance.now() - t0) / 1000)} s)`);
  }
  // every week one part, as the facts compaction (src/derived/compaction.ts) leaves the weeks nobody writes to
  await store.command('OPTIMIZE TABLE execution_facts FINAL');
  const cpu = process.cpuUsage(cpu0);
  return {
    enrollments, generatedAt: new Date(now).toISOString(),
    generationSeconds: Math.round((performance.now() - t0) / 100) / 10,
    generationCpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
  };
}

const isoDay = (offsetDays: number) => new Date(Date.now() - offsetDays * DAY_MS).toISOString().slice(0, 10);
const localToday = (tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
/** The first day of the month `k` months after the one `date` (YYYY-MM-DD) falls in. */
const monthStart = (date: string, k: number) => {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1 + k, 1));
  return d.toISOString().slice(0, 10);
};

interface TrendsRequest { start: string; end: string; tz: string }
interface CohortRequestQ { start: string; end: string; tz: string }

/** The i-th two-year trends request: a period of 731 − i days ending today (UTC), in a timezone of four. */
const trendsRequest = (i: number): TrendsRequest => ({ start: isoDay(730 - i), end: isoDay(0), tz: ZONES[i % ZONES.length]! });
/** The i-th 12×12 request: the 12 months up to this one, starting i days into the first, in a timezone of four. */
function cohortRequest(i: number): CohortRequestQ {
  const tz = ZONES[i % ZONES.length]!;
  const today = localToday(tz);
  const first = monthStart(today, -11);
  const start = new Date(Date.parse(`${first}T00:00:00Z`) + (Math.floor(i / ZONES.length) % 27) * DAY_MS).toISOString().slice(0, 10);
  return { start, end: today, tz };
}

const trendsUrl = (r: TrendsRequest) => `/api/v1/workflows/${WORKFLOW}/analytics?start_date=${r.start}&end_date=${r.end}&granularity=weekly&timezone=${encodeURIComponent(r.tz)}`;
/** A year of weekly cohorts (53 columns), in the four zones, the start moved by a day. */
function weeklyRequest(i: number): CohortRequestQ {
  const tz = ZONES[i % ZONES.length]!;
  return { start: isoDay(364 - (Math.floor(i / ZONES.length) % 20)), end: localToday(tz), tz };
}
const weeklyUrl = (r: CohortRequestQ) => `/api/v1/workflows/${WORKFLOW}/analytics/cohorts?cohort=week&metric=completed&start_date=${r.start}&end_date=${r.end}&timezone=${encodeURIComponent(r.tz)}`;
const cohortUrl = (r: CohortRequestQ) => `/api/v1/workflows/${WORKFLOW}/analytics/cohorts?cohort=month&metric=completed&start_date=${r.start}&end_date=${r.end}&timezone=${encodeURIComponent(r.tz)}`;

/** [from, to) of a request's local dates, as the engine reads them: the simplest statement of the period, not Flowlens' code. */
const BOUNDS = "toDateTime64({start:String}, 3, {tz:String}) AS lo, toDateTime64({end_next:String}, 3, {tz:String}) AS hi";
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
const WF = 'account_id = {account:String} AND workflow_id = {workflow:String}';

/** The reference figures by the simplest direct SQL (every execution has one row: no FINAL needed). */
async function referenceTotals(store: Store, r: TrendsRequest) {
  const [row] = await store.query<Record<string, number>>(
    `WITH ${BOUNDS}
     SELECT countIf(enrolled_at >= lo AND enrolled_at < hi) AS enrolled,
            countIf(enrolled_at >= lo AND enrolled_at < hi AND ${SUCCEEDED}) AS completed,
            countIf(${SUCCEEDED} AND completed_at >= lo AND completed_at < hi) AS completions,
            countIf(status = 'goal_achieved' AND goal_achieved_at >= lo AND goal_achieved_at < hi) AS conversions
     FROM execution_facts WHERE ${WF}`,
    { account: ACCOUNT, workflow: WORKFLOW, start: r.start, end_next: nextDay(r.end), tz: r.tz },
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

/** One cohort (the month starting `cohort`) by direct SQL: its size and, for k = 0…columns − 1, how many completed before month k + 1 began. */
async function referenceCohort(store: Store, cohort: string, columns: number, tz: string) {
  const bounds = Array.from({ length: columns }, (_, k) => `${monthStart(cohort, k + 1)} 00:00:00`);
  const cells = bounds.map((_, k) => `countIf(${SUCCEEDED} AND completed_at < toDateTime64({b${k}:String}, 3, {tz:String})) AS k${k}`);
  const [row] = await store.query<Record<string, number>>(
    `SELECT count() AS size, ${cells.join(', ')} FROM execution_facts
     WHERE ${WF} AND enrolled_at >= toDateTime64({c:String}, 3, {tz:String}) AND enrolled_at < toDateTime64({c_next:String}, 3, {tz:String})`,
    { account: ACCOUNT, workflow: WORKFLOW, tz, c: `${cohort} 00:00:00`, c_next: `${monthStart(cohort, 1)} 00:00:00`, ...Object.fromEntries(bounds.map((b, k) => [`b${k}`, b])) },
  );
  return { size: Number(row!.size), cells: bounds.map((_, k) => Number(row![`k${k}`])) };
}

/**
 * The floor: the panels' counts by the simplest direct statement, one pass without FINAL (every execution has one
 * row). Trends: executions grouped by status and the weeks of their enrolment, completion and conversion (the
 * totals by status and the three weekly series follow from those few thousand groups; executions enrolled up to 30
 * days before the period, for completions and conversions in it); no percentiles nor breakdowns, which the summary
 * computes besides. Cohorts: executions grouped by month of enrolment and months to completion.
 */
const FLOOR_TRENDS = `
WITH ${BOUNDS}
SELECT status, toStartOfWeek(enrolled_at, 1, {tz:String}) AS we, toStartOfWeek(completed_at, 1, {tz:String}) AS wc,
       toStartOfWeek(goal_achieved_at, 1, {tz:String}) AS wv, count() AS n
FROM execution_facts WHERE ${WF} AND enrolled_at >= lo - toIntervalDay(30) AND enrolled_at < hi
GROUP BY status, we, wc, wv`;
const FLOOR_COHORTS = `
WITH ${BOUNDS}
SELECT toStartOfMonth(enrolled_at, {tz:String}) AS c, if(${SUCCEEDED}, dateDiff('month', c, toStartOfMonth(assumeNotNull(completed_at), {tz:String})), -1) AS k, count() AS n
FROM execution_facts WHERE ${WF} AND enrolled_at >= lo AND enrolled_at < hi
GROUP BY c, k`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
}
const stats = (xs: number[]) => ({ p50Ms: pct(xs, 0.5), p95Ms: pct(xs, 0.95) });

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await f();
  const cpu = process.cpuUsage(c);
  return { ms: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000, value };
}

/** CPU seconds a process has used (utime + stime of /proc/PID/stat, in clock ticks of 1/100 s). */
function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function fail(what: string, flowlens: unknown, direct: unknown): never {
  throw new Error(`history bench: ${what} differs — Flowlens ${JSON.stringify(flowlens)}, direct SQL ${JSON.stringify(direct)}`);
}

/** The day-state answer against the one-pass statement's: every count and trend equal, percentiles within the stated error. */
function sameSummary(served: { summary: Summary; trends: TrendRow[] }, direct: { summary: Summary; trends: TrendRow[] }): void {
  const strip = (x: Summary) => ({ ...x, duration_hours: null, time_to_conversion_percentiles_hours: null });
  if (JSON.stringify(strip(served.summary)) !== JSON.stringify(strip(direct.summary))) fail('the summary from day states', strip(served.summary), strip(direct.summary));
  if (JSON.stringify(served.trends) !== JSON.stringify(direct.trends)) fail('the trends from day states', served.trends, direct.trends);
  for (const k of ['duration_hours', 'time_to_conversion_percentiles_hours'] as const) {
    for (const q of ['p50', 'p90', 'p95'] as const) {
      const [a, b] = [served.summary[k][q], direct.summary[k][q]];
      if (a === null || b === null || Math.abs(a - b) > RELATIVE_ERROR * Math.abs(b) + 0.01) fail(`${k}.${q} from day states`, a, b);
    }
  }
}

export interface HistoryBenchResult {
  enrollments: number;
  dataDir: string;
  dataBytes: number;
  factsRows: number;
  factsParts: number;
  generatedAt: string;
  generationSeconds: number | null;
  generationCpuSeconds: number | null;
  requests: number;
  machine: string;
  /** In process, per request: Flowlens' statement and the direct-SQL floor (ms wall; CPU ms of the process, the engine's threads included). */
  inProcess: Record<string, { p50Ms: number; p95Ms: number; cpuP50Ms: number }>;
  http: Record<string, { p50Ms: number; p95Ms: number; serverCpuMsPerRequest: number }>;
  /** The server's first monthly matrix: it computes the day states the timed ones reuse. */
  firstMatrixMs: number;
  /** The server's first two-year summary: it computes the day states of the days its warm-up did not (summary-days.ts). */
  firstTrendsMs: number;
}

export async function benchHistory(opts: { enrollments: number; data?: string; repeats: number; log: (s: string) => void }): Promise<HistoryBenchResult> {
  const { log, repeats } = opts;
  const dataDir = opts.data ?? keptDir('flowlens-bench-history-');
  const markerPath = path.join(dataDir, MARKER);
  const reuse = fs.existsSync(markerPath);
  // The two-year panel at 10M enrollments on a loaded 2-core machine outlasts the default 10 s limits of a query and a
  // request (FLOWLENS_QUERY_TIMEOUT_S, FLOWLENS_REQUEST_TIMEOUT_S): raised here, so that its time is measured.
  const env = { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_LOG_LEVEL: 'warn', FLOWLENS_QUERY_TIMEOUT_S: '300', FLOWLENS_REQUEST_TIMEOUT_S: '300', ...RETENTION };
  const rt = await startRuntime(loadConfig({ data: dataDir }, env));
  const store = rt.deps.store;
  let generated: Generated & { fresh: boolean };
  const timings: Record<string, { ms: number[]; cpu: number[] }> = {};
  const record = (name: string, t: { ms: number; cpuMs: number }) => {
    (timings[name] ??= { ms: [], cpu: [] }).ms.push(t.ms);
    timings[name]!.cpu.push(t.cpuMs);
  };
  let facts = { rows: 0, parts: 0 };
  let expected: { totals: Record<string, number>; cohortIndex: number; cohort: { size: number; cells: number[] }; cohortStart: string };
  try {
    if (reuse) {
      generated = { ...(JSON.parse(fs.readFileSync(markerPath, 'utf8')) as Generated), fresh: false };
      log(`reusing ${dataDir}: ${generated.enrollments.toLocaleString('en-US')} enrollments generated ${generated.generatedAt}`);
    } else {
      log(`generating ${opts.enrollments.toLocaleString('en-US')} enrollments over ${SPAN_DAYS} days into ${dataDir}…`);
      const g = await generate(store, opts.enrollments, log);
      fs.writeFileSync(markerPath, JSON.stringify(g, null, 2) + '\n');
      generated = { ...g, fresh: true };
      log(`generated in ${g.generationSeconds} s (${g.generationCpuSeconds} s CPU)`);
    }
    await rt.deps.derived.idle();
    await rt.warming;

    // the reference figures of request 0 of each panel, by direct SQL
    const t0 = trendsRequest(0);
    const c0 = cohortRequest(0);
    const cohortIndex = 3;
    const cohortStart = monthStart(c0.start, cohortIndex);
    expected = {
      totals: await referenceTotals(store, t0),
      cohortIndex, cohortStart,
      cohort: await referenceCohort(store, cohortStart, 12, c0.tz),
    };
    log(`direct SQL: two years ${JSON.stringify(expected.totals)}; cohort ${cohortStart} (${c0.tz}) ${JSON.stringify(expected.cohort)}`);

    // in process: Flowlens' own statements and the floor, for the same requests as over HTTP (below, with other days)
    const scope = scopeOf(ACCOUNT, WORKFLOW, {});
    // fewer in process than over HTTP (a p50 of each, not a p95): at 10M a two-year statement takes seconds
    const inProcess = Math.min(repeats, 7);
    for (let i = 0; i < inProcess; i++) {
      const tr = trendsRequest(repeats + i);
      const cr = cohortRequest(repeats + i);
      const tp = parsePeriod({ start_date: tr.start, end_date: tr.end, timezone: tr.tz, granularity: 'weekly' });
      const cp = parsePeriod({ start_date: cr.start, end_date: cr.end, timezone: cr.tz });
      const statement = await timed(() => summariesWithTrends(store, scope, [tp]));
      record('trends: Flowlens statement', statement);
      // what the API answers a period reaching back before the raw window with: per-day states (summary-days.ts)
      const fromDays = await timed(async () => (await rt.deps.queries.workflow(scope, tp, false)).summary());
      record('trends: Flowlens, day states', fromDays);
      sameSummary(fromDays.value, statement.value[0]!);
      record('trends: direct-SQL floor', await timed(() => store.query(FLOOR_TRENDS, { account: ACCOUNT, workflow: WORKFLOW, start: tr.start, end_next: nextDay(tr.end), tz: tr.tz })));
      const monthly = { unit: 'month', metric: 'completed', weekStart: 'monday' } as const;
      const m = await timed(() => cohortMatrix(store, scope, cp, monthly));
      record('cohorts: one-pass statement', m);
      // what the API answers with: the per-day states of cohort-month-keys.ts, kept across requests (the first computes them)
      const served = await timed(() => rt.deps.queries.cohorts(scope, cp, monthly));
      record('cohorts: Flowlens, day states', served);
      if (JSON.stringify(served.value.matrix) !== JSON.stringify(m.value)) fail('the matrix from day states', served.value.matrix, m.value);
      record('cohorts: direct-SQL floor', await timed(() => store.query(FLOOR_COHORTS, { account: ACCOUNT, workflow: WORKFLOW, start: cr.start, end_next: nextDay(cr.end), tz: cr.tz })));
      if (i === 0 && (m.value.length !== 12 || m.value.some((row) => row.cells.length !== 12))) throw new Error(`history bench: the cohort matrix is ${m.value.length}×${m.value[0]?.cells.length}, not 12×12`);
    }
    const [parts] = await store.query<{ rows: number; parts: number }>(
      "SELECT sum(rows) AS rows, count() AS parts FROM system.parts WHERE database = currentDatabase() AND table = 'execution_facts' AND active",
    );
    facts = { rows: Number(parts!.rows), parts: Number(parts!.parts) };
  } finally {
    await rt.close();
  }
  const dataBytes = directoryBytes(dataDir);

  // over HTTP: a real server process on the data directory
  const server = await startServerProcess(dataDir, { ...env, FLOWLENS_RATE_LIMIT_PER_MINUTE: '0' });
  const http: HistoryBenchResult['http'] = {};
  let firstMatrixMs = 0;
  let firstTrendsMs = 0;
  try {
    const get = async (p: string) => {
      const t = performance.now();
      const res = await fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${KEY}` } });
      const body = await res.text();
      if (!res.ok) throw new Error(`${p}: ${res.status} ${body}`);
      return { ms: performance.now() - t, body: JSON.parse(body) as Record<string, unknown> };
    };
    // warm-up on other periods (not timed), then the server's start-up work settles
    await get(trendsUrl({ start: isoDay(400), end: isoDay(300), tz: 'UTC' }));
    await settle(5_000);

    // correctness of request 0 of each, against the direct SQL
    const t0 = await get(trendsUrl(trendsRequest(0)));
    firstTrendsMs = Math.round(t0.ms);
    log(`first two-year trends over HTTP (computes the day states the warm-up did not): ${firstTrendsMs} ms`);
    const summary = t0.body.summary as { total_enrolled: number; completed: number };
    const trends = t0.body.trends as { new_enrollments: number; completions: number; conversions: number }[];
    const sum = (k: 'new_enrollments' | 'completions' | 'conversions') => trends.reduce((s, r) => s + r[k], 0);
    const got = { enrolled: summary.total_enrolled, completed: summary.completed, completions: sum('completions'), conversions: sum('conversions') };
    if (got.enrolled !== expected.totals.enrolled || got.completed !== expected.totals.completed || got.completions !== expected.totals.completions || got.conversions !== expected.totals.conversions) fail('the two-year summary and trends', got, expected.totals);
    if (sum('new_enrollments') !== expected.totals.enrolled) fail('the trends\' new enrollments summed', sum('new_enrollments'), expected.totals.enrolled);
    // the server's first matrix computes the day states of its year (timed apart); the timed requests reuse them
    const c0 = await get(cohortUrl(cohortRequest(0)));
    firstMatrixMs = Math.round(c0.ms);
    log(`first 12×12 matrix over HTTP (computes the day states): ${firstMatrixMs} ms`);
    const matrix = c0.body.matrix as { cohort: string; size: number; cells: ({ count: number } | null)[] }[];
    if (matrix.length !== 12 || matrix.some((r) => r.cells.length !== 12)) throw new Error(`history bench: the cohort matrix over HTTP is ${matrix.length}×${matrix[0]?.cells.length}, not 12×12`);
    const row = matrix[expected.cohortIndex]!;
    const begun = row.cells.filter((c) => c !== null).map((c) => c!.count);
    if (row.cohort !== expected.cohortStart || row.size !== expected.cohort.size || begun.some((n, k) => n !== expected.cohort.cells[k])) {
      fail(`the cohort of ${expected.cohortStart}`, { cohort: row.cohort, size: row.size, cells: begun }, { ...expected.cohort, cells: expected.cohort.cells.slice(0, begun.length) });
    }
    log(`checked: two-year totals ${JSON.stringify(got)} and cohort ${row.cohort} (size ${row.size}, ${begun.length} cells) equal the direct SQL`);

    for (const [name, url] of [
      ['two-year trends (summary + weekly trends)', (i: number) => trendsUrl(trendsRequest(2 * repeats + i))],
      ['12×12 monthly cohort matrix', (i: number) => cohortUrl(cohortRequest(2 * repeats + i))],
      ['52-week weekly cohort matrix', (i: number) => weeklyUrl(weeklyRequest(2 * repeats + i))],
    ] as const) {
      const times: number[] = [];
      const cpu0 = processCpuMs(server.child.pid!);
      for (let i = 0; i < repeats; i++) times.push((await get(url(i))).ms);
      const cpuMs = processCpuMs(server.child.pid!) - cpu0;
      http[name] = { ...stats(times), serverCpuMsPerRequest: Math.round(cpuMs / repeats) };
      log(`${name} over HTTP: p50 ${http[name]!.p50Ms} ms, p95 ${http[name]!.p95Ms} ms, server CPU ${http[name]!.serverCpuMsPerRequest} ms a request`);
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  const inProcess = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, { ...stats(v.ms), cpuP50Ms: pct(v.cpu, 0.5) }]));
  return {
    enrollments: generated.enrollments, dataDir, dataBytes, factsRows: facts.rows, factsParts: facts.parts, generatedAt: generated.generatedAt,
    generationSeconds: generated.fresh ? generated.generationSeconds : null,
    generationCpuSeconds: generated.fresh ? generated.generationCpuSeconds : null,
    requests: repeats, machine: '2-core, shared', inProcess, http, firstMatrixMs, firstTrendsMs,
  };
}

/** Bytes of the data directory on disk. */
function directoryBytes(dir: string): number {
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) bytes += directoryBytes(p);
    else if (e.isFile()) bytes += fs.statSync(p).size;
  }
  return bytes;
}
