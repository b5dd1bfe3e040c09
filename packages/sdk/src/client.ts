/**
 * The Flowlens client: `track()` queues an event in memory; events leave in batches (by size, or after
 * `flushIntervalMs`), gzipped, with retries on 5xx, 429 and network errors (exponential backoff with full
 * jitter, never earlier than the server's Retry-After). Every event gets an `event_id` (a UUID) when it has
 * none, so a batch sent twice — a retry after an answer that got lost, a resend from the spool after a
 * restart — is stored once: the server counts the second copy under `duplicates`.
 *
 * The memory it holds is bounded: at most `maxQueue` events not yet acknowledged (the buffer being filled,
 * batches waiting and batches being sent); beyond that `onFull` decides (drop the newest event, the oldest
 * waiting batch, or make the caller wait). With `spoolDir`, each batch is written to disk before it is first
 * sent and removed once acknowledged, and a new client on that directory sends what an earlier one left.
 *
 * Why each default is what it is: packages/sdk/README.md.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { EventInput, FlowlensEvent, IngestResponse } from './events.js';
import { ExecutionTracker, type ExecutionOptions, type Tracker } from './lifecycle.js';
import { isTransient, retryAfterMs, retryDelayMs } from './retry.js';
import { Spool } from './spool.js';

const gzipAsync = promisify(zlib.gzip);

export const SDK_VERSION = '0.1.0';
/** What the server takes in one request. */
export const MAX_BATCH = 50_000;

export type OnFull = 'drop_newest' | 'drop_oldest' | 'block';
export type DropReason = 'queue_full' | 'closed';

/** An event the server refused, with its reasons (`path` is a JSON pointer into the event). */
export interface Rejection {
  event: FlowlensEvent;
  errors: Array<{ path: string; message: string }>;
}

