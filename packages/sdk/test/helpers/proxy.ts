/**
 * A small HTTP proxy in front of a real Flowlens server, for the SDK's tests: it records every request (time,
 * headers, body, the status it answered) and, request by request, forwards it, answers for the server
 * (429, 415 …), holds it without an answer, or drops the connection as a dead server would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

export interface Recorded {
  n: number;
  at: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  status?: number;
}

export type Decision =
  | 'forward'
  /** forwarded to the server, but the answer never reaches the client (stored, unacknowledged) */
  | 'forward_and_hold'
  | 'hold'
  | 'reset'
  | { status: number; headers?: Record<string, string>; body?: string };

export interface Proxy {
  url: string;
  requests: Recorded[];
  /** Where requests are forwarded (may change, e.g. after a restart on another port). */
  target: string;
  decide: (r: Recorded) => Decision;
  /** Gunzip request bodies before forwarding them: a front that reads gzip for a server that may not. */
  gunzip: boolean;
  close(): Promise<void>;
}

/** The events of a request body (gunzipped when it was sent gzipped). */
export function eventsOf(r: Recorded): Array<Record<string, unknown>> {
  const raw = r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body;
  return JSON.parse(raw.toString('utf8')) as Array<Record<string, unknown>>;
}

export async function startProxy(target: string, decide: (r: Recorded) => Decision = () => 'forward'): Promise<Proxy> {
  const held: http.ServerResponse[] = [];
  const proxy: Proxy = { url: '', requests: [], target, decide, gunzip: false, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r: Recorded = { n: proxy.requests.length, at: performance.now(), headers: req.headers, body: Buffer.concat(chunks) };
      proxy.requests.push(r);
      const d = proxy.decide(r);
      if (d === 'hold') {
        held.push(res);
        return;
      }
      if (d === 'reset') {
        req.socket.destroy();
        return;
      }
      if (typeof d === 'object') {
        r.status = d.status;
        res.writeHead(d.status, { 'content-type': 'application/problem+json', ...d.headers });
        res.end(d.body ?? JSON.stringify({ type: 'about:blank', title: 'proxy', status: d.status }));
        return;
      }
      try {
        const headers: Record<string, string> = {};
        for (const h of ['authorization', 'content-type', 'content-encoding']) if (req.headers[h]) headers[h] = String(req.headers[h]);
        let body = r.body as Buffer<ArrayBuffer>;
        if (proxy.gunzip && headers['content-encoding'] === 'gzip') {
          body = zlib.gunzipSync(body) as Buffer<ArrayBuffer>;
          delete headers['content-encoding'];
        }
        const up = await fetch(`${proxy.target}${req.url}`, { method: req.method!, headers, body });
        const text = await up.text();
        r.status = up.status;
        if (d === 'forward_and_hold') {
          held.push(res);
          return;
        }
        const out: Record<string, string> = { 'content-type': up.headers.get('content-type') ?? 'application/json' };
        const ra = up.headers.get('retry-after');
        if (ra) out['retry-after'] = ra;
        res.writeHead(up.status, out);
        res.end(text);
      } catch {
        req.socket.destroy(); // the server is gone: so is the connection
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    for (const res of held) res.socket?.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
