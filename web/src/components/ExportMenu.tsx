/**
 * Downloads of the current view: executions and panels as CSV, everything as JSON, a PDF report. The menu closes
 * on Escape (focus back on its button), on a click or focus outside it, and after a download is chosen.
 */
import { useEffect, useRef } from 'react';
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
  const close = (refocus: boolean) => {
    menu.current?.removeAttribute('open');
    if (refocus) button.current?.focus();
  };

  // listening all the time and asking the element whether it is open (its toggle event is queued: a click right after
  // opening may come before it)
  useEffect(() => {
    const outside = (e: Event) => {
      const m = menu.current;
      if (m?.open && e.target instanceof Node && !m.contains(e.target)) close(false);
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('focusin', outside);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('focusin', outside);
    };
  }, []);

  return (
    <details
      className="menu"
      ref={menu}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && e.currentTarget.open) {
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
