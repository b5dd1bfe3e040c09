/**
 * Dashboards, as the API uses them: define (blank, from a template, or a copy), change, delete; share with users
 * and roles of the account (read or edit) and with origins that may frame the embed page; public links (a random
 * token, stored hashed, with an optional expiry, revocable); and the widgets' data — for a signed-in viewer over the
 * workflows it may read (src/catalog/readable.ts), for a public link over exactly the workflows the dashboard names,
 * of its own account.
 *
 * Who may do what: the owner (who created it) and the account's admins manage it (sharing, links, delete); a share
 * with `edit` lets a member change its widgets; a share with `read` (or `edit`, for a viewer key) lets a key see it.
 * Anyone else gets 404, as for a dashboard of another account. Created with the runtime (src/runtime.ts); the routes
 * reach it as AppDeps.dashboards.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { listWorkflows, type WorkflowListItem } from '../catalog/catalog.js';
import { checkReadable, readableWorkflows } from '../catalog/readable.js';
import type { DashboardDataResponse, DashboardOut, DashboardTemplatesResponse, PublicDashboardResponse, PublicLinkCreated, PublicLinkOut, WidgetDataOut } from '../contract/index.js';
import { Conflict, Forbidden, InvalidInput, NotFound, type FieldError } from '../errors/domain-errors.js';
import type { MetricsQueryService } from '../metrics/query-service.js';
import type { AccountSettingsStore } from '../privacy/account-settings.js';
import type { Store } from '../store/store.js';
import { resolveTimezone } from '../time/timezones.js';
import { WidgetAnswers, type WidgetTarget } from './figures.js';
import { accessOf, frameAncestors, LIBRARY, mayEdit, mayManage, ownerOf, sharingOf, widgetOf, widgetsOf, type Dashboard, type DashboardInput, type LinkInput, type SharingInput, type Widget, type WidgetInput } from './model.js';
import { DashboardStore, linkView, stamp, type LinkRow } from './store.js';
import { template, TEMPLATES } from './templates.js';

export interface DashboardsDeps {
  store: Store;
  queries: MetricsQueryService;
  accountSettings: AccountSettingsStore;
}

/** What a public link opens: the dashboard and its data, or why not (unknown: 404; revoked, expired or deleted: 410). */
export type PublicView =
  | { status: 'ok'; body: PublicDashboardResponse; link: LinkRow; dashboard: Dashboard }
  | { status: 'unknown' }
  | { status: 'gone'; reason: string };

const asInput = (w: Widget): WidgetInput => w as unknown as WidgetInput;

/** A logo for an <img>: PNG or JPEG base64 as a data URL (anything else is left out). */
function logoDataUrl(base64: string | undefined): string | null {
  if (!base64) return null;
  if (base64.startsWith('iVBORw0KGgo')) return `data:image/png;base64,${base64}`;
  if (base64.startsWith('/9j/')) return `data:image/jpeg;base64,${base64}`;
  return null;
}

export class Dashboards {
  readonly records: DashboardStore;

  constructor(private readonly deps: DashboardsDeps) {
    this.records = new DashboardStore(deps.store);
  }

  /** The templates to start from and the widget library. */
  templates(): DashboardTemplatesResponse {
    return { templates: TEMPLATES.map((t) => ({ template: t.template, name: t.name, description: t.description, widgets: widgetsOf(t.widgets, [], 'UTC') })), library: LIBRARY };
  }

  // ---- definitions ----

  /** A dashboard as the caller sees it: who it is shared with and which origins may frame it only for those who manage it. */
  private view(d: Dashboard, p: Principal): DashboardOut {
    const access = accessOf(d, p)!;
    return mayManage(access) ? { ...d, your_access: access } : { ...d, shares: [], allowed_origins: [], your_access: access };
  }

  /** The dashboards the caller may see, most recently changed first. */
  async list(p: Principal): Promise<DashboardOut[]> {
    return (await this.records.list(p.accountId)).filter((d) => accessOf(d, p) !== null).map((d) => this.view(d, p));
  }

  /** A dashboard the caller may see (else NotFound, as one of another account). */
  private async visible(p: Principal, id: string): Promise<Dashboard> {
    const d = await this.records.get(p.accountId, id);
    if (!d || accessOf(d, p) === null) throw new NotFound(`Dashboard ${id} does not exist`);
    return d;
  }

  async get(p: Principal, id: string): Promise<DashboardOut> {
    return this.view(await this.visible(p, id), p);
  }

  /** Every workflow a definition names (its own and its widgets'). */
  private named(workflows: readonly string[], widgets: readonly Widget[]): string[] {
    return [...new Set([...workflows, ...widgets.flatMap((w) => w.workflow_ids)])];
  }

  private timezone(name: string | undefined): string {
    const tz = resolveTimezone(name ?? 'UTC');
    if (tz === undefined) throw new InvalidInput(`Unknown timezone ${name}`, [{ path: '/timezone', message: `unknown timezone "${name}"` }]);
    return tz;
  }

