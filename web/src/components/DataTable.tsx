/**
 * A plain table of rows: one column definition gives each column's header, cell and (optionally) its raw
 * value as `data-value` (tests and copy-paste read the number, not its formatting) and its footer cell.
 * Numeric columns align right. Tables that sort or expand rows (actions, workflows) have their own.
 */
import type { ReactNode } from 'react';

export interface Column<T> {
  label: ReactNode;
  numeric?: boolean;
  cell: (row: T) => ReactNode;
  /** The unformatted figure, as the cell's `data-value`. */
  value?: (row: T) => number | string | null;
  /** Extra classes for the row's cell (a tone, `small`). */
  className?: (row: T) => string;
  footer?: ReactNode;
}

export function DataTable<T>({ label, columns, rows, rowKey, rowData }: {
  label: string;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** `data-*` attributes of a row (without the prefix), so a row can be found by what it shows. */
  rowData?: (row: T) => Record<string, string>;
}) {
  const hasFooter = columns.some((c) => c.footer !== undefined);
  const cls = (c: Column<T>, extra = '') => [c.numeric ? 'num' : '', extra].filter(Boolean).join(' ') || undefined;
  return (
    // focusable, so a table wider than the screen scrolls from the keyboard too
    <div className="table-scroll" tabIndex={0} role="region" aria-label={`${label} (scrolls sideways)`}>
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} className={cls(c)}>{c.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} {...Object.fromEntries(Object.entries(rowData?.(r) ?? {}).map(([k, v]) => [`data-${k}`, v]))}>
              {columns.map((c, i) => (
                <td key={i} className={cls(c, c.className?.(r))} {...(c.value ? { 'data-value': c.value(r) ?? '' } : {})}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {hasFooter && (
          <tfoot>
            <tr>
              {columns.map((c, i) => (
                <th key={i} className={cls(c)}>{c.footer}</th>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
