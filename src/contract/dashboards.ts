/**
 * Saved dashboards (`/api/v1/analytics/dashboards`): a grid of widgets, each bound to a query of metrics of the
 * catalog (by `name`); the widgets' data; sharing with users and roles; public links and their read-only view
 * (`/api/v1/public/dashboards/{token}`, the page `/embed/{token}`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { NullInt, NullNum, NullStr, Num, obj, PeriodSchema } from './common.js';
import { Funnel } from './analytics.js';

export const WIDGET_TYPES = ['metric', 'line', 'area', 'bar', 'funnel', 'table', 'heatmap', 'pie'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];
/** What a pie divides: the cohort by outcome, its exit reasons, error types, enrolment sources or goals; or a figure by workflow. */
export const PIE_BREAKDOWNS = ['outcome', 'exit_reasons', 'error_types', 'enrollment_sources', 'goals', 'workflow'] as const;
export type PieBreakdown = (typeof PIE_BREAKDOWNS)[number];
/** A table's rows: the workflows (the overview's figures) or one workflow's actions. */
export const TABLE_ROWS = ['workflows', 'actions'] as const;
export type TableRows = (typeof TABLE_ROWS)[number];
export const SHARE_ACCESS = ['read', 'edit'] as const;
export const SHARE_KINDS = ['user', 'role'] as const;
export const DASHBOARD_TEMPLATES = ['executive', 'operations', 'costs'] as const;
export type DashboardTemplate = (typeof DASHBOARD_TEMPLATES)[number];
/** What the caller may do with a dashboard: its owner and admins manage it (sharing, links, delete); `edit` changes its widgets. */
export const DASHBOARD_ACCESS = ['owner', 'admin', 'edit', 'read'] as const;
export type DashboardAccess = (typeof DASHBOARD_ACCESS)[number];

const Enum = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Nullable = <T extends ReturnType<typeof obj>>(schema: T) => Type.Union([schema, Type.Null()]);

/** A widget as saved: its place on the 12-column grid and its query (every field present; null = not set). */
export const WidgetOut = obj({
  widget_id: Type.String(),
  type: Enum(WIDGET_TYPES, 'metric card, line/area/bar chart, funnel, table, heatmap (weekday × hour), pie'),
  title: Type.String(),
  x: Type.Integer({ description: 'column, 0–11' }),
  y: Type.Integer({ description: 'row, from 0' }),
  w: Type.Integer({ description: 'columns spanned, 1–12' }),
  h: Type.Integer({ description: 'rows spanned' }),
  metrics: Type.Array(Type.String(), { description: 'metric names of GET /api/v1/metrics' }),
  workflow_ids: Type.Array(Type.String(), { description: 'empty: the dashboard\'s workflows (every readable one when it names none)' }),
  version: NullInt,
  variant: NullStr,
  range: Type.Union([Type.String(), Type.Null()], { description: 'a relative period (today, last_7_days, …), resolved when read, in `timezone`' }),
  start_date: NullStr,
  end_date: NullStr,
  timezone: Type.String(),
  granularity: Type.String(),
  compare: Type.Boolean({ description: 'also the previous period of the same length' }),
  breakdown: Type.Union([Enum(PIE_BREAKDOWNS), Type.Null()]),
  rows: Type.Union([Enum(TABLE_ROWS), Type.Null()]),
});
export type WidgetOut = Static<typeof WidgetOut>;

export const ShareOut = obj({ kind: Enum(SHARE_KINDS), id: Type.String({ description: 'a user id, or a role (admin, member, viewer)' }), access: Enum(SHARE_ACCESS) });
export type ShareOut = Static<typeof ShareOut>;

export const DashboardOut = obj({
  dashboard_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  workflow_ids: Type.Array(Type.String(), { description: 'the workflows the dashboard shows (a public link shows exactly these); empty: every workflow its viewer may read' }),
  widgets: Type.Array(WidgetOut),
  shares: Type.Array(ShareOut, { description: 'who it is shared with (empty for those who do not manage it)' }),
  allowed_origins: Type.Array(Type.String(), { description: 'origins that may frame the embed page (Content-Security-Policy frame-ancestors; empty for those who do not manage it)' }),
  template: NullStr,
  created_by: Type.String({ description: 'the owner: the user id of the key that created it (key:{id} for a key without one)' }),
  created_at: Type.String(),
  updated_at: Type.String(),
  your_access: Enum(DASHBOARD_ACCESS, 'what the caller may do with it'),
});
export type DashboardOut = Static<typeof DashboardOut>;
export const DashboardsResponse = obj({ dashboards: Type.Array(DashboardOut) });
export type DashboardsResponse = Static<typeof DashboardsResponse>;

export const WidgetKindOut = obj({
  type: Enum(WIDGET_TYPES),
  label: Type.String(),
  description: Type.String(),
  metrics: Type.Array(Type.String(), { description: 'the metrics this kind of widget can show (a pie: by workflow only)' }),
  default_metrics: Type.Array(Type.String()),
  w: Type.Integer({ description: 'default width in columns' }),
  h: Type.Integer({ description: 'default height in rows' }),
});
export type WidgetKindOut = Static<typeof WidgetKindOut>;

