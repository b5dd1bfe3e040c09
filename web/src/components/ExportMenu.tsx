/**
 * Downloads of the current view: executions and panels as CSV, everything as JSON, a PDF report. The menu closes
 * on Escape (focus back on its button), on a click or focus outside it, and after a download is chosen.
 */
import { useEffect, useRef, useState } from 'react';
import { query } from '../api.js';

export function ExportMenu({ workflowId, params }: { workflowId: string; params: Record<string, string | number | undefined> }) {
  const base = `/api/v1/workflows/${encodeURIComponent(workflowId)}/analytics/export`;
  const items = [
    { label: 'Executions (CSV)', q: { format: 'csv', dataset: 'executions' } },
    { label: 'Trends (CSV)', q: { format: 'csv', dataset: 'trends' } },
    { label: 'Funnel (CSV)', q: { format: 'csv', dataset: 'funnel' } },
    { label: 'Actions (CSV)', q: { format: 'csv', dataset: 'actions' } },
    { label: 'Unified report (CSV)', q: { format: 'csv', dataset: 'unified' } },
    { label: 'All figures (JSON)', q: { format: 'json' } },
    { label: 'Report (PDF)', q: { format: 'pdf' } },
  ];
  const menu = useRef<HTMLDetailsElement>(null);
  const button = useRef<HTMLElement>(null);
  const [open, setOpen] = useState(false);
  const close = (refocus: boolean) => {
    menu.current?.removeAttribute('open');
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const outside = (e: Event) => {
      if (menu.current && e.target instanceof Node && !menu.current.contains(e.target)) close(false);
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('focusin', outside);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('focusin', outside);
    };
  }, [open]);

  return (
    <details
      className="menu"
      ref={menu}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          close(true);
        }
      }}
    >
      <summary className="button" ref={button}>Export</summary>
      <ul className="menu-list">
        {items.map((i) => (
          <li key={i.label}>
            <a href={base + query({ ...params, ...i.q })} download onClick={() => close(true)} data-export={i.q.format + (i.q.dataset ? `-${i.q.dataset}` : '')}>
              {i.label}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}
