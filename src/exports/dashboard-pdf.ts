/**
 * A saved dashboard as a PDF (scheduled dashboard emails): its name and period, then each widget in the order of its
 * grid (top to bottom, left to right) with its data as the API answers it (GET …/dashboards/{id}/data) — a card's
 * value and change, a chart's lines drawn with their first, last and extreme values, a funnel's bars, a table's rows,
 * a pie's shares, the weekday × hour heatmap shaded — plus each widget's note or error. Text and numbers only come
 * from the widget data: nothing is computed here but the drawing.
 */
import PDFDocument from 'pdfkit';
import { standardFontText } from './pdf-text.js';
import type { DashboardDataResponse, DashboardOut, WidgetDataOut } from '../contract/index.js';
import { describeChange, formatBucketDate, formatMetricValue } from '../format/index.js';
import type { Branding } from './pdf-report.js';

const MARGIN = 48;
const WIDTH = 595.28 - 2 * MARGIN; // A4

/** A value in its unit, as the dashboard writes it (the shared formats). */
const fmt = (x: number | null, unit: string): string => formatMetricValue(x, unit === '' ? undefined : unit, 'en-US');
/** A bucket label as the dashboard's axes write it ("Mar 2", "Mar 2, 10:00"). */
const day = (label: string | undefined) => (label === undefined ? '' : formatBucketDate(label, 'en-US', { long: true }));

