/**
 * Exports (CONTRACT §6 `/analytics/export`): the same document streamed in the response (GET) or
 * written to a file in the data directory by a job (POST) and downloadable until it expires. Every
 * export is kept in the account's history (`exports` table).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInput } from '../errors/domain-errors.js';
import type { Period } from '../metrics/period.js';
import type { MetricsQueryService } from '../metrics/query-service.js';
import type { Scope } from '../metrics/scope.js';
import type { AccountSettingsStore } from '../privacy/account-settings.js';
import { isoUtc } from '../store/params.js';
import type { Store } from '../store/store.js';
import { csvChunks, executionCount, MAX_EXPORT_ROWS, type CsvProgress, type Dataset } from './datasets.js';
import { renderReport, type Template } from './pdf-report.js';
import { brandingOf, reportInput } from './report-input.js';

export const FORMATS = ['csv', 'json', 'pdf'] as const;
export type Format = (typeof FORMATS)[number];

export const CONTENT_TYPES: Record<Format, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', pdf: 'application/pdf' };

export interface ExportSpec {
  scope: Scope;
  period: Period;
  format: Format;
  dataset: Dataset;
  template: Template;
  compare: boolean;
}

/**
 * `workflow-analytics-{id}[-{dataset}]-{when}.{ext}`: each CSV dataset under its own name (executions, trends,
 * funnel, actions), `when` the period (`periodLabel`) or the day a stored file was written; ids and datasets
 * reduced to characters safe in a header.
 */
export function exportFileName(workflow: string, format: Format, dataset: string, when: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `workflow-analytics-${safe(workflow)}${format === 'csv' ? `-${safe(dataset)}` : ''}-${safe(when)}.${format}`;
}

/** A period in a file name: its day, or `{start}-to-{end}`. */
export function periodLabel(p: { startDate: string; endDate: string }): string {
  return p.startDate === p.endDate ? p.startDate : `${p.startDate}-to-${p.endDate}`;
}

/** 400 when a CSV of executions would exceed the 1,000,000-row limit. */
export async function checkSize(store: Store, spec: ExportSpec): Promise<number | null> {
  if (spec.format !== 'csv' || spec.dataset !== 'executions') return null;
  const n = await executionCount(store, spec.scope, spec.period);
  if (n > MAX_EXPORT_ROWS) {
    throw new InvalidInput(
      `This export would have ${n.toLocaleString('en-US')} rows; at most ${MAX_EXPORT_ROWS.toLocaleString('en-US')} are allowed. Choose a shorter period (or a version or variant).`,
      [{ path: '/start_date', message: `the period holds ${n} executions, over the limit of ${MAX_EXPORT_ROWS}` }],
    );
  }
  return n;
}

/** The export as a byte stream. `progress.rows` counts CSV rows as they are produced. */
export async function exportStream(queries: MetricsQueryService, settings: AccountSettingsStore, spec: ExportSpec, progress: CsvProgress = { rows: 0 }): Promise<Readable> {
  const { scope, period } = spec;
  const store = queries.store;
  if (spec.format === 'csv') return Readable.from(csvChunks(store, scope, period, spec.dataset, progress));
  if (spec.format === 'json') {
    // the panels the dashboard shows, through the query service: the same answers (and cache, and kept day states),
    // the catalog read once
    const panels = await queries.workflow(scope, period, spec.compare);
    const summary = await panels.summary();
    const doc = {
      workflow_id: scope.workflow,
      generated_at: new Date().toISOString(),
      summary,
      funnel: await panels.funnel(),
      actions: await panels.actions(),
    };
    return Readable.from([JSON.stringify(doc, null, 2)]);
  }
  const input = await reportInput(store, scope, period, spec.template, brandingOf(await settings.get(scope.account)));
  return renderReport(input) as unknown as Readable;
}

export interface ExportRecord {
  export_id: string;
  workflow_id: string;
  format: Format;
  dataset: string;
  params: Record<string, unknown>;
  mode: 'streamed' | 'file';
  status: string;
  rows: number;
  bytes: number;
  error: string | null;
  key_id: string;
  job_id: string | null;
  created_at: string;
  expires_at: string | null;
  download_url: string | null;
}

interface Row extends Omit<ExportRecord, 'params' | 'error' | 'job_id' | 'download_url'> {
  account_id: string;
  params: string;
  error: string;
  job_id: string;
  file: string;
}

