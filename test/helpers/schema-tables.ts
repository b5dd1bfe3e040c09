/**
 * The tables the migrations leave behind, read from their single-node text: name → columns, engine, sorting key.
 * For tests that check the cluster layout against the schema (a table created AS another copies its columns).
 */
import { loadMigrations, LEDGER_DDL } from '../../src/store/migrate.js';
import { splitStatements } from '../../src/store/schema-target.js';

export interface SchemaTable {
  columns: Set<string>;
  engine: string;
  orderBy: string[];
}

function columnsOf(body: string): Set<string> {
  const open = body.indexOf('(');
  let depth = 0;
  let close = open;
  for (let i = open; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')' && --depth === 0) { close = i; break; }
  }
  const names = body.slice(open + 1, close).split('\n').flatMap((line) => line.split(/,(?=\s*[a-z_]+\s+[A-Z])/))
    .map((part) => /^\s*([a-z_][a-z0-9_]*)\s+[A-Z]/.exec(part)?.[1]).filter((n): n is string => n !== undefined);
  return new Set(names);
}

export function schemaTables(): Map<string, SchemaTable> {
  const tables = new Map<string, SchemaTable>();
  const statements = [LEDGER_DDL, ...loadMigrations().flatMap((m) => m.statements)];
  for (const s of statements) {
    const create = /^CREATE TABLE IF NOT EXISTS (\w+)\s*(AS (\w+))?([\s\S]*)$/.exec(s);
    if (create) {
      const [, name, , source, body] = create as unknown as [string, string, string | undefined, string | undefined, string];
      const engine = /ENGINE = (\w+)/.exec(body)?.[1] ?? '';
      const order = /ORDER BY \(?([\w, ]+?)\)?\s*(\n|SETTINGS|TTL|$)/.exec(body)?.[1] ?? '';
      const columns = source ? new Set(tables.get(source)?.columns) : columnsOf(body);
      tables.set(name, { columns, engine, orderBy: order.split(',').map((c) => c.trim()).filter(Boolean) });
      continue;
    }
    const drop = /^DROP TABLE IF EXISTS (\w+)$/.exec(s);
    if (drop) tables.delete(drop[1]!);
    const add = /^ALTER TABLE (\w+) ADD COLUMN IF NOT EXISTS (\w+)/.exec(s);
    if (add) tables.get(add[1]!)?.columns.add(add[2]!);
  }
  return tables;
}

/** The columns a sharding key expression reads, e.g. cityHash64(workflow_id, execution_id) → workflow_id, execution_id. */
export function keyColumns(key: string): string[] {
  const args = /^\w+\((.*)\)$/.exec(key)?.[1] ?? key;
  return args.split(',').map((c) => c.trim());
}
