/**
 * The workflow list's columns and order, pure: which figure each column sorts by, the order a `?sort=` value
 * names (`-failure_rate`: failure rate, highest first), and the rows in that order (a missing figure, such as a
 * change with nothing before, always last; ties by name). Tested without a browser (workflow-list-model.test.ts).
 */
import type { WorkflowOverview } from './api.js';

export const LIST_COLUMNS = [
  { key: 'name', label: 'Workflow', numeric: false },
  { key: 'total_enrolled', label: 'Enrolled', numeric: true },
  { key: 'enrolled_change_percent', label: 'Change', numeric: true },
  { key: 'currently_active', label: 'Active', numeric: true },
  { key: 'completion_rate', label: 'Completion', numeric: true },
  { key: 'conversion_rate', label: 'Conversion', numeric: true },
  { key: 'failure_rate', label: 'Failure rate', numeric: true },
  { key: 'cost_usd', label: 'Cost', numeric: true },
  { key: 'last_run_at', label: 'Last run', numeric: true },
] as const;
export type ListColumn = (typeof LIST_COLUMNS)[number]['key'];
export interface ListSort {
  by: ListColumn;
  desc: boolean;
}

export const DEFAULT_SORT: ListSort = { by: 'total_enrolled', desc: true };

/** The order a `?sort=` value names; the default for none or an unknown column. */
export function parseSort(s: string | null): ListSort {
  const desc = s?.startsWith('-') ?? false;
  const key = desc ? s!.slice(1) : s;
  const col = LIST_COLUMNS.find((c) => c.key === key);
  return col ? { by: col.key, desc } : DEFAULT_SORT;
}

/** The `?sort=` value of an order (null for the default, so the URL stays short). */
export function sortString(s: ListSort): string | null {
  return s.by === DEFAULT_SORT.by && s.desc === DEFAULT_SORT.desc ? null : `${s.desc ? '-' : ''}${s.by}`;
}

/** The order after a click on a column: the same column flips; another starts descending (names: A to Z). */
export function nextSort(s: ListSort, by: ListColumn): ListSort {
  return s.by === by ? { by, desc: !s.desc } : { by, desc: by !== 'name' };
}

/** A rate over nobody enrolled is no figure (shown "—", sorted last). */
function figure(w: WorkflowOverview, by: Exclude<ListColumn, 'name'>): number | null {
  switch (by) {
    case 'last_run_at':
      return w.last_run_at === null ? null : Date.parse(w.last_run_at);
    case 'completion_rate':
    case 'conversion_rate':
    case 'failure_rate':
      return w.total_enrolled === 0 ? null : w[by];
    default:
      return w[by];
  }
}

export function sortWorkflows(rows: readonly WorkflowOverview[], s: ListSort): WorkflowOverview[] {
  const sign = s.desc ? -1 : 1;
  const byName = (a: WorkflowOverview, b: WorkflowOverview) => a.name.localeCompare(b.name) || a.workflow_id.localeCompare(b.workflow_id);
  return [...rows].sort((a, b) => {
    if (s.by === 'name') return sign * byName(a, b);
    const x = figure(a, s.by);
    const y = figure(b, s.by);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return sign * (x - y) || byName(a, b);
  });
}
