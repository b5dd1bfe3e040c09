/**
 * Segments of a workflow's cohort (issue 31, PRD "Cohort Analysis"): the executions enrolled in the period,
 * split by enrollment source, version, A/B variant, exit reason, or an attribute of their execution.started
 * event (a top-level key of its `metadata`); per segment the catalog's cohort figures — enrolled, completed,
 * completion rate, converted, conversion rate, failed — the largest `top` segments by enrolled, the others
 * folded into one "other" row. Counted in the engine in one pass over the execution facts (the attribute
 * joined from the raw execution.started events); the attribute's name and every value travel as parameters.
 */
import type { SegmentsResponse } from '../contract/segments.js';
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { metric } from './definitions.js';
import type { Period } from './period.js';
import { COHORT, factsFilter, filtersOut, IN_PERIOD, params, percent, type Scope } from './scope.js';

export const SEGMENT_BY = ['enrollment_source', 'version', 'variant', 'exit_reason', 'attribute'] as const;
export type SegmentBy = (typeof SEGMENT_BY)[number];

/** An attribute name: a top-level key of execution.started's metadata, of these characters only. */
export const ATTRIBUTE_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';
export const MAX_TOP = 50;

export interface SegmentRequest {
  by: SegmentBy;
  /** With by = attribute: the metadata key. */
  attribute?: string;
  /** The largest segments shown; the rest are folded into `other`. */
  top: number;
}

/** The counts of a segment: the catalog's count metrics, by name. */
const COUNTS = ['enrolled', 'completed', 'converted', 'failed'] as const;
/** The rates: the catalog's rate metrics, each the ratio of two of the counts. */
const RATES = ['completion_rate', 'conversion_rate'] as const;

/** What a segment's value is, per execution ('' where it has none). */
const SEGMENT_SQL: Record<Exclude<SegmentBy, 'attribute'>, string> = {
  enrollment_source: 'toString(enrollment_source)',
  version: 'toString(workflow_version)',
  variant: 'toString(variant)',
  exit_reason: 'toString(exit_reason)',
};

/**
 * The attribute of each execution of the cohort: its first execution.started event's metadata key — a string as
 * it is, a number, boolean, object or array as its JSON text, '' when absent (or the metadata is not an object).
 */
const ATTRIBUTE_ROWS = `(
    SELECT execution_id,
           argMin(if(JSONType(metadata, {attribute:String}) = 'String', JSONExtractString(metadata, {attribute:String}),
                     JSONExtractRaw(metadata, {attribute:String})), ts) AS seg
    FROM events
    WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND type = 'execution.started'
      AND ${IN_PERIOD('ts')} AND isValidJSON(metadata)
    GROUP BY execution_id)`;

export const SEGMENTS_SQL = (by: SegmentBy, filter: string): string => {
  const counts = COUNTS.map((name) => `countIf(${metric(name).sql}) AS ${name}`).join(', ');
  const source = by === 'attribute'
    ? `(SELECT f.*, ifNull(a.seg, '') AS seg FROM ${FACTS} AS f LEFT JOIN ${ATTRIBUTE_ROWS} AS a ON a.execution_id = f.execution_id WHERE ${COHORT} AND ${filter})`
    : `(SELECT *, ${SEGMENT_SQL[by]} AS seg FROM ${FACTS} WHERE ${COHORT} AND ${filter})`;
  return `
SELECT folded, if(folded, '', seg) AS segment, count() AS segments, ${COUNTS.map((n) => `sum(${n}) AS ${n}`).join(', ')}
FROM (
    SELECT *, row_number() OVER (ORDER BY enrolled DESC, seg ASC) > {top:UInt32} AS folded
    FROM (SELECT seg, ${counts} FROM ${source} GROUP BY seg))
GROUP BY folded, segment
ORDER BY folded, enrolled DESC, segment`;
};

type Counts = Record<(typeof COUNTS)[number], number>;
type Figures = SegmentsResponse['totals'];

/** A segment's figures: the counts, and each rate as the catalog defines it (its numerator over its denominator). */
function figures(c: Counts): Figures {
  const rates = Object.fromEntries(RATES.map((name) => {
    const { numerator, denominator } = metric(name).ratio!;
    return [name, percent(c[numerator as keyof Counts], c[denominator as keyof Counts])];
  })) as Record<(typeof RATES)[number], number>;
  return { ...c, ...rates };
}

const countsOf = (r: Record<string, unknown>): Counts => Object.fromEntries(COUNTS.map((n) => [n, Number(r[n] ?? 0)])) as Counts;

function add(a: Counts, b: Counts): Counts {
  return Object.fromEntries(COUNTS.map((n) => [n, a[n] + b[n]])) as Counts;
}

/** The answer of GET …/analytics/segments. */
export async function segmentsAnswer(store: Store, scope: Scope, period: Period, r: SegmentRequest, periodOut: SegmentsResponse['period']): Promise<SegmentsResponse> {
  const rows = await store.query<Record<string, unknown> & { folded: number | boolean; segment: string; segments: number }>(SEGMENTS_SQL(r.by, factsFilter(scope)), {
    ...params(scope, period), top: r.top, ...(r.by === 'attribute' ? { attribute: r.attribute } : {}),
  });
  const shown = rows.filter((x) => !Number(x.folded));
  const rest = rows.find((x) => Number(x.folded));
  let total: Counts = countsOf({});
  for (const x of rows) total = add(total, countsOf(x));
  return {
    workflow_id: scope.workflow,
    period: periodOut,
    filters: filtersOut(scope),
    by: r.by,
    attribute: r.by === 'attribute' ? r.attribute! : null,
    top: r.top,
    source: r.by === 'attribute' ? 'execution_facts + events (execution.started metadata, within the raw window)' : 'execution_facts',
    segments: shown.map((x) => ({ value: x.segment === '' ? null : String(x.segment), ...figures(countsOf(x)), share_of_enrolled: percent(Number(x.enrolled), total.enrolled) })),
    other: rest ? { segments: Number(rest.segments), ...figures(countsOf(rest)), share_of_enrolled: percent(Number(rest.enrolled), total.enrolled) } : null,
    totals: figures(total),
  };
}
