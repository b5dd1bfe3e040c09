/**
 * The PDF report (CONTRACT §6 `format=pdf`; scheduled reports): a title block (workflow, period,
 * timezone, generation time, the account's branding), the summary figures with their change against the
 * previous period, the trend and funnel charts drawn from the dashboard's ECharts options as vector SVG,
 * and "observations" (biggest drop-off, slowest step, largest change). `executive` fits one page;
 * `detailed` adds the action table, exit reasons, the funnel table and the unified report (internal, GA4 and CRM
 * figures under each attribution model).
 */
import PDFDocument from 'pdfkit';
import { standardFontText } from './pdf-text.js';
import SVGtoPDF from 'svg-to-pdfkit';
import { funnelOptions, PALETTE, trendOptions } from '../charts/options.js';
import { changesJudged, describeChange, formatBucketDate, formatCount, formatDuration, formatInstant, formatMetricValue, formatMilliseconds, formatPercent } from '../format/index.js';
import { metric } from '../metrics/definitions.js';
import type { Funnel } from '../metrics/funnel.js';
import type { Summary } from '../metrics/summary.js';
import type { TrendRow } from '../metrics/trends.js';
import { renderSvg } from './svg-charts.js';
import type { UnifiedResponse } from '../contract/unified.js';
import { unifiedPdfRows } from './unified-export.js';

export const TEMPLATES = ['executive', 'detailed'] as const;
export type Template = (typeof TEMPLATES)[number];

export interface Branding {
  name: string;
  accent: string;
  /** PNG or JPEG bytes. */
  logo?: Buffer;
}

export interface ActionLine {
  action_id: string;
  action_type: string | null;
  executions: number;
  success_rate: number;
  average_duration_ms: number | null;
  p95_duration_ms: number | null;
  failures: number;
}

export interface ReportInput {
  workflowId: string;
  workflowName: string;
  /** The period, with how far it has run when known (periodProgress: a period that includes now is not complete). */
  period: { start_date: string; end_date: string; timezone: string; granularity: string; complete?: boolean; buckets_begun?: number; bucket_in_progress?: string | null };
  generatedAt: Date;
  summary: Summary;
  previous: Summary | null;
  changes: Record<string, number | null> | null;
  trends: TrendRow[];
  previousTrends: TrendRow[] | null;
  funnel: Funnel;
  actions: ActionLine[];
  /** The detailed template's unified report, one per attribution model (unified-export.ts); absent: left out. */
  unified?: UnifiedResponse[];
  template: Template;
  branding: Branding;
}

/** The summary's figures, each with the catalog metric that gives its unit and which way is better. */
const FIGURES: Array<[keyof Summary, string, string]> = [
  ['total_enrolled', 'Enrolled', 'enrolled'],
  ['currently_active', 'Active now', 'active'],
  ['completed', 'Completed', 'completed'],
  ['completion_rate', 'Completion rate', 'completion_rate'],
  ['goals_achieved', 'Goals achieved', 'converted'],
  ['conversion_rate', 'Conversion rate', 'conversion_rate'],
  ['average_duration_hours', 'Average duration', 'duration_hours'],
];

const L = 'en-US';

/** A summary figure's value and its change against the previous period, as the dashboard's cards read them. */
function figure(input: ReportInput, key: keyof Summary, metricName: string) {
  const m = metric(metricName);
  const now = input.summary[key] as number | null;
  const before = input.previous ? (input.previous[key] as number | null) : null;
  return { text: formatMetricValue(now, m.unit, L), change: describeChange({ now, before, unit: m.unit, better: m.better, complete: changesJudged(input.period) }, L) };
}

/** The period as the dashboard writes dates: "Mar 1, 2026 – Mar 31, 2026". */
const periodText = (p: ReportInput['period']) => `${formatBucketDate(p.start_date, L, { long: true })} – ${formatBucketDate(p.end_date, L, { long: true })}`;

