/**
 * A dashboard's widgets on the 12-column grid, each at its x, y, w, h (CSS grid, rows of 80 px). Read-only (a shared
 * dashboard, the embed page), or, with `edit`, the builder's: a widget's header drags it, its corner resizes it, the
 * library's items drop onto it — all with pointer events, measured here and decided by dashboard-grid.ts.
 */
import type { CSSProperties, PointerEvent as ReactPointerEvent, ReactNode } from 'react';
import { GAP, ROW_HEIGHT, rowsOf, type Box } from '../dashboard-grid.js';
import type { WidgetDataOut, WidgetOut } from '../dashboard-queries.js';
import { WidgetBody } from './WidgetView.js';

export interface GridEdit {
  /** Where the dragged or new widget would land (drawn as a placeholder). */
  ghost: Box | null;
  selected: string | null;
  onMoveStart: (id: string, e: ReactPointerEvent) => void;
  onResizeStart: (id: string, e: ReactPointerEvent) => void;
  onSelect: (id: string) => void;
  gridRef: (el: HTMLDivElement | null) => void;
}

const place = (b: Pick<Box, 'x' | 'y' | 'w' | 'h'>): CSSProperties => ({ gridColumn: `${b.x + 1} / span ${b.w}`, gridRow: `${b.y + 1} / span ${b.h}` });

export function DashboardGrid({ widgets, layout, dataOf, locale, accent, edit, children }: {
  widgets: readonly WidgetOut[];
  /** Where each widget is drawn now (the draft, or the arrangement while dragging). */
  layout?: ReadonlyMap<string, Box>;
  dataOf: (w: WidgetOut) => WidgetDataOut | undefined;
  locale?: string | undefined;
  accent?: string | undefined;
  edit?: GridEdit;
  children?: ReactNode;
}) {
  const boxes = widgets.map((w) => layout?.get(w.widget_id) ?? { id: w.widget_id, x: w.x, y: w.y, w: w.w, h: w.h });
  const rows = rowsOf(edit?.ghost ? [...boxes, edit.ghost] : boxes, edit ? 3 : 0);
  return (
    <div
      ref={edit?.gridRef}
      className={`dash-grid${edit ? ' is-editing' : ''}`}
      style={{ gridTemplateRows: `repeat(${Math.max(rows, 1)}, ${ROW_HEIGHT}px)`, gap: GAP }}
      data-editing={edit ? 'true' : undefined}
      aria-label="Dashboard widgets"
    >
      {widgets.map((w, i) => {
        const b = boxes[i]!;
        return (
          <section
            key={w.widget_id}
            className={`dash-widget${edit?.selected === w.widget_id ? ' is-selected' : ''}`}
            style={{ ...place(b), minHeight: b.h * ROW_HEIGHT + (b.h - 1) * GAP }}
            data-widget={w.widget_id}
            data-type={w.type}
            data-x={b.x}
            data-y={b.y}
            data-w={b.w}
            data-h={b.h}
            aria-label={w.title}
          >
            <header className="dash-widget-head" {...(edit ? { onPointerDown: (e: ReactPointerEvent) => edit.onMoveStart(w.widget_id, e), title: 'Drag to move' } : {})}>
              <h2 className="dash-widget-title">{w.title}</h2>
              {edit && (
                <button type="button" className="button button-quiet small" onPointerDown={(e) => e.stopPropagation()} onClick={() => edit.onSelect(w.widget_id)} aria-label={`Edit ${w.title}`}>
                  Edit
                </button>
              )}
            </header>
            <div className="dash-widget-body">
              <WidgetBody widget={w} data={dataOf(w)} locale={locale} accent={accent} />
            </div>
            {edit && <span className="dash-resize" role="presentation" title="Drag to resize" onPointerDown={(e) => edit.onResizeStart(w.widget_id, e)} />}
          </section>
        );
      })}
      {edit?.ghost && <div className="dash-ghost" style={place(edit.ghost)} data-ghost="true" aria-hidden="true" />}
      {children}
    </div>
  );
}
