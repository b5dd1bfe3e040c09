/**
 * `/dashboards/{id}`: a dashboard, and for those who may edit it the builder — a widget library to drag onto the
 * 12-column grid (or press to add), widgets moved by their header and resized by their corner (pointer events, no
 * library), each widget's query edited in a side form with its data previewed at once, the dashboard's workflows,
 * and Save, which writes the layout and the queries. Its owner and admins share it (ShareDialog). Saved widgets read
 * GET …/data in one request; a widget changed since the save reads the preview endpoint.
 */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { cellAt, cellsMoved, clamp, freeSpot, place, ROW_HEIGHT, type Box } from '../dashboard-grid.js';
import { browserTimezone, dashboardApi, dashboardQueries, sameQuery, type DashboardDraft, type DashboardOut, type WidgetDataOut, type WidgetKindOut, type WidgetOut } from '../dashboard-queries.js';
import { DashboardGrid } from '../components/DashboardGrid.js';
import { ShareDialog } from '../components/ShareDialog.js';
import { ErrorState, QueryState } from '../components/States.js';
import { WidgetEditor } from '../components/WidgetEditor.js';
import { useMetricInfo } from '../metric-catalog.js';
import { linkProps } from '../router.js';
import { useWorkflowList } from './platform/common.js';
import '../dashboards.css';
import { usePageTitle } from '../use-page-title.js';

const NEW = '__new__';
const draftOf = (d: DashboardOut): DashboardDraft => ({ name: d.name, description: d.description, workflow_ids: d.workflow_ids, widgets: d.widgets });
const boxOf = (w: WidgetOut): Box => ({ id: w.widget_id, x: w.x, y: w.y, w: w.w, h: w.h });
const withBoxes = (widgets: readonly WidgetOut[], boxes: readonly Box[]): WidgetOut[] => {
  const byId = new Map(boxes.map((b) => [b.id, b]));
  return widgets.map((w) => {
    const b = byId.get(w.widget_id);
    return b ? { ...w, x: b.x, y: b.y, w: b.w, h: b.h } : w;
  });
};
const newId = () => Math.random().toString(36).slice(2, 10);

type Drag =
  | { kind: 'new'; widget: WidgetKindOut; x0: number; y0: number; moved: boolean }
  | { kind: 'move'; id: string; dx: number; dy: number; x0: number; y0: number; moved: boolean }
  | { kind: 'resize'; id: string; w: number; h: number; x0: number; y0: number; moved: boolean };

/** A widget of a kind from the library, with its defaults, at a place; titled after its metric (`label`) when it shows one. */
function newWidget(kind: WidgetKindOut, at: { x: number; y: number }, dashboardWorkflows: readonly string[], label: (metric: string) => string): WidgetOut {
  const oneWorkflow = kind.type === 'funnel' && dashboardWorkflows.length > 1 ? [dashboardWorkflows[0]!] : [];
  const metric = kind.default_metrics.length === 1 ? label(kind.default_metrics[0]!) : null;
  const title = metric === null || kind.type === 'table' ? kind.label : kind.type === 'heatmap' ? `${metric} by weekday and hour` : metric;
  return {
    widget_id: newId(), type: kind.type, title, x: at.x, y: at.y, w: kind.w, h: kind.h, metrics: kind.default_metrics, workflow_ids: oneWorkflow,
    version: null, variant: null, range: 'last_30_days', start_date: null, end_date: null, timezone: browserTimezone(), granularity: 'daily',
    compare: kind.type === 'metric', breakdown: kind.type === 'pie' ? 'outcome' : null, rows: kind.type === 'table' ? 'workflows' : null,
  };
}

export function DashboardPage({ dashboardId, locale, accent }: { dashboardId: string; locale?: string | undefined; accent?: string | undefined }) {
  const detail = useQuery(dashboardQueries.detail(dashboardId));
  usePageTitle(detail.data?.name, 'Dashboards');
  return (
    <QueryState query={detail} skeleton={320} label="Loading dashboard" retry>
      {(d) => <Builder dashboard={d} locale={locale} accent={accent} />}
    </QueryState>
  );
}