function ensureRoom(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

function lineChart(doc: PDFKit.PDFDocument, s: NonNullable<WidgetDataOut['series']>, accent: string): void {
  const h = 90;
  ensureRoom(doc, h + 40);
  const top = doc.y;
  const all = s.metrics.flatMap((m) => m.values).filter((v): v is number => v !== null);
  const max = Math.max(0, ...all);
  const min = Math.min(0, ...all);
  const span = max - min || 1;
  doc.save().rect(MARGIN, top, WIDTH, h).strokeColor('#dddddd').lineWidth(0.5).stroke().restore();
  const colours = [accent, '#888888', '#c0392b', '#27ae60'];
  s.metrics.forEach((m, k) => {
    const n = m.values.length;
    let started = false;
    m.values.forEach((v, i) => {
      if (v === null) {
        started = false;
        return;
      }
      const x = MARGIN + (n <= 1 ? WIDTH / 2 : (i / (n - 1)) * WIDTH);
      const y = top + h - ((v - min) / span) * h;
      if (!started) doc.moveTo(x, y);
      else doc.lineTo(x, y);
      started = true;
    });
    doc.strokeColor(colours[k % colours.length]!).lineWidth(1.2).stroke();
  });
  doc.y = top + h + 6;
  doc.fillColor('#333333').fontSize(8);
  for (const m of s.metrics) {
    const values = m.values.filter((v): v is number => v !== null);
    const last = [...m.values].reverse().find((v) => v !== null) ?? null;
    doc.text(`${m.label}: from ${fmt(values[0] ?? null, m.unit)} to ${fmt(last, m.unit)} (highest ${fmt(values.length ? Math.max(...values) : null, m.unit)}, lowest ${fmt(values.length ? Math.min(...values) : null, m.unit)}) over ${day(s.labels[0])} – ${day(s.labels[s.labels.length - 1])}`, MARGIN, doc.y, { width: WIDTH });
  }
}

function widget(doc: PDFKit.PDFDocument, title: string, d: WidgetDataOut, accent: string): void {
  ensureRoom(doc, 60);
  doc.moveDown(0.6).fillColor('#111111').fontSize(12).text(title, MARGIN, doc.y, { width: WIDTH });
  doc.fillColor('#666666').fontSize(8).text(`${d.period.start_date} to ${d.period.end_date} (${d.period.timezone}) · ${d.workflows.length} workflow${d.workflows.length === 1 ? '' : 's'}`, { width: WIDTH });
  doc.moveDown(0.3).fillColor('#222222').fontSize(10);
  if (d.error) {
    doc.fillColor('#c0392b').text(`No data: ${d.error}`, { width: WIDTH });
  } else if (d.card) {
    const c = d.card;
    doc.fontSize(20).fillColor(accent).text(fmt(c.value, c.unit), { width: WIDTH });
    const change = describeChange({ now: c.value, before: c.previous, unit: c.unit, better: c.better }, 'en-US');
    doc.fontSize(9).fillColor('#444444').text(`${c.label}${c.previous !== null ? ` · previous period ${change.previous}${change.kind === 'none' ? '' : ` (${change.text})`}` : ''}`, { width: WIDTH });
  } else if (d.series) {
    lineChart(doc, d.series, accent);
  } else if (d.funnel) {
    const steps = d.funnel.funnel_steps;
    const top = Math.max(1, ...steps.map((s) => s.entered));
    for (const s of steps) {
      ensureRoom(doc, 16);
      const y = doc.y;
      doc.rect(MARGIN + 150, y + 2, ((WIDTH - 250) * s.entered) / top, 8).fill(accent);
      doc.fillColor('#222222').fontSize(8).text(s.step_name, MARGIN, y, { width: 145, lineBreak: false });
      doc.text(`${s.entered} entered · ${s.completed} completed · ${s.exited} left`, MARGIN + WIDTH - 95, y, { width: 95, align: 'right', lineBreak: false });
      doc.y = y + 14;
    }
  } else if (d.table) {
    const t = d.table;
    doc.fontSize(8).fillColor('#666666').text([' ', ...t.columns.map((c) => c.label)].join('   |   '), { width: WIDTH });
    for (const r of t.rows.slice(0, 40)) {
      ensureRoom(doc, 12);
      doc.fillColor('#222222').text([r.label, ...r.values.map((v, i) => fmt(v, t.columns[i]?.unit ?? ''))].join('   |   '), { width: WIDTH });
    }
    if (t.rows.length > 40) doc.fillColor('#666666').text(`… and ${t.rows.length - 40} more rows`);
  } else if (d.heatmap) {
    const hm = d.heatmap;
    const max = Math.max(1, ...hm.cells.flat());
    const cell = (WIDTH - 40) / 24;
    ensureRoom(doc, 7 * 12 + 20);
    const top = doc.y;
    hm.cells.forEach((row, wd) => {
      doc.fillColor('#444444').fontSize(7).text(hm.weekdays[wd] ?? '', MARGIN, top + wd * 12 + 2, { width: 38, lineBreak: false });
      row.forEach((v, h) => {
        doc.save().rect(MARGIN + 40 + h * cell, top + wd * 12, cell - 1, 11).fillOpacity(0.08 + 0.92 * (v / max)).fill(accent).restore();
      });
    });
    doc.y = top + 7 * 12 + 4;
    doc.fillColor('#444444').fontSize(8).text(`${hm.label} by local weekday and hour (${hm.timezone}); the darkest cell is ${fmt(max, '')}.`, MARGIN, doc.y, { width: WIDTH });
  } else if (d.pie) {
    const total = d.pie.slices.reduce((sum, x) => sum + x.value, 0);
    for (const sl of d.pie.slices.slice(0, 20)) {
      ensureRoom(doc, 12);
      doc.fillColor('#222222').fontSize(9).text(`${sl.label}: ${fmt(sl.value, d.pie.unit)}${total > 0 ? ` (${((sl.value / total) * 100).toFixed(1)}%)` : ''}`, { width: WIDTH });
    }
  } else {
    doc.text('No data in this period.', { width: WIDTH });
  }
  if (d.note) doc.moveDown(0.2).fillColor('#666666').fontSize(8).text(d.note, { width: WIDTH });
  if (d.omitted_workflows > 0) doc.fillColor('#666666').fontSize(8).text(`${d.omitted_workflows} workflow(s) of this widget are not shown.`, { width: WIDTH });
}

/** The PDF of a dashboard and its widgets' data. */
export function renderDashboardPdf(dashboard: DashboardOut, data: DashboardDataResponse, branding: Branding): PDFKit.PDFDocument {
  const doc = standardFontText(new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: dashboard.name, Author: branding.name } }));
  const accent = branding.accent;
  doc.fillColor(accent).fontSize(9).text(branding.name, MARGIN, MARGIN);
  doc.moveDown(0.3).fillColor('#111111').fontSize(18).text(dashboard.name, { width: WIDTH });
  if (dashboard.description) doc.fillColor('#444444').fontSize(10).text(dashboard.description, { width: WIDTH });
  doc.fillColor('#666666').fontSize(8).text(`Generated ${data.generated_at.replace('T', ' ').slice(0, 16)} UTC`, { width: WIDTH });
  const byId = new Map(data.widgets.map((w) => [w.widget_id, w]));
  const ordered = [...dashboard.widgets].sort((a, b) => a.y - b.y || a.x - b.x);
  for (const w of ordered) {
    const d = byId.get(w.widget_id);
    if (d) widget(doc, w.title, d, accent);
  }
  doc.end();
  return doc;
}
