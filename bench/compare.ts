/**
 * Flowlens vs the seed's PostgreSQL design vs the floor, on exactly the same events (issue 9).
 *
 * 1. Ingest: the demo events (one workflow, 90 days, fixed seed and `now`) go into a fresh Flowlens data
 *    directory (the seed path: validation, dedupe, batching, materialized views, execution facts) and,
 *    generated again identically, into a fresh PostgreSQL database (COPY, then the seed's tables and
 *    indexes). Events/s and bytes per event for both.
 * 2. Check: summary + trends, funnel and actions of one 30-day period must give the same figures in
 *    Flowlens over HTTP, in PostgreSQL and in the floor, or the benchmark stops.
 * 3. Time each panel over `repeats` other 30-day periods: Flowlens over HTTP on a real `flowlens serve`
 *    (each request a period not asked before, so ClickHouse computes it), PostgreSQL's queries (warm: the
 *    check ran them first), and the floor (bench/floor.ts).
 */
import { spawn } from 'node:child_process';
import { KEEP_ALL, settle } from './seed.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seed } from '../src/cli/seed.js';
import { demoWorkflows, type GenerateOptions } from '../src/demo/generate.js';
import { storeSink } from '../src/ingest/sinks.js';
import { openStore } from '../src/store/factory.js';
import { keptDir, openTestStore, tempDir } from '../test/helpers/store.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { scaleDataDir } from './scale.js';
import { databaseUrl, dropDatabase, loadPostgres, reachPostgres, type PgLoad } from './postgres/load.js';
import { differences, flowlensFigures, pgActions, pgFunnel, pgSummary, type Figures } from './postgres/queries.js';
import { processCpuMs } from './postgres/worker.js';
import { flowlensFreshness, flowlensMaintenance, perMillion, pgFreshness, pgMaintenance, startPgHttp, type PeerOptions } from './peer.js';

const KEY = 'fl_bench_operator_key';
const ROOT = path.resolve(import.meta.dirname, '..');
export const SIZES: Record<string, number> = { '10k': 10_000, '20k': 20_000, '100k': 100_000, '1m': 1_000_000, '10m': 10_000_000 };
/**
 * Sizes built by copying a seeded set inside each store (bench/scale.ts) instead of generating their events:
 * seeding 166M events would take ≈ 4 h here.
 */
const SCALED: Record<string, { from: number; factor: number }> = { '10m': { from: 1_000_000, factor: 10 } };
const PANELS = ['summary', 'funnel', 'actions'] as const;
type Panel = (typeof PANELS)[number];
const LABEL: Record<Panel, string> = { summary: 'summary + trends, 30 d', funnel: 'funnel, 30 d', actions: 'actions, 30 d' };

export interface CompareOptions {
  size: string;
  repeats: number;
  /** Reuse a data directory an earlier run kept (it holds bench-compare.json). */
  data?: string;
  /** Keep the data directory and the PostgreSQL database for another run. */
  keep?: boolean;
  /** Timed queries for the PostgreSQL reference (default: `repeats`, 5 at 10M where its funnel takes a minute). */
  pgRepeats?: number;
  /**
   * The peer comparison's freshness and maintenance (bench/peer.ts; off in --quick). It writes events into both
   * systems (the same ones), after the latencies are timed.
   */
  peer?: boolean;
  /** The reference's aggregation worker's period (default 5 s: the seed's "polling interval: 5 seconds"). */
  pgWorkerIntervalMs?: number;
  /** Freshness trials per system. */
  freshnessTrials?: number;
  log: (s: string) => void;
}