function Builder({ dashboard, locale, accent }: { dashboard: DashboardOut; locale?: string | undefined; accent?: string | undefined }) {
  const client = useQueryClient();
  const id = dashboard.dashboard_id;
  const editable = dashboard.your_access !== 'read';
  const manages = dashboard.your_access === 'owner' || dashboard.your_access === 'admin';
  const saved = useMemo(() => draftOf(dashboard), [dashboard]);
  const [draft, setDraft] = useState<DashboardDraft>(saved);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  const [selected, setSelected] = useState<string | null>(null);
  const [sharing, setSharing] = useState(false);
  const [ghost, setGhost] = useState<Box | null>(null);
  const [arranged, setArranged] = useState<Map<string, Box> | null>(null);
  const gridEl = useRef<HTMLDivElement | null>(null);
  const drag = useRef<Drag | null>(null);
  const suppressClick = useRef(false);
  const latest = useRef(draft);
  latest.current = draft;

  const data = useQuery(dashboardQueries.data(id, dashboard.updated_at));
  const templates = useQuery({ ...dashboardQueries.templates(), enabled: editable });
  const library = templates.data?.library ?? [];
  const info = useMetricInfo();
  const readable = useWorkflowList();

  // saved widgets read the dashboard's data; a widget whose query changed since (or a new one) reads the preview
  const savedById = useMemo(() => new Map(dashboard.widgets.map((w) => [w.widget_id, w])), [dashboard.widgets]);
  const sameWorkflows = JSON.stringify(draft.workflow_ids) === JSON.stringify(saved.workflow_ids);
  const isSaved = (w: WidgetOut) => sameWorkflows && savedById.has(w.widget_id) && sameQuery(savedById.get(w.widget_id)!, w);
  const changed = draft.widgets.filter((w) => !isSaved(w));
  const previews = useQueries({ queries: changed.map((w) => ({ ...dashboardQueries.preview(w, draft.workflow_ids), placeholderData: (prev: WidgetDataOut | undefined) => prev })) });
  const previewById = new Map(changed.map((w, i) => [w.widget_id, previews[i]?.data]));
  const savedData = new Map(data.data?.widgets.map((x) => [x.widget_id, x]) ?? []);
  const dataOf = (w: WidgetOut) => (isSaved(w) ? savedData.get(w.widget_id) : previewById.get(w.widget_id));

  const save = useMutation({
    mutationFn: () => dashboardApi.save(id, latest.current),
    onSuccess: (d) => {
      client.setQueryData(dashboardQueries.detail(id).queryKey, d);
      setDraft(draftOf(d));
      void client.invalidateQueries({ queryKey: ['dashboards', 'list'] });
    },
  });

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const setWidgets = (widgets: WidgetOut[]) => setDraft({ ...latest.current, widgets });
  /** A widget changed in the editor: re-placed on the grid when its place or size changed. */
  const updateWidget = (w: WidgetOut) => {
    const widgets = latest.current.widgets.map((x) => (x.widget_id === w.widget_id ? w : x));
    const before = latest.current.widgets.find((x) => x.widget_id === w.widget_id)!;
    const moved = before.x !== w.x || before.y !== w.y || before.w !== w.w || before.h !== w.h;
    setWidgets(moved ? withBoxes(widgets, place(widgets.map(boxOf), boxOf(w))) : widgets);
  };
  const addWidget = (kind: WidgetKindOut, at: { x: number; y: number }) => {
    const widget = newWidget(kind, at, latest.current.workflow_ids, (m) => info(m).label);
    const widgets = [...latest.current.widgets, widget];
    setWidgets(withBoxes(widgets, place(latest.current.widgets.map(boxOf), boxOf(widget))));
  };

  // ---- pointer drags: from the library, a widget's header, a widget's corner ----
  const rect = () => gridEl.current!.getBoundingClientRect();
  const ghostOf = (d: Drag, x: number, y: number): Box | null => {
    if (!gridEl.current) return null;
    const r = rect();
    if (d.kind === 'new') {
      if (x < r.left || x > r.right || y < r.top || y > r.bottom + ROW_HEIGHT) return null;
      const c = cellAt(r, x, y);
      return clamp({ id: NEW, x: c.x, y: c.y, w: d.widget.w, h: d.widget.h });
    }
    const w = latest.current.widgets.find((x2) => x2.widget_id === d.id);
    if (!w) return null;
    if (d.kind === 'move') {
      const c = cellAt(r, x, y);
      return clamp({ ...boxOf(w), x: c.x - d.dx, y: c.y - d.dy });
    }
    const { dw, dh } = cellsMoved(r.width, x - d.x0, y - d.y0);
    return clamp({ ...boxOf(w), w: d.w + dw, h: d.h + dh });
  };
  const begin = (d: Drag) => {
    drag.current = d;
    const move = (e: PointerEvent) => {
      const cur = drag.current;
      if (!cur) return;
      if (!cur.moved && Math.hypot(e.clientX - cur.x0, e.clientY - cur.y0) < 4) return;
      cur.moved = true;
      document.body.classList.add('is-dragging');
      const g = ghostOf(cur, e.clientX, e.clientY);
      setGhost(g);
      setArranged(g ? new Map(place(latest.current.widgets.map(boxOf), g).map((b) => [b.id, b])) : null);
    };
    const end = (e: PointerEvent, commit: boolean) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', cancel);
      document.body.classList.remove('is-dragging');
      const cur = drag.current;
      drag.current = null;
      setGhost(null);
      setArranged(null);
      if (!cur || !cur.moved) return;
      if (cur.kind === 'new') suppressClick.current = true;
      const g = commit ? ghostOf(cur, e.clientX, e.clientY) : null;
      if (!g) return;
      if (cur.kind === 'new') addWidget(cur.widget, g);
      else setWidgets(withBoxes(latest.current.widgets, place(latest.current.widgets.map(boxOf), g)));
    };
    const up = (e: PointerEvent) => end(e, true);
    const cancel = (e: PointerEvent) => end(e, false);
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', cancel);
  };
  const startNew = (kind: WidgetKindOut, e: ReactPointerEvent) => {
    suppressClick.current = false;
    if (e.button !== 0) return;
    begin({ kind: 'new', widget: kind, x0: e.clientX, y0: e.clientY, moved: false });
  };
  // on a phone the widgets are stacked: nothing to drag them on (the editor still changes them)
  const stacked = () => window.matchMedia('(max-width: 640px)').matches;
  const startMove = (widgetId: string, e: ReactPointerEvent) => {
    const w = latest.current.widgets.find((x) => x.widget_id === widgetId);
    if (e.button !== 0 || !w || !gridEl.current || stacked()) return;
    e.preventDefault();
    const c = cellAt(rect(), e.clientX, e.clientY);
    begin({ kind: 'move', id: widgetId, dx: c.x - w.x, dy: c.y - w.y, x0: e.clientX, y0: e.clientY, moved: false });
  };
  const startResize = (widgetId: string, e: ReactPointerEvent) => {
    const w = latest.current.widgets.find((x) => x.widget_id === widgetId);
    if (e.button !== 0 || !w || stacked()) return;
    e.preventDefault();
    e.stopPropagation();
    begin({ kind: 'resize', id: widgetId, w: w.w, h: w.h, x0: e.clientX, y0: e.clientY, moved: false });
  };

  const editing = draft.widgets.find((w) => w.widget_id === selected) ?? null;
  const named = new Set(draft.workflow_ids);
  const choices = draft.workflow_ids.length > 0 ? readable.filter((w) => named.has(w.workflow_id)) : readable;

  return (
    <>
      <div className="page-head">
        <div className="dash-title">
          <a className="small" {...linkProps('/dashboards')}>
            ← Dashboards
          </a>
          {editable ? (
            <>
              <h1 className="visually-hidden">{draft.name}</h1>
              <input type="text" className="dash-name" aria-label="Dashboard name" value={draft.name} maxLength={200} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
            </>
          ) : (
            <h1>{dashboard.name}</h1>
          )}
          {dashboard.description && <p className="muted small">{dashboard.description}</p>}
        </div>
        <div className="head-actions">
          {manages && (
            <button type="button" className="button" onClick={() => setSharing(true)}>
              Share…
            </button>
          )}
          {editable && (
            <>
              <button type="button" className="button button-quiet" disabled={!dirty} onClick={() => setDraft(saved)}>
                Discard changes
              </button>
              <button type="button" className="button button-primary" disabled={!dirty || save.isPending || !draft.name.trim()} onClick={() => save.mutate()}>
                {save.isPending ? 'Saving…' : 'Save'}
              </button>
            </>
          )}
          <span className="muted small" role="status" data-saved={dirty ? 'false' : 'true'}>
            {editable ? (dirty ? 'Unsaved changes' : 'All changes saved') : 'Read-only'}
          </span>
        </div>
      </div>
      {save.isError && <ErrorState error={save.error} />}
      {editable && (
        <details className="panel dash-workflows">
          <summary>
            Workflows: {draft.workflow_ids.length === 0 ? 'every workflow its viewer may read' : draft.workflow_ids.map((w) => readable.find((r) => r.workflow_id === w)?.name ?? w).join(', ')}
          </summary>
          <p className="muted small">A public link shows exactly the workflows named here; with none, each viewer sees the workflows they may read.</p>
          <div className="metric-choices">
            {readable.map((w) => (
              <label key={w.workflow_id} className="inline small">
                <input
                  type="checkbox"
                  name="dashboard-workflows"
                  value={w.workflow_id}
                  checked={named.has(w.workflow_id)}
                  onChange={() => setDraft({ ...draft, workflow_ids: named.has(w.workflow_id) ? draft.workflow_ids.filter((x) => x !== w.workflow_id) : [...draft.workflow_ids, w.workflow_id] })}
                />
                {w.name}
              </label>
            ))}
          </div>
        </details>
      )}
      <div className={editable ? 'builder' : undefined}>
        {editable && (
          <aside className="builder-side">
            {editing ? (
              <WidgetEditor
                key={editing.widget_id}
                widget={editing}
                kind={library.find((k) => k.type === editing.type)}
                workflows={choices}
                info={info}
                onChange={updateWidget}
                onRemove={() => {
                  setWidgets(latest.current.widgets.filter((w) => w.widget_id !== editing.widget_id));
                  setSelected(null);
                }}
                onClose={() => setSelected(null)}
              />
            ) : (
              <section className="panel widget-library" aria-label="Widget library">
                <h2>Add a widget</h2>
                <p className="muted small">Drag one onto the grid, or press it to add it at the first free place.</p>
                {templates.isError && <ErrorState error={templates.error} />}
                {library.map((k) => (
                  <button
                    key={k.type}
                    type="button"
                    className="library-item"
                    data-type={k.type}
                    title={k.description}
                    onPointerDown={(e) => startNew(k, e)}
                    onClick={() => {
                      if (suppressClick.current) {
                        suppressClick.current = false;
                        return;
                      }
                      const spot = freeSpot(latest.current.widgets.map(boxOf), k.w, k.h);
                      addWidget(k, spot);
                    }}
                  >
                    <span className="strong">{k.label}</span>
                    <span className="muted small">{k.description}</span>
                  </button>
                ))}
              </section>
            )}
          </aside>
        )}
        <div className="builder-main">
          {data.isError && <ErrorState error={data.error} onRetry={() => void data.refetch()} />}
          {draft.widgets.length === 0 && !ghost && (
            <p className="state state-empty dash-empty">{editable ? 'An empty grid: drag widgets here from the library.' : 'This dashboard has no widgets yet.'}</p>
          )}
          <DashboardGrid
            widgets={draft.widgets}
            {...(arranged ? { layout: arranged } : {})}
            dataOf={dataOf}
            locale={locale}
            accent={accent}
            {...(editable
              ? {
                  edit: {
                    ghost,
                    selected,
                    onMoveStart: startMove,
                    onResizeStart: startResize,
                    onSelect: setSelected,
                    gridRef: (el: HTMLDivElement | null) => {
                      gridEl.current = el;
                    },
                  },
                }
              : {})}
          />
        </div>
      </div>
      {sharing && <ShareDialog dashboard={dashboard} locale={locale} onClose={() => setSharing(false)} />}
    </>
  );
}

