/** What the platform pages share: the page head with period controls, workflow names. */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '../../api.js';
import { PageStaleNote } from '../../components/ConnectionBanner.js';
import { DateControls } from '../../components/DateControls.js';
import { usePageTitle } from '../../use-page-title.js';
import type { View } from '../../view-state.js';

/** The period parameters of the platform endpoints. */
export function periodParams(v: View): Record<string, string | undefined> {
  return {
    ...(v.range ? { range: v.range } : { start_date: v.start ?? undefined, end_date: v.end ?? undefined }),
    timezone: v.timezone,
    granularity: v.range === 'today' ? 'hourly' : v.granularity,
  };
}

/** The page's heading and period controls; the browser title is the heading's (with `titleDetail` first: a filter's name). */
export function PageHead({ title, titleDetail, view, onChange, compare = false, children }: { title: string; titleDetail?: string | null; view: View; onChange: (v: View) => void; compare?: boolean; children?: ReactNode }) {
  usePageTitle(titleDetail, title);
  return (
    <>
      <div className="page-head">
        <h1>
          {title} <PageStaleNote />
        </h1>
        {children}
      </div>
      <DateControls view={view} onChange={onChange} showCompare={compare} />
    </>
  );
}

const workflowCatalog = { queryKey: ['workflow-names'], queryFn: () => api<{ workflows: Array<{ workflow_id: string; name: string }> }>('/api/v1/workflows'), staleTime: 60_000 };

/** Workflow names by id (the catalog's, else the id). */
export function useWorkflowNames(): (id: string | null) => string {
  const q = useQuery(workflowCatalog);
  const names = new Map(q.data?.workflows.map((w) => [w.workflow_id, w.name]) ?? []);
  return (id) => (id === null ? '—' : (names.get(id) ?? id));
}

/** The workflows the caller may read, by name (empty until the catalog answers). */
export function useWorkflowList(): Array<{ workflow_id: string; name: string }> {
  const q = useQuery(workflowCatalog);
  return [...(q.data?.workflows ?? [])].sort((a, b) => a.name.localeCompare(b.name));
}

/** Bucket labels as the API gives them (dates, or instants for hourly buckets). */
export const dates = (rows: Array<{ date: string }>) => rows.map((r) => r.date);