interface Meta {
  enrollments: number;
  seed: number;
  now: string;
  /** The seed's ingestion (of `scaled.fromEnrollments` when the directory was scaled afterwards). */
  flowlens: { events: number; seconds: number; eventsPerSecond: number };
  /** Set by bench/scale.ts: the directory holds `factor` copies of a seeded set. */
  scaled?: { fromEnrollments: number; factor: number; seconds: number; events: number };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
/** A ratio with 2 significant digits (0.015, 0.16, 2.7, 16, 160). */
const ratio = (x: number) => Number(x.toPrecision(2));
const day = (anchor: string, back: number) => new Date(Date.parse(`${anchor}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);

/** How long to let a freshly opened store settle: nothing worth waiting for below 100K enrollments. */
const settleMs = (enrollments: number) => (enrollments >= 100_000 ? 10_000 : 0);

export async function benchCompare(o: CompareOptions) {
  const enrollments = SIZES[o.size];
  if (!enrollments) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const database = `flowlens_bench_${o.size}`;

  // 1a. Flowlens: seed (or reuse) the data directory.
  let dataDir = o.data;
  let meta: Meta;
  if (dataDir) {
    meta = JSON.parse(fs.readFileSync(path.join(dataDir, 'bench-compare.json'), 'utf8'));
    if (meta.enrollments !== enrollments) throw new Error(`${dataDir} holds ${meta.enrollments} enrollments, not ${enrollments}`);
    o.log(`flowlens: reusing ${dataDir} (seeded ${meta.now})`);
  } else {
    dataDir = o.keep ? keptDir(`flowlens-bench-compare-${o.size}-`) : tempDir(`flowlens-bench-compare-${o.size}-`);
    const now = new Date();
    const seeded = SCALED[o.size]?.from ?? enrollments;
    const { store } = await openTestStore(dataDir);
    const sink = storeSink(store, 'default');
    o.log(`flowlens: seeding ${seeded.toLocaleString('en-US')} enrollments into ${dataDir}…`);
    const t = performance.now();
    const s = await seed(sink, { workflows: 1, enrollments: seeded, days: 90, seed: 11, now }, false);
    await sink.close(); // waits for the execution facts of the last batches
    const seconds = (performance.now() - t) / 1000;
    await store.close();
    meta = { enrollments: seeded, seed: 11, now: now.toISOString(), flowlens: { events: s.events, seconds: r1(seconds), eventsPerSecond: Math.round(s.events / seconds) } };
    fs.writeFileSync(path.join(dataDir, 'bench-compare.json'), JSON.stringify(meta, null, 2));
    o.log(`flowlens: ${s.events.toLocaleString('en-US')} events in ${r1(seconds)} s (${meta.flowlens.eventsPerSecond.toLocaleString('en-US')} events/s)`);
    if (SCALED[o.size]) {
      o.log(`flowlens: copying every execution ×${SCALED[o.size]!.factor} (bench/scale.ts)…`);
      const scaled = await scaleDataDir(dataDir, SCALED[o.size]!.factor, (m) => o.log(`flowlens:   ${m}`));
      meta = JSON.parse(fs.readFileSync(path.join(dataDir, 'bench-compare.json'), 'utf8'));
      o.log(`flowlens: ${scaled.events.toLocaleString('en-US')} events after copying, in ${scaled.seconds} s`);
    }
  }
  const copies = meta.scaled?.factor ?? 1;
  const flowlensEvents = meta.scaled?.events ?? meta.flowlens.events;
  const generate: GenerateOptions = { workflows: 1, enrollments: enrollments / copies, days: 90, seed: meta.seed, now: new Date(meta.now) };
  const workflow = demoWorkflows(1)[0]!.workflowId;

  // 1b. PostgreSQL: load (or reuse the database a kept run left for this data directory).
  let load: PgLoad | null = null;
  const admin = (await reachPostgres())!;
  const existing = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  await admin.end();
  if (existing.rowCount && o.data) {
    const db = new pg.Client({ connectionString: databaseUrl(database) });
    await db.connect();
    const m = await db.query('SELECT load FROM bench_meta WHERE now = $1 AND enrollments = $2', [meta.now, enrollments]).catch(() => ({ rows: [] as any[] }));
    await db.end();
    if (m.rows[0]) {
      load = m.rows[0].load;
      o.log(`postgres: reusing database ${database}`);
    }
  }
  if (!load) {
    o.log(`postgres: loading the same events into database ${database}…`);
    load = await loadPostgres(database, generate, o.log, copies);
    if (load.events !== flowlensEvents) throw new Error(`PostgreSQL got ${load.events} events, Flowlens ${flowlensEvents}: not the same data`);
    const db = new pg.Client({ connectionString: databaseUrl(database) });
    await db.connect();
    await db.query('CREATE TABLE bench_meta (now TEXT, enrollments INTEGER, load JSONB)');
    await db.query('INSERT INTO bench_meta VALUES ($1, $2, $3)', [meta.now, enrollments, JSON.stringify(load)]);
    await db.end();
    o.log(`postgres: ${load.events.toLocaleString('en-US')} events (${load.kept.toLocaleString('en-US')} kept) in ${load.seconds} s (${load.eventsPerSecond.toLocaleString('en-US')} events/s)`);
  }

  // Periods: 30 days each, ending 1, 2, 3… days before the seed's day; the first is the check.
  const anchor = meta.now.slice(0, 10);
  const periodOf = (i: number) => ({ startDate: day(anchor, i + 30), endDate: day(anchor, i + 1) });
  const check = periodOf(0);
  const timed = Array.from({ length: o.repeats }, (_, i) => periodOf(i + 1));
  const pgTimed = timed.slice(0, o.pgRepeats ?? (enrollments >= 10_000_000 ? 5 : o.repeats));
  const q = (p: { startDate: string; endDate: string }) => `start_date=${p.startDate}&end_date=${p.endDate}`;

  const db = new pg.Client({ connectionString: databaseUrl(database) });
  await db.connect();
  await db.query("SET work_mem = '256MB'");
  const pgPanel: Record<Panel, (p: typeof check) => Promise<unknown>> = {
    summary: (p) => pgSummary(db, workflow, p),
    funnel: (p) => pgFunnel(db, workflow, p),
    actions: (p) => pgActions(db, workflow, p),
  };
  const ms: Record<'flowlens' | 'postgres' | 'floor', Record<Panel, number[]>> = {
    flowlens: { summary: [], funnel: [], actions: [] }, postgres: { summary: [], funnel: [], actions: [] }, floor: { summary: [], funnel: [], actions: [] },
  };
  /** CPU ms per request, of the server process (Flowlens) or of the server process and its backends (PostgreSQL). */
  const cpu: Record<'flowlens' | 'postgres', Partial<Record<Panel, number>>> = { flowlens: {}, postgres: {} };
  let chBytes: { bytes: number; tables: Record<string, number> };
  // The peer comparison's writes (bench/peer.ts): new executions today, and late events on a closed day that no
  // compared period holds, for executions enrolled that day (the same events into both systems).
  const peer = o.peer ?? false;
  const lateDay = day(anchor, 30 + o.repeats + 5);
  const actionStep = demoWorkflows(1)[0]!.registrations.at(-1)!.steps.find((x) => x.type === 'action')!;
  let peerOptions: PeerOptions | null = null;
  let flowlensFresh: Awaited<ReturnType<typeof flowlensFreshness>> | null = null;
  let pgFresh: Awaited<ReturnType<typeof pgFreshness>> | null = null;
  let pgMaint: Awaited<ReturnType<typeof pgMaintenance>> | null = null;
  let flMaint: Awaited<ReturnType<typeof flowlensMaintenance>> | null = null;
  if (peer) {
    const trials = o.freshnessTrials ?? 10;
    const late = await db.query('SELECT id FROM workflow_executions WHERE workflow_id = $1 AND enrolled_at >= $2 AND enrolled_at < $3 ORDER BY id LIMIT $4',
      [workflow, `${lateDay}T00:00:00Z`, `${day(lateDay, -1)}T00:00:00Z`, trials]);
    peerOptions = { workflow, step: actionStep, lateExecutions: late.rows.map((r) => r.id as string), lateDay, trials, log: o.log };
  }
  try {
    // 2. The check, PostgreSQL's side (this also warms its caches).
    const s = (await pgPanel.summary(check)) as Awaited<ReturnType<typeof pgSummary>>;
    const pgFigures: Figures = { summary: s.summary, trends: s.trends, funnel: (await pgPanel.funnel(check)) as Figures['funnel'], actions: (await pgPanel.actions(check)) as Figures['actions'] };

    // 3a. Flowlens over HTTP.
    const server = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_RATE_LIMIT_PER_MINUTE: '0', ...KEEP_ALL });
    try {
      // A server started on a big set first rewrites the facts of the executions received in the 5 minutes
      // before its last stop (a quarter of a seeded set, which is received within minutes; ≈2.5M executions at
      // 10M): its first answers wait for that, longer than fetch waits for headers (5 min). Ask again.
      const answer = async (url: string): Promise<Response> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${KEY}` } });
          } catch (err) {
            if (attempt >= 12) throw err;
            o.log(`flowlens: no answer yet (the server is catching up at start); asking again (${attempt})`);
          }
        }
      };
      const get = async (url: string) => {
        const t = performance.now();
        const res = await answer(url);
        const body = await res.text();
        if (!res.ok) throw new Error(`${url}: ${res.status} ${body}`);
        return { ms: performance.now() - t, body: JSON.parse(body) };
      };
      const base = `/api/v1/workflows/${workflow}/analytics`;
      const path_: Record<Panel, string> = { summary: base, funnel: `${base}/funnel`, actions: `${base}/actions` };
      await get('/api/v1/workflows');
      const flFigures = flowlensFigures((await get(`${path_.summary}?${q(check)}`)).body, (await get(`${path_.funnel}?${q(check)}`)).body, (await get(`${path_.actions}?${q(check)}`)).body);
      const diff = differences(flFigures, pgFigures);
      // `bench analytics` ingests events into the data it times (its 50 dashboards load while events arrive):
      // a kept directory it ran on no longer holds what the reference was loaded with
      if (diff.length) {
        throw new Error(`Flowlens and the PostgreSQL reference disagree on ${check.startDate}..${check.endDate}:\n  ${diff.slice(0, 20).join('\n  ')}` +
          (o.data ? `\n(reusing ${o.data}: if \`bench analytics\` ran on it, it added events; seed a new one)` : ''));
      }
      o.log(`check: Flowlens (HTTP) = PostgreSQL on ${check.startDate}..${check.endDate} (${pgFigures.summary.total_enrolled} enrolled, ${pgFigures.funnel.steps.length} steps, ${pgFigures.actions.length} actions)`);
      // A server that just started compacts what its catch-up wrote and merges parts in the background; at
      // 1M that landed on the first panel timed (seen: summary p95 ≈ 1 s, p50 unchanged). Let it finish.
      await settle(settleMs(enrollments));
      for (const panel of PANELS) {
        const c0 = processCpuMs(server.child.pid!);
        for (const p of timed) ms.flowlens[panel].push((await get(`${path_[panel]}?${q(p)}`)).ms);
        const c1 = processCpuMs(server.child.pid!);
        if (c0 !== null && c1 !== null) cpu.flowlens[panel] = (c1 - c0) / timed.length;
      }
      if (peerOptions) {
        o.log(`flowlens: freshness, ${peerOptions.trials} new executions and ${peerOptions.lateExecutions.length} late events posted…`);
        flowlensFresh = await flowlensFreshness(server.url, KEY, peerOptions);
      }
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }

    // 3b. PostgreSQL over HTTP (a minimal Fastify server over pg, bench/postgres/server.ts), warm: the check
    // ran its queries first; the same check over HTTP must give the same figures.
    const pgHttp = await startPgHttp(databaseUrl(database));
    try {
      const base = `${pgHttp.url}/api/v1/workflows/${workflow}/analytics`;
      const get = async (url: string) => {
        const t = performance.now();
        const res = await fetch(url);
        const body = await res.text();
        if (!res.ok) throw new Error(`${url}: ${res.status} ${body}`);
        return { ms: performance.now() - t, body: JSON.parse(body) };
      };
      const url: Record<Panel, string> = { summary: base, funnel: `${base}/funnel`, actions: `${base}/actions` };
      const overHttp = { ...(await get(`${url.summary}?${q(check)}`)).body, funnel: (await get(`${url.funnel}?${q(check)}`)).body, actions: (await get(`${url.actions}?${q(check)}`)).body.actions };
      const httpDiff = differences(overHttp, pgFigures);
      if (httpDiff.length) throw new Error(`the reference over HTTP and its queries disagree:\n  ${httpDiff.slice(0, 20).join('\n  ')}`);
      // CPU: the Fastify process and the backends of its pool (every other session on the database)
      const backends = (await db.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database])).rows.map((r) => Number(r.pid));
      const pgCpu = () => [pgHttp.child.pid!, ...backends].reduce<number | null>((sum, pid) => { const c = processCpuMs(pid); return sum === null || c === null ? null : sum + c; }, 0);
      for (const panel of PANELS) {
        const c0 = pgCpu();
        for (const p of pgTimed) ms.postgres[panel].push((await get(`${url[panel]}?${q(p)}`)).ms);
        const c1 = pgCpu();
        if (c0 !== null && c1 !== null) cpu.postgres[panel] = (c1 - c0) / pgTimed.length;
      }

      if (peerOptions) {
        o.log(`postgres: freshness, the aggregation worker every ${(o.pgWorkerIntervalMs ?? 5000) / 1000} s…`);
        pgFresh = await pgFreshness(pgHttp.url, databaseUrl(database), o.pgWorkerIntervalMs ?? 5000, peerOptions);
      }
    } finally {
      await pgHttp.stop();
    }
    if (peerOptions) {
      o.log('postgres: maintenance, every day re-derived by the worker, then single days…');
      pgMaint = await pgMaintenance(databaseUrl(database), workflow, check, Array.from({ length: 10 }, (_, i) => day(anchor, 31 + i)), o.log);
    }

    // 3c. The floor, in a child process on the same directory (the server has stopped).
    const floor = await runFloor(dataDir, workflow, `${check.startDate}/${check.endDate}`, timed.map((p) => `${p.startDate}/${p.endDate}`), settleMs(enrollments));
    const floorDiff = differences(floor.figures, pgFigures);
    if (floorDiff.length) throw new Error(`the floor and the PostgreSQL reference disagree:\n  ${floorDiff.slice(0, 20).join('\n  ')}`);
    for (const panel of PANELS) ms.floor[panel] = floor.ms[panel]!;
    chBytes = await clickhouseBytes(dataDir);
    if (peerOptions) {
      const sample = Math.min(enrollments / copies, 20_000);
      o.log(`flowlens: maintenance, ${sample.toLocaleString('en-US')} enrollments' events inserted with and without derived writes…`);
      flMaint = await flowlensMaintenance(sample, meta.now);
    }
  } finally {
    await db.end();
    if (!o.keep) {
      await dropDatabase(database);
      if (!o.data) fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const panels = PANELS.map((panel) => {
    const f = { p50: pct(ms.flowlens[panel], 0.5), p95: pct(ms.flowlens[panel], 0.95) };
    const p = { p50: pct(ms.postgres[panel], 0.5), p95: pct(ms.postgres[panel], 0.95) };
    const fl = { p50: pct(ms.floor[panel], 0.5), p95: pct(ms.floor[panel], 0.95) };
    return {
      panel: LABEL[panel], requests: o.repeats, postgresRequests: pgTimed.length,
      flowlensP50Ms: f.p50, flowlensP95Ms: f.p95, postgresP50Ms: p.p50, postgresP95Ms: p.p95, floorP50Ms: fl.p50, floorP95Ms: fl.p95,
      flowlensCpuMsPerRequest: cpu.flowlens[panel] === undefined ? null : r1(cpu.flowlens[panel]!),
      postgresCpuMsPerRequest: cpu.postgres[panel] === undefined ? null : r1(cpu.postgres[panel]!),
      /** PostgreSQL p50 / Flowlens p50: how many times faster Flowlens answers. */
      speedupOverPostgres: ratio(p.p50 / f.p50),
      /** Flowlens p50 / floor p50: what the server adds over the bare aggregation. */
      overheadOverFloor: ratio(f.p50 / fl.p50),
    };
  });
  const events = flowlensEvents;
  // A scaled directory's ingestion is its seed's (the copies are made inside ClickHouse, not ingested).
  const ingest = [
    {
      system: meta.scaled ? `Flowlens (seed path at ${meta.scaled.fromEnrollments.toLocaleString('en-US')}, then ×${copies} copied inside ClickHouse)` : 'Flowlens (seed path, embedded ClickHouse)',
      events, seconds: meta.flowlens.seconds, eventsPerSecond: meta.flowlens.eventsPerSecond, bytes: chBytes.bytes, bytesPerEvent: r1(chBytes.bytes / events),
    },
    {
      system: copies > 1 ? `PostgreSQL reference (COPY, ×${copies} copied inside PostgreSQL, derive + indexes)` : 'PostgreSQL reference (COPY + derive + indexes)',
      events: load.events, seconds: load.seconds, eventsPerSecond: load.eventsPerSecond, bytes: load.bytes, bytesPerEvent: r1(load.bytes / load.events),
    },
  ];
  return {
    size: o.size, enrollments, events, now: meta.now, checkPeriod: check, ...(o.keep ? { dataDir, database } : {}),
    ingest, panels, storage: { clickhouse: chBytes.tables, postgres: load.tables },
    ...(peerOptions ? { peer: peerSummary(events, flowlensFresh!, pgFresh!, flMaint!, pgMaint!) } : {}),
  };
}

/**
 * The peer comparison's table: per system, freshness of new and late events, and the maintenance cost of its
 * pre-aggregates (CPU per million events, and per late event).
 */
function peerSummary(events: number, fl: Awaited<ReturnType<typeof flowlensFreshness>>, pgf: Awaited<ReturnType<typeof pgFreshness>>,
  flm: Awaited<ReturnType<typeof flowlensMaintenance>>, pgm: Awaited<ReturnType<typeof pgMaintenance>>) {
  const lateCpu = flm.late.map((x) => x.cpuMs);
  const lateMs = flm.late.map((x) => x.ms);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  // events per day of the data set (90 days): what one worker run re-derives when it refreshes today
  const perDay = events / 90;
  const runsPerDay = 86_400_000 / pgf.workerIntervalMs;
  return {
    freshness: { flowlens: { new: fl.fresh, late: fl.late }, postgres: { new: pgf.fresh, late: pgf.late, workerIntervalMs: pgf.workerIntervalMs, workerRuns: pgf.workerRuns } },
    maintenance: {
      flowlens: {
        how: 'in process: the events inserted into events (all materialized views) + execution facts, minus the same rows into a plain MergeTree; process CPU, idle subtracted',
        sampleEvents: flm.events, derivedCpuS: r2(flm.derivedCpuS), floorCpuS: r2(flm.floorCpuS), realCpuS: r2(flm.realCpuS),
        cpuSPerMillionEvents: perMillion(flm.derivedCpuS, flm.events),
        lateEvent: { what: 'one event inserted (its views) + its execution\'s facts rewritten', cpuMsP50: r1(med(lateCpu)), msP50: r1(med(lateMs)) },
      },
      postgres: {
        how: 'backend CPU (/proc/<pid>/stat, parallel query off) of the worker re-deriving workflow_step_metrics and workflow_analytics',
        allDays: pgm.allDays, cpuSPerMillionEventsBatch: pgm.allDays.cpuMs === null ? null : perMillion(pgm.allDays.cpuMs / 1000, events),
        oneDay: pgm.oneDay,
        /**
         * The worker re-derives today on every run that finds new events: at the data set's daily rate spread
         * evenly, runs with work a day = runs × (1 − e^(−events a day ÷ runs)); × one day's re-derive ÷ a day's events.
         */
        incremental: pgm.oneDay.cpuP50Ms === null ? null : (() => {
          const runs = runsPerDay * (1 - Math.exp(-perDay / runsPerDay));
          return { eventsPerDay: Math.round(perDay), runsWithWorkPerDay: Math.round(runs), cpuSPerDay: r1((runs * pgm.oneDay.cpuP50Ms!) / 1000), cpuSPerMillionEvents: perMillion((runs * pgm.oneDay.cpuP50Ms!) / 1000, perDay) };
        })(),
        lateEvent: { what: 'one step event inserted + its day re-derived', cpuMsP50: pgm.oneDay.cpuP50Ms, msP50: pgm.oneDay.p50Ms },
        workerSetupMs: pgm.workerSetupMs,
      },
    },
  };
}
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The peer comparison as rows to print: freshness of each figure, then maintenance, per system. */
export function peerRows(peer: ReturnType<typeof peerSummary>) {
  const rows: { system: string; measure: string; p50: number | string | null; p95: number | string | null }[] = [];
  for (const [system, f] of [['Flowlens', peer.freshness.flowlens], ['PostgreSQL', peer.freshness.postgres]] as const) {
    for (const [kind, figures] of [['new event', f.new], ['late event', f.late]] as const) {
      for (const [figure, v] of Object.entries(figures)) rows.push({ system, measure: `freshness ms, ${kind}: ${figure}`, p50: v.p50Ms, p95: v.p95Ms });
    }
  }
  const m = peer.maintenance;
  rows.push({ system: 'Flowlens', measure: 'derived writes, CPU s per 1M events', p50: m.flowlens.cpuSPerMillionEvents, p95: '' });
  rows.push({ system: 'Flowlens', measure: 'late event, CPU ms (wall ms)', p50: `${m.flowlens.lateEvent.cpuMsP50} (${m.flowlens.lateEvent.msP50})`, p95: '' });
  rows.push({ system: 'PostgreSQL', measure: 'every day re-derived at once, CPU s per 1M events', p50: m.postgres.cpuSPerMillionEventsBatch, p95: '' });
  rows.push({ system: 'PostgreSQL', measure: `worker every ${peer.freshness.postgres.workerIntervalMs / 1000} s, CPU s per 1M events`, p50: m.postgres.incremental?.cpuSPerMillionEvents ?? null, p95: '' });
  rows.push({ system: 'PostgreSQL', measure: 'late event (its day re-derived), CPU ms (wall ms)', p50: `${m.postgres.lateEvent.cpuMsP50} (${m.postgres.lateEvent.msP50})`, p95: '' });
  return rows;
}

function runFloor(dir: string, workflow: string, check: string, periods: string[], settle: number) {
  return new Promise<{ figures: Figures; ms: Record<string, number[]> }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/floor.ts'), dir, workflow, JSON.stringify({ check, periods, settleMs: settle })], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`floor exited with ${code}:\n${err}`))));
  });
}

