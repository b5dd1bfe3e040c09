/**
 * A saved dashboard: what a user sends (DashboardInput: a name, the workflows it shows, widgets on a 12-column grid,
 * each bound to a query of catalog metrics; SharingInput: who may read or edit it and which origins may frame it)
 * and what it becomes (Dashboard: every widget completed with its defaults and checked, the owner, the shares).
 * Who may do what with one is decided here too (accessOf), from the caller's principal.
 */
import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { DASHBOARD_TEMPLATES, GRID_COLUMNS, PIE_BREAKDOWNS, SHARE_ACCESS, SHARE_KINDS, TABLE_ROWS, WIDGET_TYPES, type DashboardAccess, type DashboardOut, type ShareOut, type WidgetKindOut, type WidgetOut } from '../contract/dashboards.js';
import { InvalidInput, type FieldError } from '../errors/domain-errors.js';
import { isMetric, metric } from '../metrics/definitions.js';
import { GRANULARITIES, parsePeriod, RANGES } from '../metrics/period.js';
import { resolveTimezone } from '../time/timezones.js';
import { CARD_METRICS, chartSource, CHART_METRICS, HEATMAP_METRICS, OVERVIEW_FIGURES, PIE_WORKFLOW_METRICS, usesSeries } from './metrics.js';

const Literals = <T extends string>(values: readonly T[], description?: string) => Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});
// null first: with the API's type coercion, a null tried against a string or integer first would become "" or 0
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Optional(Type.Union([Type.Null(), t]));
const workflowIds = (description?: string) => Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 50, uniqueItems: true, ...(description ? { description } : {}) });

export const MAX_WIDGETS = 24;
export const MAX_ROWS = 200;
export const MAX_HEIGHT = 12;

export const WidgetInput = Type.Object(
  {
    widget_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'kept when given (unique in the dashboard), else made' })),
    type: Literals(WIDGET_TYPES),
    title: Type.Optional(Type.String({ maxLength: 200, description: 'default: the metric\'s label' })),
    x: Type.Optional(Type.Integer({ minimum: 0, maximum: GRID_COLUMNS - 1 })),
    y: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ROWS })),
    w: Type.Optional(Type.Integer({ minimum: 1, maximum: GRID_COLUMNS })),
    h: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_HEIGHT })),
    metrics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 6, uniqueItems: true, description: 'names of GET /api/v1/metrics; a card shows one, a chart overlays up to 6' })),
    workflow_ids: Type.Optional(workflowIds('a subset of the dashboard\'s workflows (default: all of them)')),
    version: OrNull(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    variant: OrNull(Type.String({ minLength: 1, maxLength: 128 })),
    range: OrNull(Literals(RANGES, 'a relative period, resolved when read (default last_30_days when no dates)')),
    start_date: OrNull(Type.String({ maxLength: 10 })),
    end_date: OrNull(Type.String({ maxLength: 10 })),
    timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA name, default the dashboard\'s (UTC)' })),
    granularity: Type.Optional(Literals(GRANULARITIES)),
    compare: Type.Optional(Type.Boolean()),
    breakdown: OrNull(Literals(PIE_BREAKDOWNS)),
    rows: OrNull(Literals(TABLE_ROWS)),
  },
  { additionalProperties: false },
);
export type WidgetInput = Static<typeof WidgetInput>;

export const DashboardInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    workflow_ids: Type.Optional(workflowIds('the workflows it shows (each readable by you); empty: every workflow its viewer may read. A public link shows exactly these.')),
    widgets: Type.Optional(Type.Array(WidgetInput, { maxItems: MAX_WIDGETS })),
    template: Type.Optional(Literals(DASHBOARD_TEMPLATES, 'start from a template\'s widgets (when no widgets are given)')),
    timezone: Type.Optional(Type.String({ maxLength: 64, description: 'the timezone of widgets that name none (default UTC)' })),
  },
  { additionalProperties: false },
);
export type DashboardInput = Static<typeof DashboardInput>;

export const SharingInput = Type.Object(
  {
    shares: Type.Array(
      Type.Object(
        {
          kind: Literals(SHARE_KINDS),
          id: Type.String({ minLength: 1, maxLength: 128, description: 'a user id (of API keys), or a role: admin, member, viewer' }),
          access: Literals(SHARE_ACCESS, 'read, or edit its widgets (members and admins only: a viewer key only reads)'),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    allowed_origins: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20, uniqueItems: true, description: 'origins allowed to frame the embed page (https://app.example.com, https://*.example.com)' }),
  },
  { additionalProperties: false },
);
export type SharingInput = Static<typeof SharingInput>;

export const LinkInput = Type.Object(
  { expires_at: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'date-time', maxLength: 40 })], { description: 'when the link stops working (default: never, until revoked)' })) },
  { additionalProperties: false },
);
export type LinkInput = Static<typeof LinkInput>;

