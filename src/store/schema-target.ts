/**
 * One schema, three targets. The migrations are plain ClickHouse SQL written for one node; this renders
 * each statement for where it runs:
 * - `embedded` (chdb) and `server` (one ClickHouse server, or ClickHouse Cloud): the statement as written;
 * - `cluster`: every CREATE/ALTER/DROP/TRUNCATE/OPTIMIZE gets `ON CLUSTER`, MergeTree-family engines become their
 *   Replicated form (the engine's own arguments kept), sharded tables become `<table>_local` with a Distributed
 *   table of the queried name in front (cluster-layout.ts), materialized views read and write the local tables
 *   of their shard, and INSERT … SELECT statements address the Distributed tables.
 * Pure: text in, text out (docs/cluster.md).
 */
import { LOCAL_SUFFIX, placementOf, SHARDED_TABLES, type Placement } from './cluster-layout.js';

export type SchemaTarget = { kind: 'embedded' } | { kind: 'server' } | { kind: 'cluster'; cluster: string };

export const TARGET_KINDS = ['embedded', 'server', 'cluster'] as const;

/** ZooKeeper/Keeper paths: per shard for sharded tables, one for the whole cluster for replicated ones. */
export const SHARD_PATH = '/clickhouse/tables/{shard}/{database}/{table}';
export const EVERY_NODE_PATH = '/clickhouse/tables/all/{database}/{table}';