/** Bytes on disk of every active part of Flowlens' tables (raw events, derived tables, rollups, catalog). */
async function clickhouseBytes(dir: string) {
  const store = openStore({ dataDir: dir, clickhouseUrl: undefined });
  try {
    const rows = await store.query<{ table: string; bytes: number }>(
      'SELECT table, sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = currentDatabase() GROUP BY table ORDER BY bytes DESC',
    );
    const tables = Object.fromEntries(rows.map((r) => [r.table, Number(r.bytes)]));
    return { bytes: Object.values(tables).reduce((a, b) => a + b, 0), tables };
  } finally {
    await store.close();
  }
}

/** The quick mode's verdict: ratios 5× worse than the recorded baseline fail; absolute times never do. */
export function checkBaseline(result: Awaited<ReturnType<typeof benchCompare>>, baselineFile: string, factor = 5): string[] {
  if (!fs.existsSync(baselineFile)) return [`no baseline at ${baselineFile} (record one: copy the panels of a --quick run's compare result there)`];
  const baseline = JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as { panels: { panel: string; speedupOverPostgres: number; overheadOverFloor: number }[] };
  const failures: string[] = [];
  for (const b of baseline.panels) {
    const r = result.panels.find((p) => p.panel === b.panel);
    if (!r) {
      failures.push(`${b.panel}: not measured`);
      continue;
    }
    if (r.speedupOverPostgres * factor < b.speedupOverPostgres) failures.push(`${b.panel}: ${r.speedupOverPostgres}× faster than PostgreSQL, baseline ${b.speedupOverPostgres}× (more than ${factor}× worse)`);
    if (r.overheadOverFloor > b.overheadOverFloor * factor) failures.push(`${b.panel}: ${r.overheadOverFloor}× the floor, baseline ${b.overheadOverFloor}× (more than ${factor}× worse)`);
  }
  return failures;
}
export const machine = () => ({ cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version });