/** A dashboard as stored (the API adds the caller's access). */
export type Dashboard = Omit<DashboardOut, 'your_access'>;
export type Widget = WidgetOut;
export type Share = ShareOut;

const ROLES = ['admin', 'member', 'viewer'];
const DEFAULT_SIZE: Record<Widget['type'], [number, number]> = { metric: [3, 2], line: [6, 4], area: [6, 4], bar: [6, 4], funnel: [6, 4], table: [12, 4], heatmap: [6, 4], pie: [4, 4] };
const DEFAULT_METRICS: Record<Widget['type'], string[]> = {
  metric: ['enrolled'], line: ['new_enrollments'], area: ['new_enrollments'], bar: ['new_enrollments'], funnel: [],
  table: Object.keys(OVERVIEW_FIGURES), heatmap: ['new_enrollments'], pie: [],
};
/** The widget library: what each kind of widget shows, the metrics it can show, its default size. */
export const LIBRARY: WidgetKindOut[] = [
  { type: 'metric', label: 'Metric card', description: 'One figure of the period, with its change against the period before.', metrics: CARD_METRICS },
  { type: 'line', label: 'Line chart', description: 'Up to 6 metrics per bucket, overlaid; the previous period dashed.', metrics: CHART_METRICS },
  { type: 'area', label: 'Area chart', description: 'Like the line chart, filled.', metrics: CHART_METRICS },
  { type: 'bar', label: 'Bar chart', description: 'Metrics per bucket as bars.', metrics: CHART_METRICS },
  { type: 'funnel', label: 'Funnel', description: 'One workflow\'s steps: entered, completed, dropped off.', metrics: [] },
  { type: 'table', label: 'Table', description: 'Every workflow with its figures, or one workflow\'s actions.', metrics: Object.keys(OVERVIEW_FIGURES) },
  { type: 'heatmap', label: 'Heatmap', description: 'A metric by local weekday and hour (when enrolments arrive).', metrics: HEATMAP_METRICS },
  { type: 'pie', label: 'Pie', description: 'The cohort by outcome, exit reason, error type, source or goal; or a figure by workflow.', metrics: PIE_WORKFLOW_METRICS },
].map((k) => ({ ...k, type: k.type as Widget['type'], default_metrics: DEFAULT_METRICS[k.type as Widget['type']], w: DEFAULT_SIZE[k.type as Widget['type']][0], h: DEFAULT_SIZE[k.type as Widget['type']][1] }));

const BREAKDOWN_TITLES: Record<string, string> = { outcome: 'Outcomes', exit_reasons: 'Exit reasons', error_types: 'Error types', enrollment_sources: 'Enrollment sources', goals: 'Goals' };

/** A widget's title when it is given none: what it shows, in the catalog's words. */
function defaultTitle(type: Widget['type'], metrics: readonly string[], breakdown: string | null, rows: string | null): string {
  const labels = metrics.map((m) => metric(m).label);
  switch (type) {
    case 'funnel':
      return 'Funnel';
    case 'table':
      return rows === 'actions' ? 'Actions' : 'Workflows';
    case 'pie':
      return breakdown === 'workflow' ? `${labels[0] ?? 'Figures'} by workflow` : (BREAKDOWN_TITLES[breakdown ?? 'outcome'] ?? 'Outcomes');
    case 'heatmap':
      return `${labels[0] ?? 'Enrollments'} by weekday and hour`;
    default:
      return labels.join(', ') || 'Figure';
  }
}

/** The owner id of what a principal creates: its user, or its key when it has no user id. */
export const ownerOf = (p: Principal): string => p.userId || `key:${p.keyId}`;

/** What a principal may do with a dashboard of its account (null: not even see it). */
export function accessOf(d: Dashboard, p: Principal): DashboardAccess | null {
  if (d.created_by === ownerOf(p)) return 'owner';
  if (p.isOperator || p.role === 'admin') return 'admin';
  const mine = d.shares.filter((s) => (s.kind === 'user' ? p.userId !== '' && s.id === p.userId : s.id === p.role));
  if (mine.length === 0) return null;
  // a viewer key reads, whatever it was shared with
  return mine.some((s) => s.access === 'edit') && p.role !== 'viewer' ? 'edit' : 'read';
}
export const mayEdit = (a: DashboardAccess | null) => a === 'owner' || a === 'admin' || a === 'edit';
export const mayManage = (a: DashboardAccess | null) => a === 'owner' || a === 'admin';

