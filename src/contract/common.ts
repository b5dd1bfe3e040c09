/**
 * Pieces of the API contract that several responses share. The contract is pure: it imports nothing of the
 * project (only TypeBox), so the dashboard can import its types and the server its schemas.
 */
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';

export const Num = Type.Number();
export const NullNum = Type.Union([Type.Number(), Type.Null()]);
export const NullStr = Type.Union([Type.String(), Type.Null()]);
export const Int = Type.Integer();
export const NullInt = Type.Union([Type.Integer(), Type.Null()]);

/** An object schema with an optional description (no additionalProperties: the serializer writes only what it lists). */
export const obj = <T extends Record<string, TSchema>>(props: T, description?: string) => Type.Object(props, description ? { description } : {});

/**
 * An object of any keys, each holding `value` (counts by exit reason, error type…). additionalProperties, not
 * Type.Record: a Record's patternProperties '^(.*)$' does not match a key holding a line break ('.' stops at
 * \n, \r, U+2028, U+2029), and the serializer drops the keys its schema does not match.
 */
export const Dict = <T extends TSchema>(value: T, description?: string) =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...(description ? { description } : {}) });

/** The path parameter of every route under /api/v1/workflows/{workflow_id}. */
export const WorkflowId = Type.Object({ workflow_id: Type.String({ minLength: 1, maxLength: 128 }) });
export type WorkflowId = Static<typeof WorkflowId>;

/**
 * Present when the period reaches back before the raw retention window (issue 31): where the figures of the
 * part before it come from, at what resolution, and what can no longer be given.
 */
export const PeriodHistory = obj({
  raw_detail_since: Type.String({ description: 'the raw events (and hourly rollups) are kept from this instant on' }),
  daily_since: Type.Union([Type.String(), Type.Null()], { description: 'the daily rollups and the execution facts are kept from this instant on (null: forever)' }),
  source: Type.String({ description: 'what the part of the period before raw_detail_since is answered from' }),
  resolution: Type.Union([Type.Literal('execution'), Type.Literal('utc_day')], { description: 'execution: per execution, exact at any day boundary; utc_day: whole UTC days' }),
  percentile_error: Type.Union([Type.Number(), Type.Null()], { description: 'the stated relative error of the answer\'s percentiles (0.005: within 0.5 % of the exact value); null: exact' }),
  unavailable: Type.Array(Type.String(), { description: 'what the answer cannot include any more' }),
}, 'history: the part of the period before the raw window');
export type PeriodHistory = Static<typeof PeriodHistory>;

/** The period a figure covers, as the server read the request: dates inclusive, in `timezone`. */
export const PeriodSchema = obj({
  start_date: Type.String(),
  end_date: Type.String(),
  timezone: Type.String(),
  granularity: Type.String(),
  // how far the period has run (the summary's periods): a period that includes now is not complete
  complete: Type.Optional(Type.Boolean({ description: 'false while the period includes now: its figures are so far, not comparable with a whole previous period (summary only)' })),
  as_of: Type.Optional(Type.String({ description: 'how far the figures reach, RFC 3339 in the period\'s timezone: now while the period runs, its end once it is over (summary only)' })),
  buckets_begun: Type.Optional(Type.Integer({ description: 'how many trend buckets have begun by as_of; the later ones are in the future, not zeros (summary only)' })),
  bucket_in_progress: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'the date of the trend bucket holding as_of, still filling (null once complete) (summary only)' })),
  history: Type.Optional(PeriodHistory),
});
export type PeriodOut = Static<typeof PeriodSchema>;

/** The filters a workflow's figures were computed with: version, variant, enrollment source, exit reason (null: all). */
export const FiltersSchema = obj({ version: NullInt, variant: NullStr, enrollment_source: NullStr, exit_reason: NullStr });
export type Filters = Static<typeof FiltersSchema>;

/**
 * Change in percent from `before` to `now`, 2 decimals (null when there was nothing before): the
 * `change_percent` of every comparison. A pure helper of the contract, used by the server (the summary's and
 * the executions summary's comparisons); the dashboard, which imports the contract as types only, keeps a
 * copy in web/src/format.ts (common.test.ts checks both agree).
 */
export function changePercent(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return Math.round(((now - before) / Math.abs(before)) * 100 * 100) / 100;
}

/**
 * true when A and B are assignable to each other: `true satisfies Equivalent<DomainType, Static<typeof Schema>>`
 * next to a route keeps the type its handler returns and the schema it declares from drifting apart.
 */
export type Equivalent<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** A free-form object (parameters, results): every key kept, in the order written. */
export const AnyObject = (description?: string) => Dict(Type.Unknown(), description);

/**
 * The serializer (fast-json-stringify) writes an object's required properties first, then its optional ones.
 * For an object with an optional property before required ones (a key the handler writes only when set), this
 * declares required only the properties before the first optional one, so the body keeps the listed order. The
 * Static type is unchanged (responses are not validated); the OpenAPI document shows the later ones as optional.
 */
export function inOrder<T extends TObject>(schema: T): T {
  const keys = Object.keys(schema.properties);
  const required = schema.required ?? [];
  const firstOptional = keys.findIndex((k) => !required.includes(k));
  if (firstOptional < 0) return schema;
  const out = { ...schema, required: keys.slice(0, firstOptional) };
  if (out.required.length === 0) delete (out as { required?: string[] }).required;
  return out;
}
