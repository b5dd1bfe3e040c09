/**
 * Runs scheduled reports in-process. Every tick, each report's latest occurrence is checked: when the
 * period it covers has no run yet, a run is claimed (written before anything is sent, so a period is
 * sent at most once, also across restarts; with Redis, also across instances), the attachments are
 * rendered and the email is sent. A failed delivery (the SMTP server refused it) is retried up to
 * `maxAttempts` times, `retryMs` apart; a run cut short by a crash is never resent.
 */
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import type { Freshness } from '../derived/freshness.js';
import { listWorkflows } from '../catalog/catalog.js';
import { checkSize, exportStream, type ExportSpec } from '../exports/exports.js';
import { renderDashboardPdf } from '../exports/dashboard-pdf.js';
import { brandingOf } from '../exports/report-input.js';
import type { Dashboards } from '../dashboards/dashboards.js';
import type { Principal } from '../auth/principal.js';
import { parsePeriod } from '../metrics/period.js';
import type { AccountSettingsStore } from '../privacy/account-settings.js';
import type { Store } from '../store/store.js';
import type { Attachment, Mailer } from './mailer.js';
import type { Report, ReportRun, ReportStore } from './reports.js';
import { coveredPeriod, lastOccurrence } from './schedule.js';
import type { MetricsQueryService } from '../metrics/query-service.js';

export interface SchedulerDeps {
  store: Store;
  queries: MetricsQueryService;
  derived: Freshness;
  accountSettings: AccountSettingsStore;
  audit: AuditLog;
  reports: ReportStore;
  mailer: Mailer;
  /** Saved dashboards, for reports that send one (its widgets' data, as an admin of the account sees it). */
  dashboards: Pick<Dashboards, 'get' | 'data'>;
  redis?: Redis;
}

export interface SchedulerOptions {
  tickMs: number;
  retryMs: number;
  maxAttempts: number;
}

/** At most this many workflows go into one "all workflows" report. */
const MAX_WORKFLOWS_PER_REPORT = 20;