/** The three sentences of the observations section. */
export function observations(input: ReportInput): string[] {
  const out: string[] = [];
  const f = input.funnel;
  const byId = new Map(f.funnel_steps.map((s) => [s.step_id, s]));
  const b = f.bottleneck_step ? byId.get(f.bottleneck_step) : undefined;
  if (b && b.entered > 0) {
    out.push(`Biggest drop-off: ${b.step_name || b.step_id} — ${formatCount(b.dropped_off, L)} of ${formatCount(b.entered, L)} who entered did not complete it (${formatPercent((b.dropped_off / b.entered) * 100, L)}).`);
  } else out.push('Biggest drop-off: no step lost anyone in this period.');
  const slow = f.slowest_step ? byId.get(f.slowest_step) : undefined;
  if (slow && slow.average_time_seconds !== null) {
    out.push(`Slowest step: ${slow.step_name || slow.step_id}, ${formatDuration(slow.average_time_seconds, L)} on average.`);
  } else out.push('Slowest step: no step time was recorded in this period.');
  const changes = FIGURES.map(([k, label, name]) => ({ label, relative: input.changes?.[k as keyof NonNullable<ReportInput['changes']>], view: figure(input, k, name).change })).filter((c) => typeof c.relative === 'number' && c.view.kind !== 'none');
  if (!changesJudged(input.period)) out.push('The period is not over: its figures are so far, and not judged against the whole previous period.');
  else if (changes.length > 0) {
    const c = changes.reduce((a, x) => (Math.abs(x.relative!) > Math.abs(a.relative!) ? x : a));
    out.push(`Largest change: ${c.label}, ${c.view.text} against the previous period (${c.view.previous}).`);
  } else out.push('Largest change: the previous period had nothing to compare with.');
  return out;
}

