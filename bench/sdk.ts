/**
 * The SDK's throughput into a local server: a real `flowlens serve` process, and in this process an engine
 * tracking executions through @flowlens/sdk's lifecycle helpers (started, step started, step completed,
 * completed: 4 events each) as fast as the client lets it (onFull: block, so nothing is dropped and the engine
 * is held back when the server cannot keep up). Per configuration: events per second from the first track()
 * to the last acknowledgement, and the client's CPU per event (process.cpuUsage of this process: tracking,
 * serializing, compressing, HTTP; the server runs in its own process), with the tracking loop's share apart.
 * Each configuration gets a fresh server. Then the client alone, against a fetch that acknowledges at once (no
 * HTTP): its own ceiling. gzip: the server does not read gzip request bodies yet, so a gzip client falls back to
 * plain at its first request; what compression would cost and save is measured apart, on the same batches.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ExecutionTracker, Flowlens, type EventInput, type FlowlensOptions } from '../packages/sdk/src/index.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { tempDir } from '../test/helpers/store.js';

const KEY = 'fl_bench_sdk_operator_key';
const gzip = promisify(zlib.gzip);

export interface SdkRun {
  config: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  cpuMicrosPerEvent: number;
  trackCpuMicrosPerEvent: number;
  requests: number;
  bytesPerEvent: number;
  retries: number;
  gzipAtEnd: boolean;
}

export interface SdkBenchResult {
  runs: SdkRun[];
  gzip: { level: number; batch: number; microsPerEvent: number; ratio: number }[];
}

const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;

async function run(url: string, config: string, events: number, options: Partial<FlowlensOptions>, workflowId: string): Promise<SdkRun> {
  const client = new Flowlens({ url, apiKey: KEY, onFull: 'block', ...options });
  const executions = Math.ceil(events / 4);
  let trackCpu = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < executions; i += 250) {
    const c = process.cpuUsage();
    const pending: Promise<void>[] = [];
    for (let j = i; j < Math.min(executions, i + 250); j++) {
      const x = client.execution(workflowId, `x-${j}`, { contactId: `contact-${j}`, triggerType: 'webhook' });
      pending.push(x.started());
      const step = x.step('send-welcome', 'action', { actionType: 'send_email' });
      pending.push(step.started(), step.completed({ durationMs: 120 }), x.completed());
    }
    trackCpu += cpuMicros(process.cpuUsage(c));
    await Promise.all(pending); // held here while the queue is full
  }
  const ok = await client.flush(600_000);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMicros(process.cpuUsage(cpu0));
  await client.close();
  const s = client.stats();
  if (!ok || s.acknowledged !== executions * 4) throw new Error(`${config}: ${s.acknowledged} of ${executions * 4} acknowledged`);
  const n = executions * 4;
  return {
    config,
    events: n,
    seconds: Math.round(seconds * 100) / 100,
    eventsPerSecond: Math.round(n / seconds),
    cpuMicrosPerEvent: Math.round((cpu / n) * 100) / 100,
    trackCpuMicrosPerEvent: Math.round((trackCpu / n) * 100) / 100,
    requests: s.requests,
    bytesPerEvent: Math.round(s.bytesSent / n),
    retries: s.retries,
    gzipAtEnd: s.gzip,
  };
}

/** What gzip costs per event and saves, on batches like the runs' (what a server that reads gzip would get). */
async function gzipCost(): Promise<SdkBenchResult['gzip']> {
  const out: SdkBenchResult['gzip'] = [];
  const sample: unknown[] = [];
  const tracker = { track: async (e: EventInput) => void sample.push({ ...e, event_id: crypto.randomUUID(), timestamp: new Date().toISOString() }) };
  for (let j = 0; j < 5000 / 4; j++) {
    const x = new ExecutionTracker(tracker, 'wf-bench', `x-${j}`, { contactId: `contact-${j}`, triggerType: 'webhook' });
    void x.started();
    const step = x.step('send-welcome', 'action', { actionType: 'send_email' });
    void step.started();
    void step.completed({ durationMs: 120 });
    void x.completed();
  }
  for (const batch of [500, 5000]) {
    const body = JSON.stringify(sample.slice(0, batch));
    for (const level of [1, 3, 6]) {
      const reps = batch === 500 ? 40 : 6;
      let bytes = 0;
      const c = process.cpuUsage();
      for (let r = 0; r < reps; r++) bytes = (await gzip(body, { level })).length;
      out.push({ level, batch, microsPerEvent: Math.round((cpuMicros(process.cpuUsage(c)) / (reps * batch)) * 100) / 100, ratio: Math.round((body.length / bytes) * 10) / 10 });
    }
  }
  return out;
}

/** A fetch that acknowledges every batch at once, without HTTP: what the client alone costs and can do. */
const stubFetch: typeof fetch = async (_url, init) => {
  const body = String(init?.body);
  let n = 0;
  for (let i = body.indexOf('"event_id"'); i >= 0; i = body.indexOf('"event_id"', i + 10)) n++;
  return new Response(JSON.stringify({ accepted: n, duplicates: 0, rejected: [] }), { status: 200 });
};

export async function benchSdk(events = 100_000): Promise<SdkBenchResult> {
  const configs: Array<[string, Partial<FlowlensOptions>]> = [
    ['defaults (batch 2000, 4 in flight)', {}],
    ['batch 500, 2 in flight', { batchSize: 500, concurrency: 2 }],
    ['batch 5000, 4 in flight', { batchSize: 5000, concurrency: 4 }],
  ];
  const runs: SdkRun[] = [];
  for (const [name, options] of configs) {
    // a fresh server each time: ingestion slows as a store grows, which would favour whichever ran first
    const server = await startServerProcess(tempDir('flowlens-bench-sdk-'), { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_INGEST_RATE_LIMIT_PER_MINUTE: '0', FLOWLENS_RATE_LIMIT_PER_MINUTE: '0' });
    try {
      await run(server.url, 'warm-up', 8000, options, 'wf-bench-warmup');
      process.stderr.write(`  sdk: ${name}…\n`);
      runs.push(await run(server.url, name, events, options, 'wf-bench-sdk'));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
  process.stderr.write('  sdk: the client alone, against a fetch that acknowledges at once…\n');
  await run('http://stub', 'warm-up', 20_000, { gzip: false, fetch: stubFetch }, 'wf-bench-stub');
  runs.push(await run('http://stub', 'client alone (defaults, no HTTP, no gzip)', events, { gzip: false, fetch: stubFetch }, 'wf-bench-stub'));
  return { runs, gzip: await gzipCost() };
}
