/**
 * Loads the PostgreSQL reference with the demo events: writes them as two TSV files (step events; the
 * execution-level events the workflow service would apply to workflow_executions), COPYs them in on the
 * server (which runs on this machine and reads the files), then derives the seed's tables and creates its
 * indexes (derive.sql). The whole is timed as the reference's ingestion.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { demoWorkflows, generateEvents, type GenerateOptions } from '../../src/demo/generate.js';
import { COPY_SEPARATOR } from '../scale.js';

export const POSTGRES_URL = process.env.FLOWLENS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A connection to the server's maintenance database, or null when no server answers. */
export async function reachPostgres(): Promise<pg.Client | null> {
  const c = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return c;
  } catch {
    return null;
  }
}

export function databaseUrl(name: string): string {
  const u = new URL(POSTGRES_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

const esc = (v: unknown) => (v === undefined || v === null ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!));

export interface PgLoad {
  database: string;
  /** Events given to the reference (every generated event; it keeps the step and execution ones). */
  events: number;
  kept: number;
  seconds: number;
  eventsPerSecond: number;
  bytes: number;
  tables: Record<string, number>;
}

/**
 * Creates `database` (dropping a leftover of the same name) and loads the events `options` generate. With
 * `copies` > 1 every execution's events are loaded that many times, the copies with the ids bench/scale.ts
 * gives them (`<execution_id>~<copy>`), so the reference holds what a scaled Flowlens directory holds.
 */
export async function loadPostgres(database: string, options: GenerateOptions, log: (s: string) => void, copies = 1): Promise<PgLoad> {
  const admin = await reachPostgres();
  if (!admin) throw new Error(`PostgreSQL not reachable at ${POSTGRES_URL}`);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const db = new pg.Client({ connectionString: databaseUrl(database) });
  await db.connect();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-bench-pg-'));
  fs.chmodSync(dir, 0o755); // the server process (user postgres) reads the files
  try {
    await db.query(fs.readFileSync(path.join(import.meta.dirname, 'schema.sql'), 'utf8'));
    for (const wf of demoWorkflows(options.workflows)) {
      const steps = wf.registrations.at(-1)!.steps;
      for (const s of steps) await db.query('INSERT INTO workflow_steps VALUES ($1, $2, $3, $4, $5, $6)', [wf.workflowId, s.step_id, s.name, s.order, s.type, s.action_type ?? null]);
    }
    const started = performance.now();
    const stepFile = path.join(dir, 'steps.tsv');
    const execFile = path.join(dir, 'executions.tsv');
    const stepOut = fs.openSync(stepFile, 'w', 0o644);
    const execOut = fs.openSync(execFile, 'w', 0o644);
    let events = 0;
    let kept = 0;
    for (const chunk of generateEvents(options)) {
      let steps = '';
      let execs = '';
      for (const e of chunk as any[]) {
        events += e.execution_id ? copies : 1;
        if (e.type.startsWith('step.')) {
          steps += `${esc(e.execution_id)}\t${esc(e.workflow_id)}\t${esc(e.step_id)}\t${esc(e.step_type)}\t${esc(e.action_type)}\t${e.type}\t${e.timestamp}\t${esc(e.duration_ms)}\n`;
          kept++;
        } else if (e.type.startsWith('execution.') || e.type === 'goal.achieved') {
          const detail = e.type === 'execution.exited' ? e.exit_reason : e.type === 'goal.achieved' ? e.goal_type : e.type === 'execution.failed' ? e.error_type : undefined;
          execs += `${esc(e.execution_id)}\t${esc(e.workflow_id)}\t${e.type}\t${e.timestamp}\t${esc(e.contact_id)}\t${esc(e.enrollment_source)}\t${esc(detail)}\n`;
          kept++;
        }
      }
      fs.writeSync(stepOut, steps);
      fs.writeSync(execOut, execs);
    }
    fs.closeSync(stepOut);
    fs.closeSync(execOut);
    log(`postgres: ${events.toLocaleString('en-US')} events written as TSV in ${((performance.now() - started) / 1000).toFixed(1)} s; COPY…`);
    await db.query(`COPY workflow_step_events FROM '${stepFile}'`);
    await db.query(`COPY execution_events_staging FROM '${execFile}'`);
    if (copies > 1) {
      await db.query(`INSERT INTO workflow_step_events
                      SELECT execution_id || '${COPY_SEPARATOR}' || c, workflow_id, step_id, step_type, action_type, event_type, occurred_at, duration_ms
                      FROM workflow_step_events, generate_series(1, $1::int) AS c`, [copies - 1]);
      await db.query(`INSERT INTO execution_events_staging
                      SELECT execution_id || '${COPY_SEPARATOR}' || c, workflow_id, type, ts, contact_id, enrollment_source, detail
                      FROM execution_events_staging, generate_series(1, $1::int) AS c`, [copies - 1]);
      kept *= copies;
      log(`postgres: ${copies} copies of every execution at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    log(`postgres: COPY done at ${((performance.now() - started) / 1000).toFixed(1)} s; deriving tables and indexes…`);
    await db.query('SET maintenance_work_mem = \'512MB\'');
    await db.query('SET work_mem = \'256MB\'');
    for (const stmt of fs.readFileSync(path.join(import.meta.dirname, 'derive.sql'), 'utf8').split(/;\s*\n/).map((s) => s.trim()).filter((s) => s.replace(/--.*$/gm, '').trim())) {
      const t = performance.now();
      await db.query(stmt);
      log(`postgres:   ${stmt.replace(/--.*$/gm, '').trim().split('\n')[0]!.slice(0, 70)} … ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const seconds = (performance.now() - started) / 1000;
    const sizes = await db.query(`SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                  WHERE n.nspname = 'public' AND c.relkind = 'r'`);
    const tables = Object.fromEntries(sizes.rows.map((r) => [r.name as string, Number(r.bytes)]));
    const bytes = Object.values(tables).reduce((a, b) => a + b, 0);
    return { database, events, kept, seconds: Math.round(seconds * 10) / 10, eventsPerSecond: Math.round(events / seconds), bytes, tables };
  } finally {
    await db.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function dropDatabase(database: string): Promise<void> {
  const admin = await reachPostgres();
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
}
