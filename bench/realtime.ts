/**
 * Live updates: a real `flowlens serve` process. (1) Ingest-to-delivery latency: one stream, one small
 * ingest at a time, time from the acknowledgement (and from the send) to the `metrics_update` at the
 * client. (2) Many streams: N concurrent SSE connections on the one instance, the server's extra
 * resident memory, and how long an update takes to reach all of them.
 */
import http from 'node:http';
import { ev } from '../test/helpers/runtime.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { openSse } from '../test/helpers/sse.js';
import { tempDir } from '../test/helpers/store.js';

const KEY = 'fl_bench_realtime_key';

export interface RealtimeBenchResult {
  updates: number;
  ackToDeliveryP50Ms: number;
  ackToDeliveryP95Ms: number;
  sendToDeliveryP95Ms: number;
  streams: number;
  streamsOpenSeconds: number;
  extraRssMb: number;
  fanOutP50Ms: number;
  fanOutP95Ms: number;
  fanOutMaxMs: number;
  heartbeatsSeen: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]! * 10) / 10;
};

async function rssBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^flowlens_process_resident_memory_bytes (\d+(?:\.\d+)?)/m.exec(text);
  return Number(m?.[1] ?? 0);
}

export async function benchRealtime(streams = 10_000, samples = 50): Promise<RealtimeBenchResult> {
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
    const rssBefore = await rssBytes(server.url);
    const u = new URL(server.url);
    const opened = performance.now();
    const received: number[] = new Array(streams).fill(0);
    let heartbeats = 0;
    let trigger = 0;
    const requests: http.ClientRequest[] = [];
    await new Promise<void>((resolve, reject) => {
      let ready = 0;
      for (let i = 0; i < streams; i++) {
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
                if (++ready === streams) resolve();
              } else if (trigger && !received[i]) received[i] = performance.now() - trigger;
            });
          },
        );
        req.on('error', reject);
        req.end();
        requests.push(req);
      }
    });
    const openSeconds = (performance.now() - opened) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const rssAfter = await rssBytes(server.url);
    await post([ev.started('live', 'fan-out', now())]);
    trigger = performance.now();
    const deadline = Date.now() + 60_000;
    while (received.some((x) => x === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const got = received.filter((x) => x > 0);
    for (const r of requests) r.destroy();
    return {
      updates: samples,
      ackToDeliveryP50Ms: pct(fromAck, 50),
      ackToDeliveryP95Ms: pct(fromAck, 95),
      sendToDeliveryP95Ms: pct(fromSend, 95),
      streams,
      streamsOpenSeconds: Math.round(openSeconds * 10) / 10,
      extraRssMb: Math.round((rssAfter - rssBefore) / 1024 / 1024),
      fanOutP50Ms: pct(got, 50),
      fanOutP95Ms: pct(got, 95),
      fanOutMaxMs: Math.round(Math.max(...got)),
      heartbeatsSeen: heartbeats,
    };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}
