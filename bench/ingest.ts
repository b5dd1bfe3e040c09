/**
 * Ingestion throughput over HTTP: a real `flowlens serve` process on a fresh data directory,
 * several concurrent senders posting NDJSON batches of 5,000 events; counts acknowledged events/s (at the
 * write-ahead log by default) and, separately, how long until the engine held them all.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateEvents } from '../src/demo/generate.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { tempDir } from '../test/helpers/store.js';

export interface IngestBenchResult {
  events: number;
  senders: number;
  batch: number;
  /** Bodies answered 503 (the intake saturated) and sent again after their Retry-After. */
  refused503: number;
  seconds: number;
  eventsPerSecond: number;
  p50BatchMs: number;
  p95BatchMs: number;
  /** Until the engine held every acknowledged event (its views and execution facts may still be catching up). */
  storedSeconds: number;
  /** Acknowledged events ÷ storedSeconds: what the engine sustained. */
  storedEventsPerSecond: number;
  /** storedEventsPerSecond ÷ floorEventsPerSecond. */
  storedRatioToFloor: number;
  /** The same events inserted into one plain MergeTree table with no views, in process (bench/ingest-floor.ts). */
  floorEventsPerSecond: number;
  /** eventsPerSecond ÷ floorEventsPerSecond (issue 30's goal: ≥ 0.5). */
  ratioToFloor: number;
}

const KEY = 'fl_bench_operator_key';

export async function benchIngest(totalEvents: number, senders = 4, batch = 5000): Promise<IngestBenchResult> {
  // Pre-build the request bodies so the senders measure the server, not the generator.
  const bodies: string[] = [];
  let current: string[] = [];
  let made = 0;
  for (const chunk of generateEvents({ workflows: 10, enrollments: Math.ceil(totalEvents / 14), days: 30, seed: 7, now: new Date() })) {
    for (const e of chunk) {
      if (e.type === 'activity') continue;
      current.push(JSON.stringify(e));
      if (current.length === batch) {
        bodies.push(current.join('\n'));
        current = [];
      }
      if (++made >= totalEvents) break;
    }
    if (made >= totalEvents) break;
  }
  if (current.length) bodies.push(current.join('\n'));

  const server = await startServerProcess(tempDir('flowlens-bench-'), { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_LOG_LEVEL: 'warn' });
  const latencies: number[] = [];
  let next = 0;
  let acknowledged = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t = performance.now();
        let res: Response;
        let json: { accepted: number };
        // a saturated intake answers 503 with Retry-After (the engine's writer is the bound): wait and resend, as the SDK does
        for (;;) {
          res = await fetch(`${server.url}/api/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' },
            body,
          });
          json = (await res.json()) as { accepted: number };
          if (res.status !== 503) break;
          refused++;
          await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
        }
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(json)}`);
        acknowledged += json.accepted;
        latencies.push(performance.now() - t);
        if (latencies.length % 20 === 0) process.stderr.write(`  ingest: ${acknowledged.toLocaleString('en-US')} events acknowledged\n`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // acknowledged at the write-ahead log, the engine may still be writing: until it holds every event
  for (;;) {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { pending_events?: number };
    if (!health.pending_events) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const storedSeconds = (performance.now() - started) / 1000;
  server.child.kill('SIGTERM');
  await server.exited;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!);
  const eventsPerSecond = Math.round(acknowledged / seconds);
  process.stderr.write('  ingest: the floor (plain MergeTree, no views) on the same events…\n');
  const floor = await runIngestFloor(made, batch);
  return {
    events: acknowledged, senders, batch, refused503: refused, seconds, eventsPerSecond, p50BatchMs: q(0.5), p95BatchMs: q(0.95),
    storedSeconds, storedEventsPerSecond: Math.round(acknowledged / storedSeconds),
    storedRatioToFloor: Math.round((acknowledged / storedSeconds / floor.eventsPerSecond) * 100) / 100,
    floorEventsPerSecond: floor.eventsPerSecond, ratioToFloor: Math.round((eventsPerSecond / floor.eventsPerSecond) * 100) / 100,
  };
}

/** bench/ingest-floor.ts in a child process: one embedded engine per process, and the server has stopped. */
function runIngestFloor(events: number, batch: number): Promise<{ eventsPerSecond: number }> {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/ingest-floor.ts'), String(events), String(batch)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLOWLENS_LOG_LEVEL: 'warn' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`the ingestion floor exited with ${code}:\n${err}`))));
  });
}