  async create(p: Principal, input: DashboardInput): Promise<DashboardOut> {
    const tz = this.timezone(input.timezone);
    const workflows = input.workflow_ids ?? [];
    const widgets = widgetsOf(input.widgets ?? (input.template ? template(input.template).widgets : []), workflows, tz);
    // only workflows the creator may read: a dashboard never shows, nor later publishes, what its owner cannot see
    await checkReadable(this.deps.store, p, this.named(workflows, widgets), 'workflow_ids');
    const now = stamp();
    const d: Dashboard = {
      dashboard_id: randomUUID(), name: input.name, description: input.description ?? '', workflow_ids: workflows, widgets, shares: [], allowed_origins: [],
      template: input.template ?? null, created_by: ownerOf(p), created_at: now, updated_at: now,
    };
    return this.view(await this.records.save(p.accountId, d), p);
  }

  /** Replaces name, description, workflows and widgets (omitted widgets are kept); sharing is changed on its own. */
  async update(p: Principal, id: string, input: DashboardInput): Promise<DashboardOut> {
    const d = await this.visible(p, id);
    if (!mayEdit(accessOf(d, p))) throw new Forbidden(`Dashboard ${id} is shared with you to read, not to edit`);
    const workflows = input.workflow_ids ?? d.workflow_ids;
    const widgets = widgetsOf(input.widgets ?? d.widgets.map(asInput), workflows, this.timezone(input.timezone));
    const before = new Set(this.named(d.workflow_ids, d.widgets));
    await checkReadable(this.deps.store, p, this.named(workflows, widgets).filter((w) => !before.has(w)), 'workflow_ids');
    return this.view(await this.records.save(p.accountId, { ...d, name: input.name, description: input.description ?? d.description, workflow_ids: workflows, widgets }), p);
  }

  async remove(p: Principal, id: string): Promise<void> {
    const d = await this.visible(p, id);
    if (!mayManage(accessOf(d, p))) throw new Forbidden(`Only the owner of dashboard ${id} and admins may delete it`);
    await this.records.save(p.accountId, d, true);
    for (const link of await this.records.links(p.accountId, id)) await this.records.revoke(link);
  }

  /** A copy owned by the caller: the same workflows and widgets, not shared, without links. */
  async duplicate(p: Principal, id: string): Promise<DashboardOut> {
    const d = await this.visible(p, id);
    await checkReadable(this.deps.store, p, this.named(d.workflow_ids, d.widgets), 'workflow_ids');
    const now = stamp();
    const copy: Dashboard = { ...d, dashboard_id: randomUUID(), name: `Copy of ${d.name}`.slice(0, 200), shares: [], allowed_origins: [], created_by: ownerOf(p), created_at: now, updated_at: now };
    return this.view(await this.records.save(p.accountId, copy), p);
  }

  async setSharing(p: Principal, id: string, input: SharingInput): Promise<DashboardOut> {
    const d = await this.visible(p, id);
    if (!mayManage(accessOf(d, p))) throw new Forbidden(`Only the owner of dashboard ${id} and admins may share it`);
    return this.view(await this.records.save(p.accountId, { ...d, ...sharingOf(input) }), p);
  }

  // ---- public links ----

  private async managed(p: Principal, id: string): Promise<Dashboard> {
    const d = await this.visible(p, id);
    if (!mayManage(accessOf(d, p))) throw new Forbidden(`Only the owner of dashboard ${id} and admins manage its public links`);
    return d;
  }

  async links(p: Principal, id: string): Promise<PublicLinkOut[]> {
    await this.managed(p, id);
    return (await this.records.links(p.accountId, id)).map((r) => linkView(r));
  }

  async createLink(p: Principal, id: string, input: LinkInput): Promise<PublicLinkCreated> {
    const d = await this.managed(p, id);
    if (d.workflow_ids.length === 0) throw new Conflict(`Dashboard ${id} names no workflows: a public link shows exactly the workflows a dashboard names, so name them first`);
    await checkReadable(this.deps.store, p, d.workflow_ids, 'workflow_ids');
    const expires = input.expires_at ?? null;
    if (expires !== null && Date.parse(expires) <= Date.now()) throw new InvalidInput(`expires_at ${expires} is not in the future`, [{ path: '/expires_at', message: 'must be in the future' }]);
    const { row, token } = await this.records.createLink(p.accountId, id, ownerOf(p), expires === null ? null : new Date(expires).toISOString());
    return { ...linkView(row), token, url: `/embed/${token}`, api_url: `/api/v1/public/dashboards/${token}` };
  }

  async revokeLink(p: Principal, id: string, linkId: string): Promise<void> {
    await this.managed(p, id);
    const link = (await this.records.links(p.accountId, id)).find((l) => l.link_id === linkId);
    if (!link) throw new NotFound(`Link ${linkId} of dashboard ${id} does not exist`);
    await this.records.revoke(link);
  }

  // ---- data ----