/** A batch given up (a permanent error, or retries exhausted), or a spool that could not be read or written. */
export class FlowlensError extends Error {
  constructor(
    message: string,
    readonly kind: 'failed' | 'spool',
    /** The events concerned (those given up, for `failed`). */
    readonly events: readonly FlowlensEvent[] = [],
    /** The HTTP status of the last answer, when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FlowlensError';
  }
}

export interface FlowlensOptions {
  /** The server's base URL, e.g. `https://flowlens.example.com`. */
  url: string;
  /** An API key with the `ingest`, `member` or `admin` role. */
  apiKey: string;
  /** Events per request (1 … 50,000). Default 2,000. */
  batchSize?: number;
  /** A batch leaves at the latest this long after its first event. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Events held in memory and not yet acknowledged, at most (≈ 1 KB of heap each). Default 20,000 (≥ batchSize). */
  maxQueue?: number;
  /** When the queue is full. Default `drop_newest`. */
  onFull?: OnFull;
  /** Keep every batch on disk until it is acknowledged, so events survive a restart. Default: none. */
  spoolDir?: string;
  /** fdatasync each spooled batch (survives a machine crash, not only a process crash). Default false. */
  spoolSync?: boolean;
  /** Send batches with `Content-Encoding: gzip`. Default true. */
  gzip?: boolean;
  /** Bodies smaller than this are sent uncompressed. Default 1024 bytes. */
  gzipMinBytes?: number;
  /** zlib level 1 (fast) … 9 (small). Default 3. */
  gzipLevel?: number;
  /** Retries of a batch after a transient failure before it is given up. Default Infinity. */
  maxRetries?: number;
  /** The first retry waits up to this long (full jitter), doubling each time. Default 250 ms. */
  initialBackoffMs?: number;
  /** The longest wait between retries (without Retry-After). Default 30 s. */
  maxBackoffMs?: number;
  /** The longest Retry-After honoured. Default 300 s. */
  maxRetryAfterMs?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** A request without an answer after this long is retried. Default 30 s. */
  requestTimeoutMs?: number;
  /** Events the server refused (400 per event): reported once, never retried. */
  onRejected?: (rejections: Rejection[]) => void;
  /** Events dropped by the queue policy, or at close() without a spool. */
  onDropped?: (events: FlowlensEvent[], reason: DropReason) => void;
  /** Batches given up, spool errors. */
  onError?: (error: FlowlensError) => void;
  /** Another fetch (a proxy agent, tests). Default the global fetch. */
  fetch?: typeof fetch;
  /** The jitter's random source, in [0, 1). Default Math.random. */
  random?: () => number;
}

export interface FlowlensStats {
  /** Events given to track() (and admitted or dropped). */
  tracked: number;
  /** Events read back from the spool of an earlier client. */
  recovered: number;
  /** Events in memory not yet acknowledged (buffer, waiting and in-flight batches). At most maxQueue. */
  queued: number;
  /** track() calls waiting for room (onFull: block). */
  blocked: number;
  /** Batches being sent (or waiting to be retried). */
  inFlight: number;
  /** Events posted, counting every attempt. */
  sent: number;
  requests: number;
  /** Bytes of request bodies posted (after compression). */
  bytesSent: number;
  /** Events the server answered as stored: accepted + duplicates. */
  acknowledged: number;
  accepted: number;
  /** Events the server had already stored (a retried or resent batch). */
  duplicates: number;
  /** Events the server refused (see onRejected). */
  rejected: number;
  /** Events dropped by the queue policy or at close() (see onDropped). */
  dropped: number;
  /** Events of batches given up (see onError). */
  failed: number;
  /** Events close() left in the spool, unacknowledged, for the next client. */
  kept: number;
  /** Requests sent again after a transient failure. */
  retries: number;
  /** Whether batches are compressed now (false after a server refused gzip). */
  gzip: boolean;
}

interface Batch {
  /**
   * The formation order of each batch it holds (several once waiting batches are merged into one request);
   * a flush waits for every batch up to its mark. The halves of a split keep their batch's.
   */
  seqs: number[];
  /** null: a batch left in the spool by an earlier client, not read yet (not in memory, not in `queued`). */
  events: FlowlensEvent[] | null;
  /** Its spool files. */
  files: string[];
  /** The spool write begun when the batch was formed; `spoolFailed` when some of its events are on no file. */
  spooling: Promise<void> | null;
  spoolFailed: boolean;
  /** The JSON of `events`, when made already (for the spool). */
  body: string | null;
}

type Outcome = 'settled' | 'aborted';

type PostResult =
  | { kind: 'ok'; response: IngestResponse }
  | { kind: 'transient'; status?: number; retryAfter: number | null; reason: string }
  | { kind: 'too_large' }
  | { kind: 'encoding'; status: number }
  | { kind: 'bad_request'; detail: string; errors: Array<{ path: string; message: string }> }
  | { kind: 'permanent'; status: number; detail: string };

const RESOLVED: Promise<void> = Promise.resolve();

function int(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback;
  if (v === Infinity && max === Infinity) return v;
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], not ${v}`);
  return v;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The `detail` and `errors` of an RFC 9457 problem, or the text. */
function problemOf(text: string): { detail: string; errors: Array<{ path: string; message: string }> } {
  try {
    const p = JSON.parse(text) as { detail?: unknown; title?: unknown; errors?: unknown };
    const errors = Array.isArray(p.errors) ? (p.errors as Array<{ path: string; message: string }>) : [];
    return { detail: String(p.detail ?? p.title ?? text), errors };
  } catch {
    return { detail: text.slice(0, 500), errors: [] };
  }
}

function isIngestResponse(x: unknown): x is IngestResponse {
  const r = x as IngestResponse;
  return typeof r === 'object' && r !== null && typeof r.accepted === 'number' && typeof r.duplicates === 'number' && Array.isArray(r.rejected);
}

export class Flowlens implements Tracker {
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueue: number;
  private readonly onFull: OnFull;
  private readonly gzipMinBytes: number;
  private readonly gzipLevel: number;
  private readonly maxRetries: number;
  private readonly retry: { initialBackoffMs: number; maxBackoffMs: number };
  private readonly maxRetryAfterMs: number;
  private readonly concurrency: number;
  private readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly random: () => number;
  private readonly spool: Spool | null;
  private readonly options: FlowlensOptions;

  private useGzip: boolean;
  private buffer: FlowlensEvent[] = [];
  private readonly ready: Batch[] = [];
  private readonly active = new Map<Batch, Promise<void>>();
  /** Batches whose delivery close() aborted. */
  private readonly aborted: Batch[] = [];
  private queued = 0;
  private seq = 0;
  /** seq → requests holding events of that batch not settled yet. */
  private readonly unsettled = new Map<number, number>();
  private flushWaiters: Array<{ mark: number; resolve: (done: boolean) => void }> = [];
  private blockWaiters: Array<{ event: FlowlensEvent; resolve: () => void }> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly counters = {
    tracked: 0, recovered: 0, sent: 0, requests: 0, bytesSent: 0, acknowledged: 0, accepted: 0, duplicates: 0, rejected: 0, dropped: 0, failed: 0, kept: 0, retries: 0,
  };

  constructor(options: FlowlensOptions) {
    if (!options.url) throw new TypeError('url is required');
    if (!options.apiKey) throw new TypeError('apiKey is required');
    this.options = options;
    this.endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/events`;
    this.headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json', 'user-agent': `flowlens-sdk-node/${SDK_VERSION}` };
    this.batchSize = int('batchSize', options.batchSize, 2000, 1, MAX_BATCH);
    this.flushIntervalMs = int('flushIntervalMs', options.flushIntervalMs, 1000, 0);
    this.maxQueue = int('maxQueue', options.maxQueue, Math.max(20_000, this.batchSize), this.batchSize);
    this.onFull = options.onFull ?? 'drop_newest';
    if (!['drop_newest', 'drop_oldest', 'block'].includes(this.onFull)) throw new TypeError(`onFull must be drop_newest, drop_oldest or block, not ${this.onFull}`);
    this.useGzip = options.gzip ?? true;
    this.gzipMinBytes = int('gzipMinBytes', options.gzipMinBytes, 1024, 0);
    this.gzipLevel = int('gzipLevel', options.gzipLevel, 3, 1, 9);
    this.maxRetries = int('maxRetries', options.maxRetries, Infinity, 0, Infinity);
    this.retry = { initialBackoffMs: int('initialBackoffMs', options.initialBackoffMs, 250, 1), maxBackoffMs: int('maxBackoffMs', options.maxBackoffMs, 30_000, 1) };
    this.maxRetryAfterMs = int('maxRetryAfterMs', options.maxRetryAfterMs, 300_000, 0);
    this.concurrency = int('concurrency', options.concurrency, 4, 1, 64);
    this.requestTimeoutMs = int('requestTimeoutMs', options.requestTimeoutMs, 30_000, 1);
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.random = options.random ?? Math.random;
    this.spool = options.spoolDir ? new Spool(options.spoolDir, { sync: options.spoolSync ?? false }) : null;
    // what earlier clients left in the spool goes first; each file is read when its turn comes
    for (const file of this.spool?.pending() ?? []) this.enqueueBatch({ seqs: [++this.seq], events: null, files: [file], spooling: null, spoolFailed: false, body: null });
    this.pump();
  }

  /**
   * Queues an event; fills `event_id` (a UUID) and `timestamp` (now) when absent. Never throws and never
   * waits, except with `onFull: 'block'`, where the promise settles once the event is in the queue (await it
   * to be slowed down while the server cannot keep up).
   */
  track(input: EventInput): Promise<void> {
    const event = { ...input, event_id: input.event_id ?? randomUUID(), timestamp: input.timestamp ?? new Date().toISOString() } as FlowlensEvent;
    this.counters.tracked++;
    if (this.closed) {
      this.drop([event], 'closed');
      return RESOLVED;
    }
    if (this.queued >= this.maxQueue) {
      if (this.onFull === 'drop_newest') {
        this.drop([event], 'queue_full');
        return RESOLVED;
      }
      if (this.onFull === 'drop_oldest') {
        if (!this.dropOldest()) {
          this.drop([event], 'queue_full');
          return RESOLVED;
        }
      } else {
        // block: wait for room; the waiting events are bounded too (beyond maxQueue of them, the newest is dropped)
        if (this.blockWaiters.length >= this.maxQueue) {
          this.drop([event], 'queue_full');
          return RESOLVED;
        }
        return new Promise<void>((resolve) => this.blockWaiters.push({ event, resolve }));
      }
    }
    this.enqueue(event);
    return RESOLVED;
  }

  /** Lifecycle helpers for one execution of a workflow (see ExecutionTracker). */
  execution(workflowId: string, executionId: string, options: ExecutionOptions): ExecutionTracker {
    return new ExecutionTracker(this, workflowId, executionId, options);
  }

  /**
   * Sends what is queued now and waits until every batch formed up to now is settled (acknowledged,
   * rejected, dropped or given up). Resolves true, or false when `timeoutMs` passed first.
   */
  flush(timeoutMs?: number): Promise<boolean> {
    this.cut();
    const mark = this.seq;
    if (!this.pendingUpTo(mark)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = {
        mark,
        resolve: (done: boolean) => {
          clearTimeout(timer);
          resolve(done);
        },
      };
      this.flushWaiters.push(waiter);
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          this.flushWaiters = this.flushWaiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  /**
   * Stops taking events, sends what is queued and waits up to `timeoutMs` (default 10 s) for it to be
   * acknowledged. What is still unacknowledged then stays in the spool for the next client (with `spoolDir`),
   * or is counted as dropped (without).
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? 10_000);
    return this.closing;
  }

  stats(): FlowlensStats {
    return { ...this.counters, queued: this.queued, blocked: this.blockWaiters.length, inFlight: this.active.size, gzip: this.useGzip };
  }

  // ——— the queue ———

  private enqueue(event: FlowlensEvent) {
    this.buffer.push(event);
    this.queued++;
    if (this.buffer.length >= this.batchSize) this.cut();
    else if (this.timer === null) this.timer = setTimeout(() => this.cut(), this.flushIntervalMs);
  }

  /** The buffer becomes a batch (written to the spool at once, when there is one). */
  private cut() {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    const batch: Batch = { seqs: [++this.seq], events, files: [], spooling: null, spoolFailed: false, body: null };
    if (this.spool) batch.spooling = this.spoolWrite(batch);
    this.enqueueBatch(batch);
    this.pump();
  }

  private async spoolWrite(batch: Batch) {
    batch.body ??= JSON.stringify(batch.events);
    try {
      batch.files.push(await this.spool!.write(batch.body));
    } catch (err) {
      batch.spoolFailed = true;
      this.report(new FlowlensError(`spool: a batch could not be written (it is sent all the same): ${String(err)}`, 'spool'));
    }
  }

  private enqueueBatch(batch: Batch, front = false) {
    for (const seq of batch.seqs) this.unsettled.set(seq, (this.unsettled.get(seq) ?? 0) + 1);
    if (front) this.ready.unshift(batch);
    else this.ready.push(batch);
  }

  private settle(batch: Batch) {
    if (batch.events !== null) this.queued -= batch.events.length;
    for (const seq of batch.seqs) {
      const n = (this.unsettled.get(seq) ?? 1) - 1;
      if (n <= 0) this.unsettled.delete(seq);
      else this.unsettled.set(seq, n);
    }
    this.admitBlocked();
    if (this.flushWaiters.length) {
      const still = [];
      for (const w of this.flushWaiters) {
        if (this.pendingUpTo(w.mark)) still.push(w);
        else w.resolve(true);
      }
      this.flushWaiters = still;
    }
  }

  private pendingUpTo(mark: number): boolean {
    for (const seq of this.unsettled.keys()) if (seq <= mark) return true;
    return false;
  }

  private admitBlocked() {
    if (this.blockWaiters.length === 0) return;
    let i = 0;
    while (i < this.blockWaiters.length && this.queued < this.maxQueue) {
      const w = this.blockWaiters[i++]!;
      this.enqueue(w.event);
      w.resolve();
    }
    if (i > 0) this.blockWaiters = this.blockWaiters.slice(i);
  }

  private drop(events: FlowlensEvent[], reason: DropReason) {
    this.counters.dropped += events.length;
    try {
      this.options.onDropped?.(events, reason);
    } catch {
      // a callback's error is the caller's
    }
  }

  /** Drops the oldest batch that waits (not one being sent: it may be stored already), else the buffer's oldest event. */
  private dropOldest(): boolean {
    const i = this.ready.findIndex((b) => b.events !== null);
    if (i >= 0) {
      const [batch] = this.ready.splice(i, 1) as [Batch];
      const events = batch.events!;
      if (this.spool) void (batch.spooling ?? Promise.resolve()).then(() => this.forget(batch));
      this.settle(batch);
      this.drop(events, 'queue_full');
      return true;
    }
    if (this.buffer.length > 0) {
      this.queued--;
      this.drop([this.buffer.shift()!], 'queue_full');
      return true;
    }
    return false;
  }

  private report(error: FlowlensError) {
    try {
      this.options.onError?.(error);
    } catch {
      // a callback's error is the caller's
    }
  }

  // ——— sending ———

  private pump() {
    while (this.active.size < this.concurrency && this.ready.length > 0 && !this.abort.signal.aborted) {
      const first = this.ready.shift()!;
      const delivery = this.deliver(first).then(({ outcome, batch }) => {
        this.active.delete(first);
        if (outcome === 'aborted') this.aborted.push(batch);
        else this.settle(batch);
        this.pump();
      });
      this.active.set(first, delivery);
    }
  }

  /** Reads a batch an earlier client left in the spool; false when it cannot be read (it is moved to failed/). */
  private async load(batch: Batch): Promise<boolean> {
    if (batch.events !== null) return true;
    const file = batch.files[0]!;
    try {
      batch.events = await this.spool!.read(file);
    } catch (err) {
      this.report(new FlowlensError(`spool: ${file} could not be read (moved to failed/): ${String(err)}`, 'spool'));
      await this.spool!.quarantine(file).catch(() => {});
      return false;
    }
    this.counters.recovered += batch.events.length;
    this.queued += batch.events.length;
    return true;
  }

  /**
   * The request's events: this batch, and the batches waiting behind it while they fit in batchSize — after an
   * outage the time-cut batches are small, and each request has a cost of its own on the server.
   */
  private async gather(first: Batch): Promise<Batch | null> {
    if (!(await this.load(first))) return null;
    const parts = [first];
    let count = first.events!.length;
    while (count < this.batchSize && this.ready.length > 0 && !this.abort.signal.aborted) {
      const next = this.ready[0]!;
      if (next.events !== null && count + next.events.length > this.batchSize) break;
      this.ready.shift();
      if (!(await this.load(next))) {
        this.settle(next);
        continue;
      }
      if (count + next.events!.length > this.batchSize) {
        this.ready.unshift(next);
        break;
      }
      parts.push(next);
      count += next.events!.length;
    }
    await Promise.all(parts.map((p) => p.spooling));
    if (parts.length === 1) return first;
    return {
      seqs: parts.flatMap((p) => p.seqs), events: parts.flatMap((p) => p.events!), files: parts.flatMap((p) => p.files),
      spooling: null, spoolFailed: parts.some((p) => p.spoolFailed || (this.spool !== null && p.files.length === 0)), body: null,
    };
  }

  private async deliver(first: Batch): Promise<{ outcome: Outcome; batch: Batch }> {
    const batch = await this.gather(first);
    if (batch === null) return { outcome: 'settled', batch: first };
    const events = batch.events!;
    const body = batch.body ?? JSON.stringify(events);
    batch.body = null; // the request keeps it while it lasts; the batch need not
    // zlib's output is backed by a plain ArrayBuffer (what fetch's body types ask for)
    let compressed: Buffer<ArrayBuffer> | null = null;
    let retries = 0;
    for (;;) {
      if (this.abort.signal.aborted) return { outcome: 'aborted', batch };
      const gz = this.useGzip && body.length >= this.gzipMinBytes;
      if (gz) compressed ??= (await gzipAsync(body, { level: this.gzipLevel })) as Buffer<ArrayBuffer>;
      const result = await this.post(gz ? compressed! : body, gz, events.length);
      switch (result.kind) {
        case 'ok':
          this.acknowledge(events, result.response);
          await this.forget(batch);
          return { outcome: 'settled', batch };
        case 'encoding':
          // the server does not read gzip (a 400 for the whole body, or 415): send plain from now on, at once
          this.useGzip = false;
          continue;
        case 'too_large':
          if (events.length === 1) {
            this.reject([{ event: events[0]!, errors: [{ path: '', message: 'the event is larger than the server takes in a request' }] }]);
            await this.forget(batch);
          } else await this.split(batch);
          return { outcome: 'settled', batch };
        case 'bad_request':
          this.reject(events.map((event) => ({ event, errors: result.errors.length ? result.errors : [{ path: '', message: result.detail }] })));
          await this.forget(batch);
          return { outcome: 'settled', batch };
        case 'permanent':
          await this.giveUp(batch, `the server answered ${result.status}: ${result.detail}`, result.status);
          return { outcome: 'settled', batch };
        case 'transient': {
          if (retries >= this.maxRetries) {
            await this.giveUp(batch, `${retries} retries exhausted; last: ${result.reason}`, result.status);
            return { outcome: 'settled', batch };
          }
          retries++;
          this.counters.retries++;
          await sleep(retryDelayMs(retries, result.retryAfter, this.retry, this.random), this.abort.signal);
        }
      }
    }
  }

  private async post(body: string | Buffer<ArrayBuffer>, gz: boolean, count: number): Promise<PostResult> {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    this.abort.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ctl.abort(), this.requestTimeoutMs);
    this.counters.requests++;
    this.counters.sent += count;
    this.counters.bytesSent += typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    try {
      const res = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: gz ? { ...this.headers, 'content-encoding': 'gzip' } : this.headers,
        body,
        signal: ctl.signal,
      });
      const text = await res.text();
      if (res.status === 200) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (isIngestResponse(parsed)) return { kind: 'ok', response: parsed };
        return { kind: 'transient', status: 200, retryAfter: null, reason: 'an unreadable 200 answer' };
      }
      if (res.status === 413) return { kind: 'too_large' };
      if (gz && (res.status === 400 || res.status === 415)) return { kind: 'encoding', status: res.status };
      if (isTransient(res.status)) {
        return { kind: 'transient', status: res.status, retryAfter: retryAfterMs(res.headers.get('retry-after'), this.maxRetryAfterMs), reason: `status ${res.status}` };
      }
      const problem = problemOf(text);
      if (res.status === 400) return { kind: 'bad_request', ...problem };
      return { kind: 'permanent', status: res.status, detail: problem.detail };
    } catch (err) {
      return { kind: 'transient', retryAfter: null, reason: ctl.signal.aborted ? 'no answer in time' : String((err as Error)?.cause ?? err) };
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onAbort);
    }
  }

  private acknowledge(events: FlowlensEvent[], r: IngestResponse) {
    this.counters.accepted += r.accepted;
    this.counters.duplicates += r.duplicates;
    this.counters.acknowledged += r.accepted + r.duplicates;
    if (r.rejected.length) this.reject(r.rejected.map((x) => ({ event: events[x.index]!, errors: x.errors })));
  }

  private reject(rejections: Rejection[]) {
    this.counters.rejected += rejections.length;
    try {
      this.options.onRejected?.(rejections);
    } catch {
      // a callback's error is the caller's
    }
  }

  /** The batch is settled: its spool files go. */
  private async forget(batch: Batch) {
    for (const file of batch.files.splice(0)) {
      await this.spool!.remove(file).catch((err) => this.report(new FlowlensError(`spool: ${String(err)}`, 'spool')));
    }
  }

  private async giveUp(batch: Batch, why: string, status?: number) {
    const events = batch.events!;
    this.counters.failed += events.length;
    const kept: string[] = [];
    for (const file of batch.files.splice(0)) {
      const to = await this.spool!.quarantine(file).catch(() => null);
      if (to) kept.push(to);
    }
    const where = kept.length ? ` (kept in ${kept.join(', ')})` : '';
    this.report(new FlowlensError(`a batch of ${events.length} events was given up${where}: ${why}`, 'failed', events, status));
  }

  /** A batch the server found too large goes again as two halves, first in line. */
  private async split(batch: Batch) {
    const events = batch.events!;
    const mid = Math.ceil(events.length / 2);
    const halves: Batch[] = [events.slice(0, mid), events.slice(mid)].map((part) => ({ seqs: batch.seqs, events: part, files: [], spooling: null, spoolFailed: false, body: null }));
    if (this.spool) {
      // the halves are on disk before the whole goes
      for (const h of halves) await this.spoolWrite(h);
      if (!halves.some((h) => h.spoolFailed)) await this.forget(batch);
    }
    this.queued += events.length; // the halves; settle() takes the whole batch's count off
    this.enqueueBatch(halves[1]!, true);
    this.enqueueBatch(halves[0]!, true);
  }

  // ——— closing ———

  private async shutdown(timeoutMs: number) {
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    let done = await this.flush(timeoutMs);
    // events that waited for room (block) are admitted as batches settle: flush them too
    while (done && (this.blockWaiters.length > 0 || this.buffer.length > 0)) done = await this.flush(Math.max(0, deadline - Date.now()));
    if (!done) {
      this.abort.abort();
      await Promise.all(this.active.values());
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const blocked = this.blockWaiters;
    this.blockWaiters = [];
    for (const w of blocked) {
      this.drop([w.event], 'closed');
      w.resolve();
    }
    // what is left when close() gave up waiting: kept in the spool for the next client, else dropped
    const left = [...this.aborted, ...this.ready.splice(0)];
    if (this.buffer.length) left.push({ seqs: [++this.seq], events: this.buffer.splice(0), files: [], spooling: null, spoolFailed: false, body: null });
    for (const batch of left) {
      await batch.spooling;
      if (batch.events === null) continue; // an earlier client's, still on disk, never read
      if (batch.files.length > 0 && !batch.spoolFailed) {
        this.counters.kept += batch.events.length; // on disk already
        continue;
      }
      if (this.spool) {
        batch.spoolFailed = false;
        await this.spoolWrite(batch);
        if (!batch.spoolFailed) {
          this.counters.kept += batch.events.length;
          continue;
        }
      }
      this.drop(batch.events, 'closed');
    }
    this.queued = 0;
    this.unsettled.clear();
    for (const w of this.flushWaiters) w.resolve(false);
    this.flushWaiters = [];
  }
}
