/**
 * Flowlens' maintenance cost (issue 30's peer comparison): the CPU it spends keeping its derived tables current,
 * in process on a fresh data directory, on the demo events of `bench compare` (one workflow, 90 days), already
 * parsed and validated (not timed):
 *
 * - floor: the rows inserted into one plain MergeTree table with the events table's columns and key, no views;
 * - real: the same rows inserted into `events` (every materialized view on it: rollups, execution state,
 *   dedupe ids, failure and cost events…) and the execution facts of each batch's executions written, as the
 *   ingest path does after each batch.
 *
 * real − floor is the CPU of the derived writes. Each phase is followed by a quiet window in which background
 * merges run; the process's idle CPU over the same time is subtracted. CPU is the process's (process.cpuUsage:
 * the embedded engine's threads included).
 *
 * Then a late event, ten times: one step.completed dated 40 days back for an existing execution, inserted into
 * `events` and that execution's facts rewritten — what a late event costs Flowlens.
 *
 * Run as a child process (one embedded engine per process):
 *   node --import tsx bench/maintenance.ts ENROLLMENTS NOW_ISO BATCH → prints one JSON line
 */
import { demoWorkflows, generateEvents } from '../src/demo/generate.js';
import { validateEvent, type EventRow } from '../src/ingest/validate.js';
import { writeListedFacts } from '../src/store/execution-facts.js';
import { openTestStore } from '../test/helpers/store.js';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const QUIET_MS = 3000;

export async function flowlensMaintenance(enrollments: number, now: Date, batch: number) {
  const rows: EventRow[] = [];
  const received = new Date();
  for (const chunk of generateEvents({ workflows: 1, enrollments, days: 90, seed: 11, now })) {
    for (const e of chunk) {
      const v = validateEvent(JSON.parse(JSON.stringify(e)), 'default', received);
      if (v.ok) rows.push(v.row);
    }
  }
  const { store } = await openTestStore();
  try {
    await store.command('CREATE TABLE floor_events AS events ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (account_id, workflow_id, type, ts)');
    await sleep(1000);
    // the process's idle CPU (timers, the engine's background threads)
    let c = cpuMs();
    let t = performance.now();
    await sleep(QUIET_MS);
    const idlePerMs = (cpuMs() - c) / (performance.now() - t);

    const phase = async (run: () => Promise<void>) => {
      const c0 = cpuMs();
      const t0 = performance.now();
      await run();
      const busyMs = performance.now() - t0;
      await sleep(QUIET_MS);
      const wall = performance.now() - t0;
      return { cpuMs: cpuMs() - c0 - idlePerMs * wall, busyMs };
    };
    const floor = await phase(async () => {
      for (let i = 0; i < rows.length; i += batch) await store.insert('floor_events', rows.slice(i, i + batch));
    });
    const real = await phase(async () => {
      for (let i = 0; i < rows.length; i += batch) {
        const part = rows.slice(i, i + batch);
        await store.insert('events', part);
        const ids = [...new Set(part.map((r) => String(r.execution_id)))];
        await writeListedFacts(store, [{ account: 'default', workflow: String(part[0]!.workflow_id), ids, fallback: true }]);
      }
    });
    const [stored] = await store.query<{ n: number }>('SELECT count() AS n FROM events');
    if (Number(stored!.n) !== rows.length) throw new Error(`events holds ${stored!.n} of ${rows.length} rows`);

    // late events: a step.completed 40 days back for executions enrolled then
    const workflow = demoWorkflows(1)[0]!;
    const step = workflow.registrations.at(-1)!.steps.find((s) => s.type === 'action')!;
    const lateAt = new Date(now.getTime() - 40 * 86_400_000);
    const old = rows.filter((r) => r.type === 'execution.started' && Math.abs(new Date(String(r.ts)).getTime() - lateAt.getTime()) < 86_400_000).slice(0, 10);
    const late: { cpuMs: number; ms: number }[] = [];
    for (const [i, e] of old.entries()) {
      const v = validateEvent({ type: 'step.completed', event_id: `late-${i}`, workflow_id: workflow.workflowId, execution_id: String(e.execution_id), step_id: step.step_id,
        step_type: step.type, action_type: step.action_type, timestamp: new Date(new Date(String(e.ts)).getTime() + 60_000).toISOString(), duration_ms: 1000 }, 'default', new Date());
      if (!v.ok) throw new Error(`late event rejected: ${JSON.stringify(v)}`);
      await sleep(500);
      c = cpuMs();
      t = performance.now();
      await store.insert('events', [v.row]);
      await writeListedFacts(store, [{ account: 'default', workflow: workflow.workflowId, ids: [String(e.execution_id)], fallback: true }]);
      const ms = performance.now() - t;
      late.push({ cpuMs: cpuMs() - c - idlePerMs * ms, ms });
    }
    return {
      events: rows.length, batch, idleCpuMsPerS: Math.round(idlePerMs * 1000),
      floorCpuS: floor.cpuMs / 1000, floorBusyS: floor.busyMs / 1000, realCpuS: real.cpuMs / 1000, realBusyS: real.busyMs / 1000,
      derivedCpuS: (real.cpuMs - floor.cpuMs) / 1000, late,
    };
  } finally {
    await store.close();
  }
}

if (process.argv[1]?.endsWith('maintenance.ts')) {
  const r = await flowlensMaintenance(Number(process.argv[2] ?? 20_000), new Date(process.argv[3] ?? Date.now()), Number(process.argv[4] ?? 10_000));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
