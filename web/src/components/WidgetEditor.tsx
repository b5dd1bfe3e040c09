/**
 * The builder's form for one widget's query: title, metrics (among those its kind can show, labelled by the metric
 * catalog), what a pie divides or a table lists, workflows (among the dashboard's), period (relative or fixed),
 * timezone, granularity, comparison and filters. Changes apply to the draft at once; the widget shows their data
 * from the preview endpoint until the dashboard is saved.
 */
import type { ReactNode } from 'react';
import type { WidgetKindOut, WidgetOut } from '../dashboard-queries.js';
import type { MetricInfo } from '../metric-catalog.js';

const RANGES = [
  ['today', 'Today'],
  ['last_7_days', 'Last 7 days'],
  ['last_30_days', 'Last 30 days'],
  ['last_90_days', 'Last 90 days'],
  ['last_365_days', 'Last 365 days'],
] as const;
const BREAKDOWNS = [
  ['outcome', 'Outcome'],
  ['exit_reasons', 'Exit reasons'],
  ['error_types', 'Error types'],
  ['enrollment_sources', 'Enrollment sources'],
  ['goals', 'Goals'],
  ['workflow', 'A figure by workflow'],
] as const;
const TIMEZONES = ['UTC', 'Europe/London', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney'];

function Field({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <label className={`field${wide ? ' field-wide' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
    </label>
  );
}

export function WidgetEditor({ widget, kind, workflows, info, onChange, onRemove, onClose }: {
  widget: WidgetOut;
  kind: WidgetKindOut | undefined;
  /** The workflows a widget may name: the dashboard's, or every readable one when it names none. */
  workflows: Array<{ workflow_id: string; name: string }>;
  info: (name: string) => MetricInfo;
  onChange: (w: WidgetOut) => void;
  onRemove: () => void;
  onClose: () => void;
}) {
  const set = (change: Partial<WidgetOut>) => onChange({ ...widget, ...change });
  const allowed = kind?.metrics ?? [];
  const multi = widget.type === 'line' || widget.type === 'area' || widget.type === 'bar' || (widget.type === 'table' && widget.rows === 'workflows');
  const single = widget.type === 'metric' || widget.type === 'heatmap' || (widget.type === 'pie' && widget.breakdown === 'workflow');
  const custom = widget.range === null;
  const toggle = (list: string[], item: string, max = 6) => (list.includes(item) ? list.filter((x) => x !== item) : list.length >= max ? list : [...list, item]);
  return (
    <section className="widget-editor panel" aria-label={`Edit ${widget.title}`}>
      <div className="panel-head">
        <h2>{kind?.label ?? widget.type}</h2>
        <button type="button" className="button button-quiet" onClick={onClose}>
          Done
        </button>
      </div>
      <div className="editor-fields">
        <Field label="Title" wide>
          <input type="text" name="title" value={widget.title} maxLength={200} onChange={(e) => set({ title: e.target.value })} />
        </Field>
        {widget.type === 'pie' && (
          <Field label="Divide">
            <select name="breakdown" value={widget.breakdown ?? 'outcome'} onChange={(e) => set({ breakdown: e.target.value as WidgetOut['breakdown'], metrics: e.target.value === 'workflow' ? [allowed[0] ?? 'enrolled'] : [] })}>
              {BREAKDOWNS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </Field>
        )}
        {widget.type === 'table' && (
          <Field label="Rows">
            <select name="rows" value={widget.rows ?? 'workflows'} onChange={(e) => set({ rows: e.target.value as WidgetOut['rows'], metrics: e.target.value === 'workflows' ? allowed : [] })}>
              <option value="workflows">Workflows</option>
              <option value="actions">One workflow's actions</option>
            </select>
          </Field>
        )}
        {single && (
          <Field label="Metric" wide>
            <select name="metric" value={widget.metrics[0] ?? ''} onChange={(e) => set({ metrics: [e.target.value] })}>
              {allowed.map((m) => <option key={m} value={m}>{info(m).label}</option>)}
            </select>
          </Field>
        )}
        {multi && (
          <fieldset className="field field-wide metric-choices">
            <legend className="field-label">Metrics{widget.type !== 'table' && ' (up to 6, overlaid)'}</legend>
            {allowed.map((m) => (
              <label key={m} className="inline small">
                <input type="checkbox" name="metrics" value={m} checked={widget.metrics.includes(m)} onChange={() => set({ metrics: toggle(widget.metrics, m) })} />
                {info(m).label}
              </label>
            ))}
          </fieldset>
        )}
        <fieldset className="field field-wide metric-choices">
          <legend className="field-label">Workflows {widget.workflow_ids.length === 0 && <span className="muted">(all of the dashboard's)</span>}</legend>
          {workflows.map((w) => (
            <label key={w.workflow_id} className="inline small">
              <input type="checkbox" name="workflows" value={w.workflow_id} checked={widget.workflow_ids.includes(w.workflow_id)} onChange={() => set({ workflow_ids: toggle(widget.workflow_ids, w.workflow_id, 50) })} />
              {w.name}
            </label>
          ))}
        </fieldset>
        <Field label="Period">
          <select
            name="range"
            value={widget.range ?? 'custom'}
            onChange={(e) => {
              const today = new Date().toISOString().slice(0, 10);
              set(e.target.value === 'custom' ? { range: null, start_date: widget.start_date ?? today, end_date: widget.end_date ?? today } : { range: e.target.value, start_date: null, end_date: null });
            }}
          >
            {RANGES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            <option value="custom">Fixed dates</option>
          </select>
        </Field>
        {custom && (
          <>
            <Field label="From">
              <input type="date" name="start_date" value={widget.start_date ?? ''} onChange={(e) => set({ start_date: e.target.value })} />
            </Field>
            <Field label="To">
              <input type="date" name="end_date" value={widget.end_date ?? ''} onChange={(e) => set({ end_date: e.target.value })} />
            </Field>
          </>
        )}
        <Field label="Timezone">
          <input type="text" name="timezone" list="dashboard-timezones" value={widget.timezone} maxLength={64} onChange={(e) => set({ timezone: e.target.value })} />
          <datalist id="dashboard-timezones">
            {TIMEZONES.map((t) => <option key={t} value={t} />)}
          </datalist>
        </Field>
        {(widget.type === 'line' || widget.type === 'area' || widget.type === 'bar') && (
          <Field label="Buckets">
            <select name="granularity" value={widget.granularity} onChange={(e) => set({ granularity: e.target.value })}>
              <option value="hourly">Hours</option>
              <option value="daily">Days</option>
              <option value="weekly">Weeks</option>
              <option value="monthly">Months</option>
            </select>
          </Field>
        )}
        {(widget.type === 'metric' || widget.type === 'line' || widget.type === 'area' || widget.type === 'bar') && (
          <label className="inline field">
            <input type="checkbox" name="compare" checked={widget.compare} onChange={(e) => set({ compare: e.target.checked })} />
            Compare with the period before
          </label>
        )}
        <fieldset className="field field-wide place-fields">
          <legend className="field-label">Place and size (also by dragging the header and the corner)</legend>
          {(
            [
              ['x', 'Column', 1, 12 - widget.w + 1, 1],
              ['y', 'Row', 1, 200, 1],
              ['w', 'Width', 1, 12 - widget.x, 0],
              ['h', 'Height', 1, 12, 0],
            ] as const
          ).map(([k, label, min, max, offset]) => (
            <label key={k} className="inline small">
              {label}
              <input
                type="number"
                name={`place-${k}`}
                min={min}
                max={max}
                value={widget[k] + offset}
                onChange={(e) => {
                  const v = Number(e.target.value);
                  if (Number.isInteger(v) && v >= min && v <= max) set({ [k]: v - offset });
                }}
              />
            </label>
          ))}
        </fieldset>
        <details className="field field-wide">
          <summary className="field-label">Filters</summary>
          <div className="editor-fields">
            <Field label="Version">
              <input type="number" name="version" min={1} value={widget.version ?? ''} onChange={(e) => set({ version: e.target.value ? Number(e.target.value) : null })} />
            </Field>
            <Field label="Variant">
              <input type="text" name="variant" maxLength={128} value={widget.variant ?? ''} onChange={(e) => set({ variant: e.target.value || null })} />
            </Field>
          </div>
        </details>
      </div>
      <button type="button" className="button button-danger" onClick={onRemove}>
        Remove this widget
      </button>
    </section>
  );
}