export class ExportHistory {
  private readonly dir: string;

  constructor(
    private readonly store: Store,
    dataDir: string,
    private readonly ttlHours: number,
  ) {
    this.dir = path.join(dataDir, 'exports');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  async save(account: string, r: Omit<ExportRecord, 'created_at' | 'download_url'> & { created_at?: string; file?: string }): Promise<void> {
    const now = new Date().toISOString();
    await this.store.insert('exports', [{
      export_id: r.export_id, account_id: account, workflow_id: r.workflow_id, format: r.format, dataset: r.dataset,
      params: JSON.stringify(r.params), mode: r.mode, status: r.status, rows: r.rows, bytes: r.bytes, file: r.file ?? '',
      error: r.error ?? '', key_id: r.key_id, job_id: r.job_id ?? '', created_at: r.created_at ?? now, expires_at: r.expires_at, updated_at: now,
    }]);
  }

  async list(account: string, options: { limit: number; keyId?: string }): Promise<ExportRecord[]> {
    const rows = await this.store.query<Row>(
      `SELECT export_id, account_id, workflow_id, format, dataset, params, mode, status, rows, bytes, file, error, key_id, job_id,
              toString(created_at) AS created_at, toString(expires_at) AS expires_at
       FROM exports FINAL WHERE account_id = {a:String} AND ({k:String} = '' OR key_id = {k:String})
       ORDER BY created_at DESC LIMIT {limit:UInt32}`,
      { a: account, k: options.keyId ?? '', limit: options.limit },
    );
    return rows.map((r) => this.toRecord(r));
  }

  async get(account: string, id: string): Promise<(ExportRecord & { file: string }) | null> {
    const [r] = await this.store.query<Row>(
      `SELECT export_id, account_id, workflow_id, format, dataset, params, mode, status, rows, bytes, file, error, key_id, job_id,
              toString(created_at) AS created_at, toString(expires_at) AS expires_at
       FROM exports FINAL WHERE account_id = {a:String} AND export_id = {id:String}`,
      { a: account, id },
    );
    return r ? { ...this.toRecord(r), file: r.file } : null;
  }

  private toRecord(r: Row): ExportRecord {
    const expires = isoUtc(r.expires_at);
    const live = r.mode === 'file' && r.status === 'succeeded' && expires !== null && Date.parse(expires) > Date.now();
    return {
      export_id: r.export_id, workflow_id: r.workflow_id, format: r.format, dataset: r.dataset, params: JSON.parse(r.params) as Record<string, unknown>,
      mode: r.mode, status: r.status, rows: Number(r.rows), bytes: Number(r.bytes), error: r.error || null, key_id: r.key_id,
      job_id: r.job_id || null, created_at: isoUtc(r.created_at) ?? r.created_at, expires_at: expires,
      download_url: live ? `/api/v1/exports/${r.export_id}/download` : null,
    };
  }

  /** Where a job writes an export's file. */
  filePath(id: string, format: Format): string {
    return path.join(this.dir, `${id}.${format}`);
  }

  expiry(from = new Date()): string {
    return new Date(from.getTime() + this.ttlHours * 3_600_000).toISOString();
  }

  /** Deletes files past their expiry (the history keeps the record). */
  sweep(): number {
    let removed = 0;
    const cutoff = Date.now() - this.ttlHours * 3_600_000;
    for (const f of fs.readdirSync(this.dir)) {
      const p = path.join(this.dir, f);
      if (fs.statSync(p).mtimeMs < cutoff) {
        fs.rmSync(p, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Writes an export to its file; resolves with rows and bytes written. */
  async writeFile(queries: MetricsQueryService, settings: AccountSettingsStore, spec: ExportSpec, id: string, onRows: (rows: number) => void): Promise<{ rows: number; bytes: number; file: string }> {
    const progress: CsvProgress = { rows: 0 };
    const file = this.filePath(id, spec.format);
    const source = await exportStream(queries, settings, spec, progress);
    const timer = setInterval(() => onRows(progress.rows), 500);
    try {
      await pipeline(source, fs.createWriteStream(file));
    } finally {
      clearInterval(timer);
    }
    return { rows: progress.rows, bytes: fs.statSync(file).size, file };
  }
}

export function newExportId(): string {
  return randomUUID();
}
