/** Scheduled report definitions (`reports` table) and their runs (`report_runs`). */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { isoUtc, replacingStamp } from '../store/params.js';
import type { Template } from '../exports/pdf-report.js';
import type { Schedule } from './schedule.js';

export interface ReportDefinition {
  name: string;
  /** A workflow id, or "*" for every workflow of the account. */
  workflow_id: string;
  template: Template;
  formats: Array<'pdf' | 'csv'>;
  schedule: Schedule;
  recipients: string[];
  /** A saved dashboard the report sends as a PDF instead of the workflow analytics (formats ['pdf']). */
  dashboard_id?: string;
}

export interface Report extends ReportDefinition {
  report_id: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ReportRun {
  report_id: string;
  period_key: string;
  status: 'sending' | 'sent' | 'failed';
  attempts: number;
  error: string | null;
  recipients: string[];
  attachments: string[];
  started_at: string;
  finished_at: string | null;
}

const stamp = () => replacingStamp();

export class ReportStore {
  constructor(private readonly store: Store) {}

  async create(account: string, def: ReportDefinition, createdBy: string): Promise<Report> {
    const t = stamp();
    const report: Report = { ...def, report_id: randomUUID(), created_by: createdBy, created_at: t, updated_at: t };
    await this.write(account, report, 0);
    return report;
  }

  async update(account: string, report: Report, def: ReportDefinition): Promise<Report> {
    const next: Report = { ...report, ...def, updated_at: stamp() };
    await this.write(account, next, 0);
    return next;
  }

  async remove(account: string, report: Report): Promise<void> {
    await this.write(account, { ...report, updated_at: stamp() }, 1);
  }

  private async write(account: string, r: Report, deleted: number): Promise<void> {
    const { report_id, created_by, created_at, updated_at, ...def } = r;
    await this.store.insert('reports', [{ report_id, account_id: account, definition: JSON.stringify(def), created_by, created_at, updated_at, is_deleted: deleted }]);
  }

  /** The account's reports; with account null, every account's (for the scheduler). */
  async list(account: string | null, id = ''): Promise<Array<Report & { account_id: string }>> {
    const rows = await this.store.query<{ report_id: string; account_id: string; definition: string; created_by: string; created_at: string; updated_at: string }>(
      `SELECT report_id, account_id, definition, created_by, toString(created_at) AS created_at, toString(r.updated_at) AS updated_at
       FROM reports AS r FINAL
       WHERE is_deleted = 0 AND ({all:UInt8} = 1 OR account_id = {a:String}) AND ({id:String} = '' OR report_id = {id:String})
       ORDER BY created_at`,
      { all: account === null ? 1 : 0, a: account ?? '', id },
    );
    return rows.map((r) => ({
      ...(JSON.parse(r.definition) as ReportDefinition),
      report_id: r.report_id,
      account_id: r.account_id,
      created_by: r.created_by,
      created_at: isoUtc(r.created_at) ?? r.created_at,
      updated_at: isoUtc(r.updated_at) ?? r.updated_at,
    }));
  }

  async runs(account: string, reportId: string, periodKey = ''): Promise<ReportRun[]> {
    const rows = await this.store.query<Omit<ReportRun, 'error'> & { error: string }>(
      `SELECT report_id, period_key, status, attempts, error, recipients, attachments,
              toString(started_at) AS started_at, toString(finished_at) AS finished_at
       FROM report_runs FINAL
       WHERE account_id = {a:String} AND report_id = {id:String} AND ({p:String} = '' OR period_key = {p:String})
       ORDER BY started_at DESC`,
      { a: account, id: reportId, p: periodKey },
    );
    return rows.map((r) => ({ ...r, error: r.error || null, started_at: isoUtc(r.started_at) ?? r.started_at, finished_at: isoUtc(r.finished_at) }));
  }

  async saveRun(account: string, run: ReportRun): Promise<void> {
    await this.store.insert('report_runs', [{ ...run, account_id: account, error: run.error ?? '', updated_at: stamp() }]);
  }
}
