/**
 * Rows → TabSeparated text for the embedded adapter's inserts (the engine parses TSV about twice as
 * fast as JSONEachRow). Missing or null values are written as \N, which ClickHouse reads as NULL or,
 * for non-Nullable columns, the column default.
 */
import type { Row } from './store.js';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/**
 * A value for a Map(String, …) column: written as the engine's map text ({'k':'v', 'n':1}) in TSV, and as a plain JSON
 * object where rows travel as JSONEachRow (the server adapter).
 */
export class MapValue {
  constructor(readonly entries: Readonly<Record<string, string | number>>) {}
  toJSON(): Readonly<Record<string, string | number>> {
    return this.entries;
  }
}

function field(v: unknown): string {
  if (typeof v === 'string') return /[\\\t\n\r\0]/.test(v) ? v.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]!) : v;
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '\\N';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v instanceof Date) return v.toISOString();
  if (v instanceof MapValue) return `{${Object.entries(v.entries).map(([k, x]) => `${quoted(k)}:${typeof x === 'number' ? String(x) : quoted(x)}`).join(',')}}`;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[${v.map(quoted).join(',')}]`;
  return field(JSON.stringify(v));
}

/** A string inside an Array(String) value: single-quoted, escaped like a TSV field plus the quote. */
function quoted(s: string): string {
  return `'${s.replace(/[\\'\t\n\r\0]/g, (c) => (c === "'" ? "\\'" : ESCAPES[c]!))}'`;
}

/** Strings as a one-column TSV text (one escaped value per line), for the engine's `format(TSV, …)`. */
export function tsvLines(values: readonly string[]): string {
  return values.map(field).join('\n') + '\n';
}

/** Rows of strings as a TSV text (one line a row), for the engine's `format(TSV, …)` with several columns. */
export function tsvRows(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(field).join('\t')).join('\n') + '\n';
}

/** The columns of a batch: the first row's keys plus any other row adds. */
export function columnsOf(rows: readonly Row[]): string[] {
  const cols = new Set(Object.keys(rows[0] ?? {}));
  for (const r of rows) for (const k in r) cols.add(k);
  return [...cols];
}

/**
 * One line per row: each row's fields are gathered in an array and joined (≈3× faster here than appending
 * field by field, which builds a rope of small strings per line that the final join has to flatten).
 */
export function toTsv(rows: readonly Row[], columns: readonly string[]): string {
  const lines: string[] = new Array(rows.length);
  const values: string[] = new Array(columns.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let c = 0; c < columns.length; c++) values[c] = field(r[columns[c]!]);
    lines[i] = values.join('\t');
  }
  return lines.join('\n') + '\n';
}