/** The first free place for a w×h widget (scanning rows from the top, then columns; only column `atX` when given). */
export function freePlace(widgets: readonly Pick<Widget, 'x' | 'y' | 'w' | 'h'>[], w: number, h: number, atX?: number): { x: number; y: number } {
  const taken = (x: number, y: number) => widgets.some((o) => x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h);
  for (let y = 0; y <= MAX_ROWS; y++) {
    if (atX !== undefined) {
      if (!taken(atX, y)) return { x: atX, y };
    } else for (let x = 0; x + w <= GRID_COLUMNS; x++) if (!taken(x, y)) return { x, y };
  }
  return { x: atX ?? 0, y: MAX_ROWS };
}

/**
 * A widget completed with its defaults and checked against the rules of its type. `workflows` are the dashboard's
 * (a widget names a subset of them when the dashboard names any). Errors name `/{at}/…` fields.
 */
export function widgetOf(input: WidgetInput, at: string, workflows: readonly string[], defaultTimezone: string, placed: readonly Widget[], errors: FieldError[]): Widget {
  const err = (field: string, message: string) => errors.push({ path: `${at}/${field}`, message });
  const type = input.type;
  const [dw, dh] = DEFAULT_SIZE[type];
  const w = input.w ?? Math.min(dw, GRID_COLUMNS - (input.x ?? 0));
  const h = input.h ?? dh;
  const spot = input.y === undefined ? freePlace(placed, w, h, input.x) : { x: input.x ?? 0, y: input.y };
  if (spot.x + w > GRID_COLUMNS) err('w', `x + w must be at most ${GRID_COLUMNS} (x ${spot.x}, w ${w})`);
  const metrics = input.metrics ?? DEFAULT_METRICS[type];
  for (const [i, m] of metrics.entries()) if (!isMetric(m)) err(`metrics/${i}`, `"${m}" is not a metric of the catalog (GET /api/v1/metrics)`);
  const known = metrics.every(isMetric);
  const allowed = (list: readonly string[], what: string) => {
    if (!known) return;
    for (const [i, m] of metrics.entries()) if (!list.includes(m)) err(`metrics/${i}`, `${m} cannot be shown ${what}; choose one of ${list.join(', ')}`);
  };
  const ids = input.workflow_ids ?? [];
  if (workflows.length > 0) for (const [i, id] of ids.entries()) if (!workflows.includes(id)) err(`workflow_ids/${i}`, `${id} is not one of the dashboard's workflows (${workflows.join(', ')})`);
  const oneWorkflow = () => {
    if ((ids.length || workflows.length) > 1 && ids.length !== 1) err('workflow_ids', `a ${type === 'funnel' ? 'funnel' : 'table of actions'} shows one workflow: name it`);
  };
  const breakdown = type === 'pie' ? (input.breakdown ?? 'outcome') : null;
  const rows = type === 'table' ? (input.rows ?? 'workflows') : null;
  switch (type) {
    case 'metric':
      if (metrics.length !== 1) err('metrics', 'a metric card shows exactly one metric');
      allowed(CARD_METRICS, 'on a card');
      break;
    case 'line':
    case 'area':
    case 'bar':
      if (metrics.length < 1) err('metrics', 'a chart draws at least one metric');
      allowed(CHART_METRICS, 'per bucket');
      if (known && metrics.length > 0 && metrics.every((m) => CHART_METRICS.includes(m)) && chartSource(metrics) === null) {
        err('metrics', 'completions and conversions come from the trends and cannot share a chart with watched metrics; draw them in their own chart');
      }
      break;
    case 'funnel':
      oneWorkflow();
      break;
    case 'table':
      if (rows === 'workflows') allowed(Object.keys(OVERVIEW_FIGURES), 'in a table of workflows');
      else oneWorkflow();
      break;
    case 'heatmap':
      if (metrics.length !== 1) err('metrics', 'a heatmap folds exactly one metric');
      allowed(HEATMAP_METRICS, 'by weekday and hour');
      break;
    case 'pie':
      if (breakdown === 'workflow') {
        if (metrics.length !== 1) err('metrics', 'a pie by workflow divides exactly one metric');
        allowed(PIE_WORKFLOW_METRICS, 'by workflow');
      } else if (metrics.length > 0) err('metrics', `a pie by ${breakdown} divides the cohort: give no metric`);
      break;
  }
  if (known && input.variant && usesSeries(type, metrics, breakdown)) err('variant', 'watched metrics are counted from the rollups, which do not know variants: remove the variant filter or the metric');

  const timezone = resolveTimezone(input.timezone ?? defaultTimezone);
  if (timezone === undefined) err('timezone', `unknown timezone "${input.timezone}"`);
  const dated = Boolean(input.start_date) || Boolean(input.end_date);
  const range = input.range ?? (dated ? null : 'last_30_days');
  if (range !== null && dated) err('range', 'give either range or start_date and end_date, not both');
  const granularity = input.granularity ?? 'daily';
  if (timezone !== undefined && !(range !== null && dated)) {
    try {
      parsePeriod({ ...(range !== null ? { range } : { start_date: input.start_date ?? undefined, end_date: input.end_date ?? undefined }), timezone, granularity });
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      for (const f of e.fields) errors.push({ path: `${at}${f.path}`, message: f.message });
    }
  }
  return {
    widget_id: input.widget_id ?? randomUUID().slice(0, 8),
    type,
    title: input.title?.trim() || defaultTitle(type, known ? metrics : [], breakdown, rows),
    x: spot.x,
    y: spot.y,
    w,
    h,
    metrics: type === 'funnel' || (type === 'table' && rows === 'actions') ? [] : metrics,
    workflow_ids: ids,
    version: input.version ?? null,
    variant: input.variant ?? null,
    range,
    start_date: range === null ? input.start_date || null : null,
    end_date: range === null ? input.end_date || null : null,
    timezone: timezone ?? 'UTC',
    granularity,
    compare: input.compare ?? false,
    breakdown,
    rows,
  };
}