/** Cluster names go into DDL as identifiers and string literals: letters, digits and underscores only. */
export const CLUSTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits a migration file into statements: semicolons at line ends separate them; -- comment lines are dropped. */
export function splitStatements(sqlText: string): string[] {
  const withoutComments = sqlText
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The statements `sql` becomes on `target` (one statement may become two on a cluster). */
export function renderStatement(target: SchemaTarget, sql: string): string[] {
  if (target.kind !== 'cluster') return [sql];
  if (!CLUSTER_NAME.test(target.cluster)) throw new Error(`cluster name must be letters, digits and underscores, got "${target.cluster}"`);
  if (/\bON\s+CLUSTER\b/i.test(sql)) return [sql];
  return renderForCluster(target.cluster, sql.trim());
}

export function renderStatements(target: SchemaTarget, statements: readonly string[]): string[] {
  return statements.flatMap((s) => renderStatement(target, s));
}

const isSharded = (table: string) => placementOf(table).kind === 'sharded';
const local = (table: string) => (isSharded(table) ? `${table}${LOCAL_SUFFIX}` : table);

function renderForCluster(cluster: string, sql: string): string[] {
  const on = `ON CLUSTER ${cluster}`;
  let m: RegExpMatchArray | null;

  if ((m = /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)(\s[\s\S]*|\([\s\S]*)$/i.exec(sql))) {
    const [, ifNotExists = '', table, rest] = m as unknown as [string, string | undefined, string, string];
    const placement = placementOf(table);
    const body = rest.replace(/^(\s+AS\s+)(\w+)/i, (_all, as: string, source: string) => `${as}${local(source)}`);
    const created = `CREATE TABLE ${ifNotExists}${local(table)} ${on}${replicatedEngine(body, placement)}`;
    if (placement.kind !== 'sharded') return [created];
    return [created, distributedTable(cluster, table, placement.key)];
  }

  if ((m = /^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+TO\s+(\w+)(\s[\s\S]*)$/i.exec(sql))) {
    const [, ifNotExists = '', view, to, select] = m as unknown as [string, string | undefined, string, string, string];
    return [`CREATE MATERIALIZED VIEW ${ifNotExists}${view} ${on} TO ${local(to)}${readLocal(select)}`];
  }
  if (/^CREATE\s+MATERIALIZED\s+VIEW/i.test(sql)) {
    throw new Error('a materialized view on a cluster needs a target table (CREATE MATERIALIZED VIEW … TO table)');
  }

  if ((m = /^CREATE\s+(VIEW|DICTIONARY)\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)(\s[\s\S]*|\([\s\S]*)$/i.exec(sql))) {
    const [, kind, ifNotExists = '', name, rest] = m as unknown as [string, string, string | undefined, string, string];
    return [`CREATE ${kind.toUpperCase()} ${ifNotExists}${name} ${on}${rest}`];
  }

  if ((m = /^DROP\s+(TABLE|VIEW|DICTIONARY)\s+(IF\s+EXISTS\s+)?(\w+)(\s+SYNC)?$/i.exec(sql))) {
    const [, kind, ifExists = '', name] = m as unknown as [string, string, string | undefined, string];
    const drop = (t: string) => `DROP ${kind.toUpperCase()} ${ifExists}${t} ${on} SYNC`;
    // the Distributed table first: nothing reads a local table that is gone
    return kind.toUpperCase() === 'TABLE' && isSharded(name) ? [drop(name), drop(local(name))] : [drop(name)];
  }

  if ((m = /^ALTER\s+TABLE\s+(\w+)(\s[\s\S]*)$/i.exec(sql))) {
    const [, table, ops] = m as unknown as [string, string, string];
    const onLocal = `ALTER TABLE ${local(table)} ${on}${ops}`;
    if (!isSharded(table) || !/^\s*(ADD|MODIFY|DROP|RENAME|COMMENT)\s+COLUMN\b/i.test(ops)) return [onLocal];
    // a column change applies to the Distributed table too: added after the local tables have it, dropped before
    const onDistributed = `ALTER TABLE ${table} ${on}${ops}`;
    return /^\s*(DROP|RENAME)\s/i.test(ops) ? [onDistributed, onLocal] : [onLocal, onDistributed];
  }

  if ((m = /^TRUNCATE\s+(TABLE\s+)?(IF\s+EXISTS\s+)?(\w+)$/i.exec(sql))) {
    const [, , ifExists = '', table] = m as unknown as [string, string | undefined, string | undefined, string];
    return [`TRUNCATE TABLE ${ifExists}${local(table)} ${on}`];
  }

  if ((m = /^OPTIMIZE\s+TABLE\s+(\w+)([\s\S]*)$/i.exec(sql))) {
    const [, table, rest] = m as unknown as [string, string, string];
    return [`OPTIMIZE TABLE ${local(table)} ${on}${rest}`];
  }

  if (/^INSERT\s/i.test(sql)) return [readDistributed(sql)];
  if (/^(CREATE|ALTER|DROP|RENAME|EXCHANGE|ATTACH|DETACH)\s/i.test(sql)) {
    throw new Error(`no cluster rendering for this statement: ${sql.slice(0, 80)}`);
  }
  return [sql];
}

/** `ENGINE = XMergeTree[(args)]` → `ENGINE = ReplicatedXMergeTree('path', '{replica}'[, args])`. */
export function replicatedEngine(body: string, placement: Placement): string {
  const m = /\bENGINE\s*=\s*(\w*MergeTree)\b/i.exec(body);
  if (!m) throw new Error('a table on a cluster needs a MergeTree-family engine');
  const engine = m[1]!;
  if (/^Replicated/i.test(engine) || /^Shared/i.test(engine)) return body;
  let end = m.index + m[0].length;
  let args = '';
  const open = /^\s*\(/.exec(body.slice(end));
  if (open) {
    const start = end + open[0].length;
    const close = matchingParen(body, start - 1);
    args = body.slice(start, close).trim();
    end = close + 1;
  }
  const path = placement.kind === 'sharded' ? SHARD_PATH : EVERY_NODE_PATH;
  const replicated = `ENGINE = Replicated${engine}('${path}', '{replica}'${args ? `, ${args}` : ''})`;
  return body.slice(0, m.index) + replicated + body.slice(end);
}

function matchingParen(text: string, openAt: number): number {
  let depth = 0;
  for (let i = openAt; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  throw new Error('unbalanced parentheses in an engine clause');
}

function distributedTable(cluster: string, table: string, key: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER ${cluster} AS ${local(table)}\n` +
    `ENGINE = Distributed('${cluster}', currentDatabase(), '${local(table)}', ${key})`;
}

const SHARDED_NAME = new RegExp(`\\b(FROM|JOIN)\\s+(${SHARDED_TABLES.join('|')})\\b(\\s+AS\\b)?`, 'gi');

/** A view's SELECT on a cluster reads its shard's local tables (aliased to their usual names, so qualified columns still resolve). */
function readLocal(select: string): string {
  return select.replace(SHARDED_NAME, (_all, kw: string, table: string, as?: string) =>
    as ? `${kw} ${local(table)}${as}` : `${kw} ${local(table)} AS ${table}`);
}

const LOCAL_NAME = new RegExp(`\\b(${SHARDED_TABLES.join('|')})${LOCAL_SUFFIX}\\b`, 'g');

/** An INSERT … SELECT on a cluster (a rebuild runs a view's own SELECT again) reads and writes the Distributed tables. */
function readDistributed(sql: string): string {
  return sql.replace(LOCAL_NAME, (_all, table: string) => table);
}
