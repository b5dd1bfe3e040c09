/**
 * The honest peer comparison of issue 30, beside `bench compare`'s latencies: for Flowlens and the PostgreSQL
 * reference, (1) freshness — the time from writing an event to the panel's figure reflecting it, over HTTP,
 * for new events of today and for a late event of a closed period — and (2) the maintenance cost of the
 * pre-aggregates: CPU per million events and what a late event costs.
 *
 * Flowlens' side posts to a running `flowlens serve`; the reference's side writes as the seed's workflow
 * service would and runs the seed's aggregation worker (postgres/worker.ts) on its schedule, behind its Fastify
 * server (postgres/server.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { AggregationWorker, prepareWorker, recordNewExecution, recordStepEvent, refreshDays, type Refresh } from './postgres/worker.js';
import { pgActions, pgFunnel, pgSummary, differences } from './postgres/queries.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
export const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const dayBack = (day: string, n: number) => dayOf(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000);

/** The reference's HTTP server as a child process (its own process, as Flowlens' server is). */
export async function startPgHttp(connectionString: string): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/postgres/server.ts'), connectionString], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.on('exit', (code) => reject(new Error(`the reference's server exited (${code}):\n${err}`)));
  });
  return { url, child, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

export interface Watch {
  name: string;
  /** The figure as the panel answers it now. */
  read: () => Promise<number>;
}

/**
 * Freshness trials: each reads every watched figure, writes (`write`), then polls each figure (one request
 * after another, `pollMs` apart) until it has moved by `delta`; the time from the start of the write to the
 * answer that showed it. Trials are spaced by a random pause (so they fall at any phase of a periodic worker).
 */
async function freshnessTrials(trials: number, watches: (i: number) => Watch[], write: (i: number) => Promise<void>, o: { delta?: number; pollMs?: number; timeoutMs?: number; spacingMs?: number } = {}) {
  const delta = o.delta ?? 1;
  const ms: Record<string, number[]> = {};
  for (let i = 0; i < trials; i++) {
    await sleep(Math.random() * (o.spacingMs ?? 1000));
    const ws = watches(i);
    const before = await Promise.all(ws.map((w) => w.read()));
    const t = performance.now();
    await write(i);
    await Promise.all(ws.map(async (w, k) => {
      for (;;) {
        const v = await w.read();
        if (v >= before[k]! + delta) break;
        if (performance.now() - t > (o.timeoutMs ?? 120_000)) throw new Error(`freshness: ${w.name} did not move from ${before[k]} in ${o.timeoutMs ?? 120_000} ms`);
        await sleep(o.pollMs ?? 20);
      }
      (ms[w.name] ??= []).push(performance.now() - t);
    }));
  }
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, { p50Ms: pct(v, 0.5), p95Ms: pct(v, 0.95), maxMs: r1(Math.max(...v)), n: v.length }]));
}

type Body = any;
const getJson = async (url: string, headers: Record<string, string> = {}): Promise<Body> => {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
};

/**
 * The four figures watched, read from a server's panels (Flowlens' and the reference's answer the same paths):
 * the period's enrolled count (summary), today's new enrollments (trends), the step's entered (funnel), the
 * action's executions (actions).
 */
function panelWatches(base: string, headers: Record<string, string>, period: { startDate: string; endDate: string }, day: string, step: string, which: ('summary' | 'trends' | 'funnel' | 'actions')[]): Watch[] {
  const q = `start_date=${period.startDate}&end_date=${period.endDate}`;
  const all: Record<string, Watch> = {
    summary: { name: 'summary: total_enrolled', read: async () => Number((await getJson(`${base}?${q}`, headers)).summary.total_enrolled) },
    trends: { name: 'trends: the day\'s new_enrollments', read: async () => Number((await getJson(`${base}?${q}`, headers)).trends.find((t: Body) => t.date === day)?.new_enrollments ?? 0) },
    funnel: { name: 'funnel: step entered', read: async () => { const b = await getJson(`${base}/funnel?${q}`, headers); return Number((b.funnel_steps ?? b.steps).find((s: Body) => s.step_id === step)?.entered ?? 0); } },
    actions: { name: 'actions: executions', read: async () => Number((await getJson(`${base}/actions?${q}`, headers)).actions.find((a: Body) => a.action_id === step)?.executions ?? 0) },
  };
  return which.map((w) => all[w]!);
}

export interface PeerOptions {
  workflow: string;
  /** An action step of the workflow (its id, type, action type). */
  step: { step_id: string; type: string; action_type?: string };
  /** Executions enrolled on `lateDay` (a closed day, outside the compared periods) for the late events. */
  lateExecutions: string[];
  lateDay: string;
  trials: number;
  log: (s: string) => void;
}

/** Flowlens: events posted to a running server; its panels polled over HTTP. */
export async function flowlensFreshness(serverUrl: string, key: string, o: PeerOptions) {
  const headers = { authorization: `Bearer ${key}` };
  const base = `${serverUrl}/api/v1/workflows/${o.workflow}/analytics`;
  const post = async (events: unknown[]) => {
    const res = await fetch(`${serverUrl}/api/v1/events`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(events) });
    if (!res.ok) throw new Error(`POST /api/v1/events: ${res.status} ${await res.text()}`);
  };
  const stepFields = { step_id: o.step.step_id, step_type: o.step.type, ...(o.step.action_type ? { action_type: o.step.action_type } : {}) };
  const fresh = await freshnessTrials(o.trials, () => {
    const today = dayOf(Date.now());
    return panelWatches(base, headers, { startDate: dayBack(today, 29), endDate: today }, today, o.step.step_id, ['summary', 'trends', 'funnel', 'actions']);
  }, async (i) => {
    const at = new Date().toISOString();
    const ex = `fresh-${crypto.randomUUID()}`;
    const common = { workflow_id: o.workflow, execution_id: ex, timestamp: at };
    await post([
      { type: 'execution.started', ...common, event_id: `${ex}-0`, contact_id: `c-${i}`, enrollment_source: 'trigger' },
      { type: 'step.started', ...common, ...stepFields, event_id: `${ex}-1` },
      { type: 'step.completed', ...common, ...stepFields, event_id: `${ex}-2`, duration_ms: 1000 },
    ]);
  });
  const late = await freshnessTrials(Math.min(o.trials, o.lateExecutions.length), () => [
    panelWatches(base, headers, { startDate: dayBack(o.lateDay, 29), endDate: o.lateDay }, o.lateDay, o.step.step_id, ['actions'])[0]!,
  ], async (i) => {
    await post([{ type: 'step.completed', workflow_id: o.workflow, execution_id: o.lateExecutions[i]!, event_id: `late-${crypto.randomUUID()}`, timestamp: `${o.lateDay}T23:59:5${i % 10}.000Z`, ...stepFields, duration_ms: 1000 }]);
  });
  return { fresh, late };
}

/** The reference: the service's writes, its worker on its schedule, its HTTP server polled. */
export async function pgFreshness(pgUrl: string, connectionString: string, workerIntervalMs: number, o: PeerOptions) {
  const base = `${pgUrl}/api/v1/workflows/${o.workflow}/analytics`;
  const service = new pg.Client({ connectionString });
  const wdb = new pg.Client({ connectionString });
  await service.connect();
  await wdb.connect();
  try {
    const { pid } = await prepareWorker(wdb);
    const worker = new AggregationWorker(wdb, pid, workerIntervalMs);
    worker.start();
    try {
      const fresh = await freshnessTrials(o.trials, () => {
        const today = dayOf(Date.now());
        return panelWatches(base, {}, { startDate: dayBack(today, 29), endDate: today }, today, o.step.step_id, ['summary', 'trends', 'funnel', 'actions']);
      }, async () => {
        await recordNewExecution(service, { workflow: o.workflow, execution: `fresh-${crypto.randomUUID()}`, step: o.step.step_id, stepType: o.step.type, actionType: o.step.action_type ?? null, at: new Date().toISOString(), durationMs: 1000 });
      }, { spacingMs: workerIntervalMs });
      const late = await freshnessTrials(Math.min(o.trials, o.lateExecutions.length), () => [
        panelWatches(base, {}, { startDate: dayBack(o.lateDay, 29), endDate: o.lateDay }, o.lateDay, o.step.step_id, ['actions'])[0]!,
      ], async (i) => {
        await recordStepEvent(service, { workflow: o.workflow, execution: o.lateExecutions[i]!, step: o.step.step_id, stepType: o.step.type, actionType: o.step.action_type ?? null, type: 'step.completed', at: `${o.lateDay}T23:59:5${i % 10}.000Z`, durationMs: 1000 });
      }, { spacingMs: workerIntervalMs });
      return { fresh, late, workerIntervalMs, workerRuns: summarizeRuns(worker.runs) };
    } finally {
      await worker.stop();
    }
  } finally {
    await service.end();
    await wdb.end();
  }
}

function summarizeRuns(runs: Refresh[]) {
  const cpu = runs.map((r) => r.cpuMs).filter((x): x is number => x !== null);
  return { runs: runs.length, p50Ms: pct(runs.map((r) => r.ms), 0.5), p95Ms: pct(runs.map((r) => r.ms), 0.95), cpuP50Ms: pct(cpu, 0.5), cpuP95Ms: pct(cpu, 0.95) };
}

/**
 * The reference's maintenance cost, on its worker's backend: every day of the data re-derived at once (what a
 * nightly batch costs), checked to leave the figures of `check` unchanged; then single days re-derived (what
 * one worker run for today, or a late event's day, costs).
 */
export async function pgMaintenance(connectionString: string, workflow: string, check: { startDate: string; endDate: string }, singleDays: string[], log: (s: string) => void) {
  const db = new pg.Client({ connectionString });
  await db.connect();
  try {
    const setup = await prepareWorker(db);
    const before = { summary: await pgSummary(db, workflow, check), funnel: await pgFunnel(db, workflow, check), actions: await pgActions(db, workflow, check) };
    const r = await db.query("SELECT to_char(min(date), 'YYYY-MM-DD') AS lo, to_char(max(date), 'YYYY-MM-DD') AS hi FROM workflow_step_metrics WHERE workflow_id = $1", [workflow]);
    const days: string[] = [];
    for (let t = Date.parse(`${r.rows[0].lo}T00:00:00Z`); t <= Date.parse(`${r.rows[0].hi}T00:00:00Z`); t += 86_400_000) days.push(dayOf(t));
    const all = await refreshDays(db, setup.pid, workflow, days);
    const after = { summary: await pgSummary(db, workflow, check), funnel: await pgFunnel(db, workflow, check), actions: await pgActions(db, workflow, check) };
    const diff = differences(after, before);
    if (diff.length) throw new Error(`the worker's re-derive changed the figures of ${check.startDate}..${check.endDate}:\n  ${diff.slice(0, 10).join('\n  ')}`);
    log(`postgres: the worker re-derived all ${days.length} days in ${r1(all.ms)} ms (backend CPU ${all.cpuMs ?? '?'} ms); figures unchanged`);
    const one: Refresh[] = [];
    for (const d of singleDays) one.push(await refreshDays(db, setup.pid, workflow, [d]));
    return { workerSetupMs: r1(setup.setupMs), allDays: { days: days.length, ms: r1(all.ms), cpuMs: all.cpuMs }, oneDay: summarizeRuns(one) };
  } finally {
    await db.end();
  }
}

/** Flowlens' maintenance cost (bench/maintenance.ts) in a child process. */
export function flowlensMaintenance(enrollments: number, now: string, batch = 10_000): Promise<{ events: number; floorCpuS: number; realCpuS: number; derivedCpuS: number; realBusyS: number; floorBusyS: number; idleCpuMsPerS: number; late: { cpuMs: number; ms: number }[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/maintenance.ts'), String(enrollments), now, String(batch)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`maintenance exited with ${code}:\n${err}`))));
  });
}

export const perMillion = (seconds: number, events: number) => r3((seconds * 1e6) / events);
export { pct as percentile, r1 };
