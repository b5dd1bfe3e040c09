/** Downloads of the current view: executions and panels as CSV, everything as JSON, a PDF report. */
import { useRef } from 'react';
import { query } from '../api.js';

export function ExportMenu({ workflowId, params }: { workflowId: string; params: Record<string, string | number | undefined> }) {
  const base = `/api/v1/workflows/${encodeURIComponent(workflowId)}/analytics/export`;
  const items = [
    { label: 'Executions (CSV)', q: { format: 'csv', dataset: 'executions' } },
    { label: 'Trends (CSV)', q: { format: 'csv', dataset: 'trends' } },
    { label: 'Funnel (CSV)', q: { format: 'csv', dataset: 'funnel' } },
    { label: 'Actions (CSV)', q: { format: 'csv', dataset: 'actions' } },
    { label: 'All figures (JSON)', q: { format: 'json' } },
    { label: 'Report (PDF)', q: { format: 'pdf' } },
  ];
  const menu = useRef<HTMLDetailsElement>(null);
  return (
    <details className="menu" ref={menu}>
      <summary className="button">Export</summary>
      <ul className="menu-list">
        {items.map((i) => (
          <li key={i.label}>
            <a href={base + query({ ...params, ...i.q })} download onClick={() => menu.current?.removeAttribute('open')} data-export={i.q.format + (i.q.dataset ? `-${i.q.dataset}` : '')}>
              {i.label}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}