  /** The workflows a widget counts among `available` (in the order it names them): its own, else the dashboard's, else all. */
  private target(account: string, w: Widget, dashboardWorkflows: readonly string[], available: readonly WorkflowListItem[], allWhenNone: boolean): WidgetTarget {
    const names = new Map(available.map((x) => [x.workflow_id, x.name]));
    const named = w.workflow_ids.length > 0 ? w.workflow_ids : dashboardWorkflows;
    if (named.length === 0) return { account, workflows: allWhenNone ? available.map((x) => x.workflow_id) : [], omitted: 0, names };
    const workflows = named.filter((x) => names.has(x));
    return { account, workflows, omitted: named.length - workflows.length, names };
  }

  private async answerAll(pairs: Array<{ widget: Widget; target: WidgetTarget }>): Promise<WidgetDataOut[]> {
    const answers = new WidgetAnswers(this.deps.queries);
    answers.plan(pairs);
    return Promise.all(pairs.map(({ widget, target }) => answers.answer(widget, target)));
  }

  /** Every widget's data (or one's), over the workflows the caller may read. */
  async data(p: Principal, id: string, widgetId?: string): Promise<DashboardDataResponse> {
    const d = await this.visible(p, id);
    const widgets = widgetId === undefined ? d.widgets : d.widgets.filter((w) => w.widget_id === widgetId);
    if (widgetId !== undefined && widgets.length === 0) throw new NotFound(`Dashboard ${id} has no widget ${widgetId}`);
    const readable = await readableWorkflows(this.deps.store, p);
    const data = await this.answerAll(widgets.map((w) => ({ widget: w, target: this.target(p.accountId, w, d.workflow_ids, readable, true) })));
    return { dashboard_id: id, generated_at: new Date().toISOString(), widgets: data };
  }

  /** A widget not saved yet (the builder's preview), over `workflows` (the dashboard's), each readable by the caller. */
  async preview(p: Principal, input: WidgetInput, workflows: string[]): Promise<WidgetDataOut> {
    const errors: FieldError[] = [];
    const widget = widgetOf(input, '/widget', workflows, 'UTC', [], errors);
    if (errors.length > 0) throw new InvalidInput(`Invalid widget: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
    await checkReadable(this.deps.store, p, this.named(workflows, [widget]), 'workflow_ids');
    const readable = await readableWorkflows(this.deps.store, p);
    const [data] = await this.answerAll([{ widget, target: this.target(p.accountId, widget, workflows, readable, true) }]);
    return data!;
  }

  // ---- the public view ----

  /** What a token opens: the link, its dashboard (unless the link is unknown, revoked, expired, or the dashboard deleted). */
  async resolveToken(token: string): Promise<{ status: 'ok'; link: LinkRow; dashboard: Dashboard } | { status: 'unknown' } | { status: 'gone'; reason: string }> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: 'unknown' };
    const link = await this.records.linkOf(token);
    if (!link) return { status: 'unknown' };
    const view = linkView(link);
    if (view.status === 'revoked') return { status: 'gone', reason: 'This link was revoked.' };
    if (view.status === 'expired') return { status: 'gone', reason: `This link expired at ${view.expires_at}.` };
    const dashboard = await this.records.get(link.account_id, link.dashboard_id);
    if (!dashboard) return { status: 'gone', reason: 'The dashboard of this link was deleted.' };
    return { status: 'ok', link, dashboard };
  }

  /** The embed page's frame-ancestors for a token: the dashboard's allowed origins, 'none' for anything else. */
  async frameAncestorsFor(token: string): Promise<{ status: 'ok' | 'unknown' | 'gone'; value: string }> {
    const r = await this.resolveToken(token);
    return { status: r.status, value: r.status === 'ok' ? frameAncestors(r.dashboard.allowed_origins) : "'none'" };
  }

  /**
   * A public link's dashboard and data, read-only: exactly the workflows the dashboard names that exist in its own
   * account (never another workflow, nor another account's), with the account's white label.
   */
  async publicView(token: string): Promise<PublicView> {
    const r = await this.resolveToken(token);
    if (r.status !== 'ok') return r;
    const { link, dashboard: d } = r;
    const account = link.account_id;
    const existing = await listWorkflows(this.deps.store, account);
    const shown = existing.filter((x) => d.workflow_ids.includes(x.workflow_id));
    const widgets = d.widgets.map((w) => ({ ...w, workflow_ids: w.workflow_ids.filter((x) => d.workflow_ids.includes(x)) }));
    const data = await this.answerAll(widgets.map((w) => ({ widget: w, target: this.target(account, w, d.workflow_ids, shown, false) })));
    const settings = await this.deps.accountSettings.get(account);
    const body: PublicDashboardResponse = {
      dashboard: { name: d.name, description: d.description, widgets },
      workflows: d.workflow_ids.flatMap((id) => shown.filter((x) => x.workflow_id === id).map((x) => ({ workflow_id: x.workflow_id, name: x.name }))),
      branding: { brand_name: settings.brand_name ?? null, accent_color: settings.accent_color ?? null, logo_data_url: logoDataUrl(settings.logo_base64) },
      expires_at: linkView(link).expires_at,
      generated_at: new Date().toISOString(),
      widgets: data,
    };
    return { status: 'ok', body, link, dashboard: d };
  }
}
