/**
 * The PDF report (CONTRACT §6 `format=pdf`; scheduled reports): a title block (workflow, period,
 * timezone, generation time, the account's branding), the summary figures with their change against the
 * previous period, the trend and funnel charts drawn from the dashboard's ECharts options as vector SVG,
 * and "observations" (biggest drop-off, slowest step, largest change). `executive` fits one page;
 * `detailed` adds the action table, exit reasons and the funnel table.
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { funnelOptions, PALETTE, trendOptions } from '../charts/options.js';
import type { Funnel } from '../metrics/funnel.js';
import type { Summary } from '../metrics/summary.js';
import type { TrendRow } from '../metrics/trends.js';
import { renderSvg } from './svg-charts.js';

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
  period: { start_date: string; end_date: string; timezone: string; granularity: string };
  generatedAt: Date;
  summary: Summary;
  previous: Summary | null;
  changes: Record<string, number | null> | null;
  trends: TrendRow[];
  previousTrends: TrendRow[] | null;
  funnel: Funnel;
  actions: ActionLine[];
  template: Template;
  branding: Branding;
}

const FIGURES: Array<[keyof Summary, string, (v: number | null) => string]> = [
  ['total_enrolled', 'Enrolled', (v) => fmtInt(v)],
  ['currently_active', 'Active now', (v) => fmtInt(v)],
  ['completed', 'Completed', (v) => fmtInt(v)],
  ['completion_rate', 'Completion rate', (v) => (v === null ? '—' : `${v.toFixed(2)} %`)],
  ['goals_achieved', 'Goals achieved', (v) => fmtInt(v)],
  ['conversion_rate', 'Conversion rate', (v) => (v === null ? '—' : `${v.toFixed(2)} %`)],
  ['average_duration_hours', 'Average duration', (v) => (v === null ? '—' : `${v.toFixed(2)} h`)],
];

function fmtInt(v: number | null): string {
  return v === null ? '—' : Math.round(v).toLocaleString('en-US');
}

function fmtChange(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return `${v > 0 ? '+' : ''}${v.toFixed(1)} %`;
}

/** The three sentences of the observations section. */
export function observations(input: ReportInput): string[] {
  const out: string[] = [];
  const f = input.funnel;
  const byId = new Map(f.funnel_steps.map((s) => [s.step_id, s]));
  const b = f.bottleneck_step ? byId.get(f.bottleneck_step) : undefined;
  if (b && b.entered > 0) {
    out.push(`Biggest drop-off: ${b.step_name || b.step_id} — ${b.dropped_off.toLocaleString('en-US')} of ${b.entered.toLocaleString('en-US')} who entered did not complete it (${((b.dropped_off / b.entered) * 100).toFixed(1)} %).`);
  } else out.push('Biggest drop-off: no step lost anyone in this period.');
  const slow = f.slowest_step ? byId.get(f.slowest_step) : undefined;
  if (slow && slow.average_time_seconds !== null) {
    out.push(`Slowest step: ${slow.step_name || slow.step_id}, ${slow.average_time_seconds.toFixed(1)} s on average.`);
  } else out.push('Slowest step: no step time was recorded in this period.');
  const changes = Object.entries(input.changes ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number');
  if (changes.length > 0) {
    const [k, v] = changes.reduce((a, c) => (Math.abs(c[1]) > Math.abs(a[1]) ? c : a));
    const label = FIGURES.find((x) => x[0] === k)?.[1] ?? k.replace(/_/g, ' ');
    out.push(`Largest change: ${label}, ${fmtChange(v)} against the previous period.`);
  } else out.push('Largest change: the previous period had nothing to compare with.');
  return out;
}

/** Writes the report into a PDF document stream (a Readable); the caller pipes it somewhere. */
export function renderReport(input: ReportInput): PDFKit.PDFDocument {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `${input.workflowName} — workflow analytics`, Author: input.branding.name, Creator: 'Flowlens' } });
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
    .text(`Workflow ${input.workflowId} · ${input.period.start_date} to ${input.period.end_date} (${input.period.timezone}) · generated ${input.generatedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`, 40, y, { width });
  y = doc.y + 12;

  // summary figures
  doc.fillColor(PALETTE.text).font('Helvetica-Bold').fontSize(12).text('Summary', 40, y);
  y = doc.y + 4;
  const cols = [40, 200, 320, 440];
  doc.font('Helvetica-Bold').fontSize(9).fillColor(PALETTE.muted);
  ['Figure', 'This period', 'Previous period', 'Change'].forEach((h, i) => doc.text(h, cols[i]!, y));
  y += 14;
  doc.font('Helvetica').fillColor(PALETTE.text);
  for (const [k, label, fmt] of FIGURES) {
    const now = input.summary[k] as number | null;
    const before = input.previous ? (input.previous[k] as number | null) : null;
    doc.text(label, cols[0]!, y).text(fmt(now), cols[1]!, y).text(input.previous ? fmt(before) : '—', cols[2]!, y).text(fmtChange(input.changes?.[k]), cols[3]!, y);
    y += 13;
  }
  y += 8;

  // charts
  const chartH = input.template === 'executive' ? 170 : 210;
  doc.font('Helvetica-Bold').fontSize(12).text('Trend', 40, y);
  y = doc.y + 2;
  SVGtoPDF(doc, renderSvg(trendOptions(input.trends, input.previousTrends ?? undefined, accent), Math.round(width), chartH), 40, y, { width, height: chartH, assumePt: true });
  y += chartH + 8;
  const funnelH = Math.min(input.template === 'executive' ? 150 : 260, 40 + 26 * Math.max(1, input.funnel.funnel_steps.length));
  doc.font('Helvetica-Bold').fontSize(12).fillColor(PALETTE.text).text(`Funnel (overall conversion ${input.funnel.overall_conversion.toFixed(2)} %)`, 40, y);
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
    table(doc, ['Action', 'Type', 'Executions', 'Success', 'Failures', 'Avg ms', 'p95 ms'], [150, 110, 60, 55, 50, 50, 50],
      input.actions.map((a) => [a.action_id, a.action_type ?? '', fmtInt(a.executions), `${a.success_rate.toFixed(1)} %`, fmtInt(a.failures), a.average_duration_ms === null ? '—' : a.average_duration_ms.toFixed(0), a.p95_duration_ms === null ? '—' : a.p95_duration_ms.toFixed(0)]));
    doc.moveDown();
    doc.font('Helvetica-Bold').fontSize(12).text('Funnel steps', 40);
    table(doc, ['Step', 'Entered', 'Completed', 'Dropped', 'Conversion', 'Avg time s'], [170, 60, 65, 60, 70, 70],
      input.funnel.funnel_steps.map((s) => [s.step_name || s.step_id, fmtInt(s.entered), fmtInt(s.completed), fmtInt(s.dropped_off), `${s.conversion_rate.toFixed(1)} %`, s.average_time_seconds === null ? '—' : s.average_time_seconds.toFixed(1)]));
    doc.moveDown();
    doc.font('Helvetica-Bold').fontSize(12).text('Exit reasons', 40);
    const exits = Object.entries(input.summary.exit_reasons).sort((a, b) => b[1] - a[1]);
    table(doc, ['Reason', 'Executions'], [250, 80], exits.length ? exits.map(([r, n]) => [r || '(none)', fmtInt(n)]) : [['none in this period', '']]);
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
