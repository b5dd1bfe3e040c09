/**
 * Background jobs (refresh now; exports and reports later): a row per job in ClickHouse's `jobs`
 * table, updated as it runs, read by GET /api/v1/jobs/{id}. Runs in this process, one at a time.
 */
import { detached } from '../ingest/read-point.js';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { isoUtc } from '../store/params.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job {
  job_id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

interface JobRow {
  job_id: string;
  account_id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  params: string;
  result: string;
  error: string;
  created_at: string;
  updated_at: string;
}

export type JobWork = (progress: (fraction: number) => Promise<void>, jobId: string) => Promise<Record<string, unknown>>;

export class JobRunner {
  private chain: Promise<void> = Promise.resolve();
  private readonly rows = new Map<string, JobRow>();

  constructor(private readonly store: Store, private readonly log: (msg: string, err?: unknown) => void = () => {}) {}

  /** Records a queued job and runs `work` after the jobs queued before it. */
  async enqueue(accountId: string, kind: string, params: Record<string, unknown>, work: JobWork): Promise<Job> {
    const now = new Date().toISOString();
    const row: JobRow = {
      job_id: randomUUID(), account_id: accountId, kind, status: 'queued', progress: 0,
      params: JSON.stringify(params), result: '', error: '', created_at: now, updated_at: now,
    };
    await this.save(row);
    // a job runs as its own, not as the request that queued it: it waits for events acknowledged meanwhile (read-point.ts)
    this.chain = this.chain.then(() => detached(() => this.run(row, work)));
    return toJob(row);
  }

  /** Waits for every job queued so far. */
  idle(): Promise<void> {
    return this.chain;
  }

  async get(accountId: string, jobId: string): Promise<Job | null> {
    const rows = await this.store.query<JobRow>(
      `SELECT job_id, account_id, kind, status, progress, params, result, error,
              toString(created_at) AS created_at, toString(updated_at) AS updated_at
       FROM jobs FINAL WHERE job_id = {id:String} AND account_id = {account:String}`,
      { id: jobId, account: accountId },
    );
    const r = rows[0];
    return r ? toJob({ ...r, created_at: isoUtc(r.created_at)!, updated_at: isoUtc(r.updated_at)! }) : null;
  }

  private async run(row: JobRow, work: JobWork): Promise<void> {
    try {
      await this.save({ ...row, status: 'running' });
      const result = await work((fraction) => this.save({ ...row, status: 'running', progress: Math.min(1, Math.max(0, fraction)) }), row.job_id);
      await this.save({ ...row, status: 'succeeded', progress: 1, result: JSON.stringify(result) });
    } catch (err) {
      this.log(`job ${row.job_id} (${row.kind}) failed`, err);
      await this.save({ ...row, status: 'failed', error: err instanceof Error ? err.message : String(err) }).catch(() => {});
    }
  }

  private async save(row: JobRow): Promise<void> {
    // updated_at orders the versions of a job row; keep it strictly increasing
    const prev = this.rows.get(row.job_id);
    let t = Date.now();
    if (prev && t <= Date.parse(prev.updated_at)) t = Date.parse(prev.updated_at) + 1;
    const next = { ...row, updated_at: new Date(t).toISOString() };
    this.rows.set(row.job_id, next);
    if (next.status === 'succeeded' || next.status === 'failed') this.rows.delete(row.job_id);
    await this.store.insert('jobs', [next]);
  }
}

function toJob(r: JobRow): Job {
  return {
    job_id: r.job_id,
    kind: r.kind,
    status: r.status,
    progress: r.progress,
    params: JSON.parse(r.params || '{}'),
    result: r.result ? JSON.parse(r.result) : null,
    error: r.error || null,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}