async function toBuffer(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

export class ReportScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: SchedulerDeps,
    private readonly options: SchedulerOptions,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  /** Stops ticking and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running.catch(() => {});
  }

  /** Checks every report once (ticks never overlap). */
  tick(now = new Date()): Promise<void> {
    this.running = this.running.then(() => this.checkAll(now)).catch((err) => this.log('report scheduler tick failed', err));
    return this.running;
  }

  /** Sends a report now for the last complete period (POST /api/v1/reports/{id}/run). */
  async runNow(account: string, report: Report, now = new Date()): Promise<ReportRun> {
    const occurrence = lastOccurrence(report.schedule, now);
    const period = coveredPeriod(report.schedule, occurrence.date);
    return this.deliver(account, report, period, `manual:${now.toISOString()}`, 1, now);
  }

  private async checkAll(now: Date): Promise<void> {
    for (const report of await this.deps.reports.list(null)) {
      try {
        await this.check(report.account_id, report, now);
      } catch (err) {
        this.log(`report ${report.report_id} could not be checked`, err);
      }
    }
  }

  private async check(account: string, report: Report, now: Date): Promise<void> {
    const occurrence = lastOccurrence(report.schedule, now);
    if (occurrence.at.getTime() < Date.parse(report.created_at)) return; // the first run is the first occurrence after creation
    const period = coveredPeriod(report.schedule, occurrence.date);
    const key = `${period.start_date}..${period.end_date}`;
    const [run] = await this.deps.reports.runs(account, report.report_id, key);
    if (!run) {
      if (!(await this.claim(report.report_id, key))) return;
      await this.deliver(account, report, period, key, 1, now);
      return;
    }
    const retryDue = run.status === 'failed' && run.attempts < this.options.maxAttempts && now.getTime() - Date.parse(run.finished_at ?? run.started_at) >= this.options.retryMs;
    if (retryDue && (await this.claim(report.report_id, `${key}#${run.attempts + 1}`))) await this.deliver(account, report, period, key, run.attempts + 1, now);
  }

  /** With Redis, only one instance may start a given delivery. */
  private async claim(reportId: string, key: string): Promise<boolean> {
    if (!this.deps.redis || this.deps.redis.status !== 'ready') return true;
    try {
      return (await this.deps.redis.set(`flowlens:report:${reportId}:${key}`, '1', 'PX', 86_400_000, 'NX')) === 'OK';
    } catch {
      return true;
    }
  }

  /** `now` is the tick's time (the wall clock in production), so runs and retries follow one clock. */
  private async deliver(account: string, report: Report, period: { start_date: string; end_date: string }, key: string, attempt: number, now: Date): Promise<ReportRun> {
    const started = now;
    const t0 = performance.now();
    const base: ReportRun = {
      report_id: report.report_id, period_key: key, status: 'sending', attempts: attempt, error: null,
      recipients: report.recipients, attachments: [], started_at: started.toISOString(), finished_at: null,
    };
    await this.deps.reports.saveRun(account, base);
    let result: ReportRun;
    try {
      const attachments = await this.attachments(account, report, period);
      const settings = await this.deps.accountSettings.get(account);
      await this.deps.mailer.send({
        to: report.recipients,
        subject: `${settings.brand_name ?? 'Flowlens'} — ${report.name}, ${period.start_date} to ${period.end_date}`,
        text: `${report.name}: workflow analytics for ${period.start_date} to ${period.end_date} (${report.schedule.timezone}).\nAttached: ${attachments.map((a) => a.filename).join(', ')}.`,
        attachments,
      });
      result = { ...base, status: 'sent', attachments: attachments.map((a) => a.filename), finished_at: new Date(now.getTime() + performance.now() - t0).toISOString() };
    } catch (err) {
      result = { ...base, status: 'failed', error: err instanceof Error ? err.message : String(err), finished_at: new Date(now.getTime() + performance.now() - t0).toISOString() };
      this.log(`report ${report.report_id} (${key}) attempt ${attempt} failed`, err);
    }
    await this.deps.reports.saveRun(account, result);
    this.deps.audit.record({
      account_id: account, key_id: report.created_by, user_id: '', role: 'scheduler', action: 'report.run', method: 'SCHEDULE',
      path: `/api/v1/reports/${report.report_id}`, workflow_id: report.workflow_id === '*' ? '' : report.workflow_id,
      params: { period_key: key, attempt, recipients: report.recipients.length, ...(result.error ? { error: result.error } : {}) },
      status: result.status === 'sent' ? 200 : 502, ip: '', duration_ms: Math.round(performance.now() - t0),
    });
    return result;
  }

  private async attachments(account: string, report: Report, period: { start_date: string; end_date: string }): Promise<Attachment[]> {
    if (report.dashboard_id) {
      // a saved dashboard, as its creator (an admin: reports are theirs) would see it; its widgets keep their own periods
      const principal: Principal = { accountId: account, keyId: report.created_by, userId: '', role: 'admin', isOperator: false };
      const dashboard = await this.deps.dashboards.get(principal, report.dashboard_id);
      const data = await this.deps.dashboards.data(principal, report.dashboard_id);
      const content = await toBuffer(renderDashboardPdf(dashboard, data, brandingOf(await this.deps.accountSettings.get(account))) as unknown as AsyncIterable<unknown>);
      const safe = dashboard.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
      return [{ filename: `dashboard-${safe}-${period.end_date}.pdf`, content, contentType: 'application/pdf' }];
    }
    const workflows = report.workflow_id === '*'
      ? (await listWorkflows(this.deps.store, account)).slice(0, MAX_WORKFLOWS_PER_REPORT).map((w) => w.workflow_id)
      : [report.workflow_id];
    const out: Attachment[] = [];
    for (const workflow of workflows) {
      await this.deps.derived.settled(account, workflow);
      const periodOf = parsePeriod({ ...period, timezone: report.schedule.timezone });
      const safe = workflow.replace(/[^A-Za-z0-9._-]/g, '_');
      for (const format of report.formats) {
        const spec: ExportSpec = { scope: { account, workflow }, period: periodOf, format, dataset: 'executions', template: report.template, compare: true };
        await checkSize(this.deps.store, spec);
        const content = await toBuffer(await exportStream(this.deps.queries, this.deps.accountSettings, spec));
        out.push({
          filename: `workflow-analytics-${safe}-${period.start_date}-to-${period.end_date}.${format}`,
          content,
          contentType: format === 'pdf' ? 'application/pdf' : 'text/csv',
        });
      }
    }
    return out;
  }
}
