/**
 * Live updates: a real `flowlens serve` process. (1) Ingest-to-delivery latency: one stream, one small
 * ingest at a time, time from the acknowledgement (and from the send) to the `metrics_update` at the
 * client. (2) Many streams: N concurrent SSE connections on the one instance (opened 200 at a time; the
 * process's open-file limit raised with prlimit when N needs it, the server inheriting it), the server's
 * resident memory (VmRSS) before and with them open, per stream. (3) With all of them open, 5 single
 * ingests one after the other: the time from each acknowledgement to the update at every stream, and the
 * share of streams that got every update.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { ev } from '../test/helpers/runtime.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { openSse } from '../test/helpers/sse.js';
import { tempDir } from '../test/helpers/store.js';

const KEY = 'fl_bench_realtime_key';
const OPENING = 200;

export interface RealtimeBenchResult {
  updates: number;
  ackToDeliveryP50Ms: number;
  ackToDeliveryP95Ms: number;
  sendToDeliveryP95Ms: number;
  streams: number;
  streamsOpenSeconds: number;
  /** The server's resident memory (VmRSS) before the streams open, and with all of them open. */
  rssBeforeMb: number;
  rssAfterMb: number;
  extraRssMb: number;
  /** (after − before) ÷ streams. */
  perStreamKb: number;
  /** Updates fanned out to every open stream, one at a time (each an ingest of one event). */
  fanOutRounds: number;
  /** Deliveries seen over all rounds ÷ (rounds × streams): 1 when every stream got every update. */
  delivered: number;
  /** From the ingest's acknowledgement to each stream's receipt of the update, over every stream of every round. */
  fanOutP50Ms: number;
  fanOutP95Ms: number;
  fanOutMaxMs: number;
  heartbeatsSeen: number;
  /** The client's and the server's CPU while the streams were opened (seconds). */
  openCpuS: { client: number; server: number };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]! * 10) / 10;
};

/** A process's resident memory (VmRSS), from /proc. */
function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}
/** A process's CPU seconds (user + system), from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * Raises this process's soft limit of open files toward `needed` (each stream is one socket here and one in
 * the server, which inherits the limit). Linux only (prlimit); a no-op where the limit is already enough.
 */
function raiseOpenFiles(needed: number): void {
  const soft = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  if (!(soft < needed)) return;
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${needed}:${needed}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${needed.toLocaleString('en-US')} streams need ${needed} open files; the limit is ${soft} (raise it: ulimit -n ${needed})`);
  }
}

export async function benchRealtime(streams = 10_000, samples = 50, rounds = 5): Promise<RealtimeBenchResult> {
  raiseOpenFiles(streams + 1024);
  const server = await startServerProcess(tempDir('flowlens-bench-'), {
    FLOWLENS_ADMIN_KEY: KEY,
    FLOWLENS_LOG_LEVEL: 'warn',
    FLOWLENS_RATE_LIMIT_PER_MINUTE: '0',
    FLOWLENS_INGEST_RATE_LIMIT_PER_MINUTE: '0',
    FLOWLENS_SSE_HEARTBEAT_MS: '15000',
  });
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const post = (events: unknown[]) => fetch(`${server.url}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify(events) }).then((r) => r.json());
  try {
    const now = () => new Date().toISOString();
    // a workflow with 10,000 executions today, so the live figures are not trivial
    for (let b = 0; b < 10; b++) {
      await post(Array.from({ length: 1000 }, (_, i) => [ev.started('live', `pre-${b}-${i}`, now()), ev.step('started', 'live', `pre-${b}-${i}`, 's1', now())]).flat());
    }
    const path = '/api/v1/workflows/live/analytics/stream';

    // (1) latency, one stream
    const s = await openSse(`${server.url}${path}`, { authorization: `Bearer ${KEY}` });
    await s.next();
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    for (let i = 0; i < samples; i++) {
      await new Promise((r) => setTimeout(r, 300)); // past the 250 ms coalescing window: each update is a leading edge
      const from = s.messages.length;
      const sent = performance.now();
      await post([ev.started('live', `lat-${i}`, now())]);
      const acked = performance.now();
      const m = await s.next(undefined, 10_000, from);
      fromAck.push(m.receivedAt - acked);
      fromSend.push(m.receivedAt - sent);
    }
    s.close();

    // (2) many streams
    await new Promise((r) => setTimeout(r, 1000));
    const pid = server.child.pid!;
    const rssBefore = rssBytes(pid);
    const serverCpu0 = cpuSeconds(pid);
    const clientCpu0 = process.cpuUsage();
    const u = new URL(server.url);
    const opened = performance.now();
    let received: number[] = [];
    let heartbeats = 0;
    let trigger = 0;
    const requests: http.ClientRequest[] = [];
    // at most OPENING connections being set up at a time: 10,000 connects at once overflow the listen queue
    // (Node's default backlog is 511) and the dropped SYNs come back after 1, 3, 7… s
    const openOne = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(
          { host: u.hostname, port: u.port, path, agent: false, headers: { authorization: `Bearer ${KEY}`, accept: 'text/event-stream' } },
          (res) => {
            if (res.statusCode !== 200) return reject(new Error(`stream ${i}: ${res.statusCode}`));
            let first = true;
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              if (chunk.includes(': heartbeat')) heartbeats++;
              if (!chunk.includes('event: metrics_update')) return;
              if (first) {
                first = false;
                resolve();
              } else if (trigger && !received[i]) received[i] = performance.now() - trigger;
            });
          },
        );
        req.on('error', reject);
        req.end();
        requests.push(req);
      });
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(OPENING, streams) }, async () => {
      while (next < streams) await openOne(next++);
    }));
    const openSeconds = (performance.now() - opened) / 1000;
    const c = process.cpuUsage(clientCpu0);
    const openCpuS = { client: Math.round((c.user + c.system) / 1e5) / 10, server: Math.round((cpuSeconds(pid) - serverCpu0) * 10) / 10 };
    await new Promise((r) => setTimeout(r, 2000));
    const rssAfter = rssBytes(pid);
    // (3) updates reach every open stream: one event at a time, past the coalescing window
    const latencies: number[] = [];
    for (let r = 0; r < rounds; r++) {
      received = new Array(streams).fill(0);
      trigger = 0;
      await post([ev.started('live', `fan-out-${r}`, now())]);
      trigger = performance.now();
      const deadline = Date.now() + 60_000;
      while (received.some((x) => x === 0) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      latencies.push(...received.filter((x) => x > 0));
      await new Promise((res) => setTimeout(res, 500));
    }
    for (const r of requests) r.destroy();
    return {
      updates: samples,
      ackToDeliveryP50Ms: pct(fromAck, 50),
      ackToDeliveryP95Ms: pct(fromAck, 95),
      sendToDeliveryP95Ms: pct(fromSend, 95),
      streams,
      streamsOpenSeconds: Math.round(openSeconds * 10) / 10,
      rssBeforeMb: Math.round(rssBefore / 2 ** 20),
      rssAfterMb: Math.round(rssAfter / 2 ** 20),
      extraRssMb: Math.round((rssAfter - rssBefore) / 2 ** 20),
      perStreamKb: Math.round((rssAfter - rssBefore) / streams / 102.4) / 10,
      fanOutRounds: rounds,
      delivered: Math.round((latencies.length / (rounds * streams)) * 1e4) / 1e4,
      fanOutP50Ms: pct(latencies, 50),
      fanOutP95Ms: pct(latencies, 95),
      fanOutMaxMs: Math.round(Math.max(...latencies)),
      heartbeatsSeen: heartbeats,
      openCpuS,
    };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}
