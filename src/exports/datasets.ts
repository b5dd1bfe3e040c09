/**
 * What an export contains (CONTRACT §6): by default one row per execution of the cohort, streamed from
 * ClickHouse in chunks (constant memory whatever the size); or the rows of the trends, funnel or
 * actions panel, or the unified report's figures (unified-export.ts). Each dataset is a header and an async sequence of CSV lines.
 */
import { actions } from '../metrics/actions.js';
import { funnel } from '../metrics/funnel.js';
import type { Period } from '../metrics/period.js';
import { COHORT, factsFilter, params, type Scope } from '../metrics/scope.js';
import { summaryWithTrends } from '../metrics/summary.js';
import { FACTS } from '../store/execution-facts.js';
import type { Store } from '../store/store.js';
import { csvLine } from './csv.js';
import { durationSeconds, statusCondition } from '../metrics/definitions.js';
import { UNIFIED_COLUMNS, unifiedAllModels, unifiedCsvRows } from './unified-export.js';

export const DATASETS = ['executions', 'trends', 'funnel', 'actions', 'unified'] as const;
export type Dataset = (typeof DATASETS)[number];

/** The seed's maximum export size. */
export const MAX_EXPORT_ROWS = 1_000_000;

export const EXECUTION_COLUMNS = [
  'execution_id', 'contact_id', 'status', 'enrollment_source', 'enrolled_at', 'completed_at',
  'goal_achieved_at', 'exit_reason', 'current_step_id', 'duration_seconds',
] as const;

const ISO = (c: string) => `if(${c} IS NULL, NULL, concat(replaceOne(toString(${c}), ' ', 'T'), 'Z'))`;

// Text a spreadsheet would read as a formula gets a leading apostrophe, as csvCell does (./csv.ts).
const SAFE = (c: string) => `if(match(${c}, '^[=+\\-@\\t\\r]'), concat('\\'', ${c}), ${c})`;

// Output names equal column names, and ClickHouse would read an alias in place of the column inside
// other expressions: every column is read through the table alias f. ClickHouse writes the CSV itself
// (RFC 4180 quoting, CRLF, NULL as an empty cell): no row passes through JavaScript objects.
const EXECUTIONS_CSV_SQL = (filter: string) => `
SELECT ${SAFE('f.execution_id')} AS execution_id, ${SAFE('f.contact_id')} AS contact_id, f.status AS status,
       toString(f.enrollment_source) AS enrollment_source,
       ${ISO('f.enrolled_at')} AS enrolled_at,
       ${ISO(`if(${statusCondition('succeeded', 'f.status')}, f.completed_at, NULL)`)} AS completed_at,
       ${ISO('f.goal_achieved_at')} AS goal_achieved_at,
       ${SAFE(`if(${statusCondition('exited', 'f.status')}, toString(f.exit_reason), '')`)} AS exit_reason,
       ${SAFE(`if(${statusCondition('active', 'f.status')}, f.current_step_id, '')`)} AS current_step_id,
       if(${statusCondition('succeeded', 'f.status')} AND f.completed_at IS NOT NULL, ${durationSeconds('f.')}, NULL) AS duration_seconds
FROM ${FACTS} AS f
WHERE ${COHORT.replaceAll('enrolled_at', 'f.enrolled_at')} AND ${filter}
ORDER BY f.enrolled_at, f.execution_id
SETTINGS format_csv_null_representation = '', output_format_csv_crlf_end_of_line = 1`;

/** How many rows a dataset has, to refuse exports over the limit before starting. */
export async function executionCount(store: Store, scope: Scope, period: Period): Promise<number> {
  const [r] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${FACTS} WHERE ${COHORT} AND ${factsFilter(scope)}`, params(scope, period));
  return Number(r?.n ?? 0);
}

export interface CsvProgress {
  rows: number;
}

/**
 * The cohort's executions as CSV text chunks (header first), narrowed by `selection` (conditions on the facts and
 * their parameters: a drill-down's, src/metrics/drilldown.ts). `progress.rows` counts data rows as they go.
 */
export async function* executionsCsv(store: Store, scope: Scope, period: Period, progress: CsvProgress = { rows: 0 }, selection: { sql: string; params: Record<string, unknown> } = { sql: '1', params: {} }): AsyncGenerator<string> {
  yield csvLine(EXECUTION_COLUMNS);
  for await (const text of store.streamText(EXECUTIONS_CSV_SQL(`${factsFilter(scope)} AND ${selection.sql}`), { ...params(scope, period), ...selection.params }, 'CSV')) {
    let lines = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    progress.rows += lines;
    yield text;
  }
}

/** The dataset as CSV text chunks (header first). `progress.rows` counts data rows as they go. */
export async function* csvChunks(store: Store, scope: Scope, period: Period, dataset: Dataset, progress: CsvProgress = { rows: 0 }): AsyncGenerator<string> {
  if (dataset === 'executions') {
    yield* executionsCsv(store, scope, period, progress);
    return;
  }
  if (dataset === 'trends') {
    yield csvLine(['date', 'new_enrollments', 'completions', 'conversions', 'enrollment_rate']);
    for (const t of (await summaryWithTrends(store, scope, period)).trends) {
      progress.rows++;
      yield csvLine([t.date, t.new_enrollments, t.completions, t.conversions, t.enrollment_rate]);
    }
    return;
  }
  if (dataset === 'unified') {
    yield csvLine(UNIFIED_COLUMNS);
    for (const row of unifiedCsvRows(await unifiedAllModels(store, scope, period))) {
      progress.rows++;
      yield csvLine(row);
    }
    return;
  }
  if (dataset === 'funnel') {
    yield csvLine(['step_order', 'step_id', 'step_name', 'entered', 'completed', 'dropped_off', 'conversion_rate', 'reached_percent', 'average_time_seconds', 'p50_time_seconds', 'p95_time_seconds', 'in_progress', 'exited', 'lost_before', 'lost']);
    for (const s of (await funnel(store, scope, period)).funnel_steps) {
      progress.rows++;
      yield csvLine([s.step_order, s.step_id, s.step_name, s.entered, s.completed, s.dropped_off, s.conversion_rate, s.reached_percent, s.average_time_seconds, s.p50_time_seconds, s.p95_time_seconds, s.in_progress, s.exited, s.lost_before, s.lost]);
    }
    return;
  }
  yield csvLine(['action_id', 'action_type', 'executions', 'successes', 'failures', 'success_rate', 'error_rate', 'average_duration_ms', 'p50_duration_ms', 'p95_duration_ms', 'error_types']);
  for (const a of (await actions(store, scope, period)).actions) {
    progress.rows++;
    yield csvLine([a.action_id, a.action_type, a.executions, a.successes, a.failures, a.success_rate, a.error_rate, a.average_duration_ms, a.p50_duration_ms, a.p95_duration_ms, JSON.stringify(a.error_types)]);
  }
}