/** Writes the report into a PDF document stream (a Readable); the caller pipes it somewhere. */
export function renderReport(input: ReportInput): PDFKit.PDFDocument {
  const doc = standardFontText(new PDFDocument({ size: 'A4', margin: 40, info: { Title: `${input.workflowName} — workflow analytics`, Author: input.branding.name, Creator: 'Flowlens' } }));
  const accent = input.branding.accent;
  const width = doc.page.width - 80;

  // title block
  doc.rect(0, 0, doc.page.width, 8).fill(accent);
  let y = 28;
  if (input.branding.logo) {
    try {
      doc.image(input.branding.logo, 40, y, { fit: [90, 36] });
    } catch {
      /* an unreadable logo is left out */
    }
  }
  doc.fillColor(PALETTE.muted).font('Helvetica').fontSize(9).text(input.branding.name, 40, y, { width, align: 'right' });
  y += 40;
  doc.fillColor(PALETTE.text).font('Helvetica-Bold').fontSize(20).text(input.workflowName, 40, y, { width });
  y = doc.y + 2;
  doc.font('Helvetica').fontSize(10).fillColor(PALETTE.muted)
    .text(`Workflow ${input.workflowId} · ${periodText(input.period)} (${input.period.timezone})${input.period.complete === false ? ', in progress' : ''} · generated ${formatInstant(input.generatedAt.toISOString(), L, 'UTC')} UTC`, 40, y, { width });
  y = doc.y + 12;

  // summary figures
  doc.fillColor(PALETTE.text).font('Helvetica-Bold').fontSize(12).text('Summary', 40, y);
  y = doc.y + 4;
  const cols = [40, 200, 320, 440];
  doc.font('Helvetica-Bold').fontSize(9).fillColor(PALETTE.muted);
  ['Figure', 'This period', 'Previous period', 'Change'].forEach((h, i) => doc.text(h, cols[i]!, y));
  y += 14;
  doc.font('Helvetica').fillColor(PALETTE.text);
  for (const [k, label, name] of FIGURES) {
    const f = figure(input, k, name);
    doc.text(label, cols[0]!, y).text(f.text, cols[1]!, y).text(f.change.previous, cols[2]!, y).text(f.change.text, cols[3]!, y);
    y += 13;
  }
  y += 8;

  // charts
  const chartH = input.template === 'executive' ? 170 : 210;
  doc.font('Helvetica-Bold').fontSize(12).text('Trend', 40, y);
  y = doc.y + 2;
  SVGtoPDF(doc, renderSvg(trendOptions(input.trends, input.previousTrends ?? undefined, accent, { progress: input.period, format: { locale: L, monthly: input.period.granularity === 'monthly' } }), Math.round(width), chartH), 40, y, { width, height: chartH, assumePt: true });
  y += chartH + 8;
  const funnelH = Math.min(input.template === 'executive' ? 150 : 260, 40 + 26 * Math.max(1, input.funnel.funnel_steps.length));
  doc.font('Helvetica-Bold').fontSize(12).fillColor(PALETTE.text).text(`Funnel (overall conversion ${formatPercent(input.funnel.overall_conversion, L)})`, 40, y);
  y = doc.y + 2;
  if (input.funnel.funnel_steps.length > 0) {
    SVGtoPDF(doc, renderSvg(funnelOptions(input.funnel.funnel_steps, input.funnel.bottleneck_step, accent), Math.round(width), funnelH), 40, y, { width, height: funnelH, assumePt: true });
    y += funnelH + 8;
  } else {
    doc.font('Helvetica').fontSize(10).text('No steps recorded in this period.', 40, y);
    y = doc.y + 8;
  }

  // observations
  doc.font('Helvetica-Bold').fontSize(12).fillColor(PALETTE.text).text('Observations', 40, y);
  doc.font('Helvetica').fontSize(10);
  for (const line of observations(input)) doc.text(`•  ${line}`, 48, doc.y + 3, { width: width - 8 });

  if (input.template === 'detailed') {
    doc.addPage();
    doc.rect(0, 0, doc.page.width, 8).fill(accent);
    doc.fillColor(PALETTE.text).font('Helvetica-Bold').fontSize(12).text('Actions', 40, 28);
    table(doc, ['Action', 'Type', 'Executions', 'Success', 'Failures', 'Avg time', 'p95 time'], [140, 100, 60, 55, 50, 55, 55],
      input.actions.map((a) => [a.action_id, a.action_type ?? '', formatCount(a.executions, L), formatPercent(a.success_rate, L), formatCount(a.failures, L), formatMilliseconds(a.average_duration_ms, L), formatMilliseconds(a.p95_duration_ms, L)]));
    doc.moveDown();
    doc.font('Helvetica-Bold').fontSize(12).text('Funnel steps', 40);
    table(doc, ['Step', 'Entered', 'Completed', 'Dropped', 'Conversion', 'Avg time'], [170, 60, 65, 60, 70, 70],
      input.funnel.funnel_steps.map((s) => [s.step_name || s.step_id, formatCount(s.entered, L), formatCount(s.completed, L), formatCount(s.dropped_off, L), formatPercent(s.conversion_rate, L), formatDuration(s.average_time_seconds, L)]));
    doc.moveDown();
    doc.font('Helvetica-Bold').fontSize(12).text('Exit reasons', 40);
    const exits = Object.entries(input.summary.exit_reasons).sort((a, b) => b[1] - a[1]);
    table(doc, ['Reason', 'Executions'], [250, 80], exits.length ? exits.map(([r, n]) => [r || '(none)', formatCount(n, L)]) : [['none in this period', '']]);
    if (input.unified?.length) {
      doc.moveDown();
      doc.font('Helvetica-Bold').fontSize(12).fillColor(PALETTE.text).text('Unified report', 40);
      table(doc, ['Source', 'Figure', 'Model', 'Value', 'From (last successful sync, UTC)'], [55, 110, 65, 110, 175], unifiedPdfRows(input.unified, L));
    }
  }
  doc.end();
  return doc;
}

function table(doc: PDFKit.PDFDocument, head: string[], widths: number[], rows: string[][]): void {
  let y = doc.y + 4;
  const row = (cells: string[], bold: boolean) => {
    if (y > doc.page.height - 60) {
      doc.addPage();
      y = 40;
    }
    let x = 40;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9).fillColor(bold ? PALETTE.muted : PALETTE.text);
    cells.forEach((c, i) => {
      doc.text(c, x, y, { width: widths[i]! - 6, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    y += 13;
  };
  row(head, true);
  for (const r of rows) row(r, false);
  doc.x = 40;
  doc.y = y;
}