export const DashboardTemplatesResponse = obj({
  templates: Type.Array(obj({ template: Enum(DASHBOARD_TEMPLATES), name: Type.String(), description: Type.String(), widgets: Type.Array(WidgetOut) })),
  library: Type.Array(WidgetKindOut, { description: 'the widget library: each kind of widget, what it can show, its default size' }),
});
export type DashboardTemplatesResponse = Static<typeof DashboardTemplatesResponse>;

// ---- a widget's data ----

export const SeriesBuckets = Enum(['period', 'hour', 'day'] as const, 'period: the buckets of the period\'s granularity in its timezone (the summary\'s trends); hour, day: UTC buckets of a watched metric');

export const WidgetDataOut = obj({
  widget_id: Type.String(),
  type: Enum(WIDGET_TYPES),
  period: PeriodSchema,
  workflows: Type.Array(Type.String(), { description: 'the workflows counted' }),
  omitted_workflows: Type.Integer({ description: 'workflows the widget names that are not shown (not readable by the caller, or gone)' }),
  note: Type.Union([Type.String(), Type.Null()], { description: 'what a reader should know about the figure (how it was combined, what is left out)' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'why the widget has no data (its other fields are then empty)' }),
  card: Nullable(obj({ metric: Type.String(), label: Type.String(), unit: Type.String(), better: Type.String(), value: NullNum, previous: NullNum, change_percent: NullNum })),
  series: Nullable(obj({
    buckets: SeriesBuckets,
    labels: Type.Array(Type.String(), { description: 'bucket labels: the period\'s dates, or UTC bucket starts' }),
    previous_labels: Type.Array(Type.String()),
    metrics: Type.Array(obj({ metric: Type.String(), label: Type.String(), unit: Type.String(), values: Type.Array(NullNum), previous: Type.Union([Type.Array(NullNum), Type.Null()]) })),
  })),
  funnel: Nullable(Funnel),
  table: Nullable(obj({
    columns: Type.Array(obj({ key: Type.String(), label: Type.String(), unit: Type.String() })),
    rows: Type.Array(obj({ id: Type.String(), label: Type.String(), values: Type.Array(NullNum) })),
  })),
  heatmap: Nullable(obj({
    metric: Type.String(),
    label: Type.String(),
    timezone: Type.String(),
    weekdays: Type.Array(Type.String(), { description: 'Monday first' }),
    cells: Type.Array(Type.Array(Num), { description: 'cells[weekday][hour]: the sum over the hours of the period that fall on that local weekday and hour' }),
    max: Num,
    total: Num,
  })),
  pie: Nullable(obj({ breakdown: Enum(PIE_BREAKDOWNS), metric: NullStr, unit: Type.String(), slices: Type.Array(obj({ key: Type.String(), label: Type.String(), value: Num })) })),
});
export type WidgetDataOut = Static<typeof WidgetDataOut>;

export const DashboardDataResponse = obj({ dashboard_id: Type.String(), generated_at: Type.String(), widgets: Type.Array(WidgetDataOut) });
export type DashboardDataResponse = Static<typeof DashboardDataResponse>;

// ---- public links ----

export const LINK_STATUSES = ['active', 'expired', 'revoked'] as const;
const LinkProps = {
  link_id: Type.String(),
  prefix: Type.String({ description: 'the token\'s first characters (the token itself is shown once)' }),
  created_by: Type.String(),
  created_at: Type.String(),
  expires_at: NullStr,
  revoked_at: NullStr,
  status: Enum(LINK_STATUSES),
};
export const PublicLinkOut = obj(LinkProps);
export type PublicLinkOut = Static<typeof PublicLinkOut>;
export const PublicLinksResponse = obj({ links: Type.Array(PublicLinkOut) });
export type PublicLinksResponse = Static<typeof PublicLinksResponse>;
export const PublicLinkCreated = obj({
  ...LinkProps,
  token: Type.String({ description: '32 random bytes, base64url: shown this once, stored as its SHA-256 hash' }),
  url: Type.String({ description: 'the read-only page (/embed/{token}), to open or to put in an iframe on an allowed origin' }),
  api_url: Type.String(),
});
export type PublicLinkCreated = Static<typeof PublicLinkCreated>;

export const PublicDashboardResponse = obj({
  dashboard: obj({ name: Type.String(), description: Type.String(), widgets: Type.Array(WidgetOut) }),
  workflows: Type.Array(obj({ workflow_id: Type.String(), name: Type.String() }), { description: 'exactly the workflows the dashboard names' }),
  branding: obj({ brand_name: NullStr, accent_color: NullStr, logo_data_url: NullStr }, 'the account\'s white label'),
  expires_at: NullStr,
  generated_at: Type.String(),
  widgets: Type.Array(WidgetDataOut),
});
export type PublicDashboardResponse = Static<typeof PublicDashboardResponse>;

/** The dashboard grid's columns (a widget's x + w ≤ 12). */
export const GRID_COLUMNS = 12;