/** The widgets of a dashboard checked (ids unique, places inside the grid) and completed; throws InvalidInput naming every field at fault. */
export function widgetsOf(inputs: readonly WidgetInput[], workflows: readonly string[], timezone: string, errors: FieldError[] = []): Widget[] {
  const out: Widget[] = [];
  const seen = new Set<string>();
  inputs.forEach((input, i) => {
    const wgt = widgetOf(input, `/widgets/${i}`, workflows, timezone, out, errors);
    if (seen.has(wgt.widget_id)) errors.push({ path: `/widgets/${i}/widget_id`, message: `"${wgt.widget_id}" is given twice` });
    seen.add(wgt.widget_id);
    out.push(wgt);
  });
  if (errors.length > 0) throw new InvalidInput(`Invalid dashboard: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  return out;
}

const ORIGIN = /^(https?):\/\/((?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|\[[0-9a-f:.]+\])(:\d{1,5})?\/?$/i;

/**
 * An origin that may frame the embed page, as CSP frame-ancestors writes it (scheme://host[:port], a leading *.
 * for subdomains), or null when it is not one. Nothing else passes: the value goes into a response header.
 */
export function originOf(s: string): string | null {
  const m = ORIGIN.exec(s.trim());
  if (!m) return null;
  if (m[3] && Number(m[3].slice(1)) > 65535) return null;
  return `${m[1]!.toLowerCase()}://${m[2]!.toLowerCase()}${m[3] ?? ''}`;
}

/** The sharing input checked: roles are admin, member or viewer; origins are origins. */
export function sharingOf(input: SharingInput): { shares: Share[]; allowed_origins: string[] } {
  const errors: FieldError[] = [];
  const shares: Share[] = [];
  input.shares.forEach((s, i) => {
    if (s.kind === 'role' && !ROLES.includes(s.id)) errors.push({ path: `/shares/${i}/id`, message: `a role is one of ${ROLES.join(', ')}` });
    const same = shares.findIndex((x) => x.kind === s.kind && x.id === s.id);
    if (same >= 0) errors.push({ path: `/shares/${i}`, message: `${s.kind} ${s.id} is given twice` });
    shares.push({ kind: s.kind, id: s.id, access: s.access });
  });
  const origins: string[] = [];
  input.allowed_origins.forEach((o, i) => {
    const origin = originOf(o);
    if (origin === null) errors.push({ path: `/allowed_origins/${i}`, message: `"${o}" is not an origin (https://app.example.com, https://*.example.com:8443)` });
    else if (!origins.includes(origin)) origins.push(origin);
  });
  if (errors.length > 0) throw new InvalidInput(`Invalid sharing: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  return { shares, allowed_origins: origins };
}

/** The value of the embed page's Content-Security-Policy frame-ancestors directive. */
export const frameAncestors = (origins: readonly string[]): string => (origins.length > 0 ? origins.join(' ') : "'none'");
