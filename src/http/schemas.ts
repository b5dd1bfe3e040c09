/** Schemas shared by several routes (for validation and the OpenAPI document). */
import { Type } from '@sinclair/typebox';
import { GRANULARITIES, RANGES } from '../metrics/period.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);

/**
 * The period every analytics request may name (CONTRACT §6), with the bounds that keep any value a handler sees
 * small: parsePeriod (metrics/period.ts) reads and checks the values themselves.
 */
export const PeriodParams = {
  start_date: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, inclusive, read in `timezone`', examples: ['2026-11-01'] })),
  end_date: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, inclusive', examples: ['2026-11-30'] })),
  range: Type.Optional(Type.String({ maxLength: 32, description: `instead of dates: ${RANGES.join(' | ')} (ending today in timezone)` })),
  timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA name, default UTC; read in any case (utc, europe/paris) and answered in its canonical spelling', examples: ['America/New_York'] })),
  granularity: Type.Optional(Type.String({ maxLength: 16, description: `${GRANULARITIES.join(' | ')}, default daily; weeks start on Monday` })),
};

/** The largest workflow version the catalog accepts; a version filter above it can match nothing. */
export const MAX_VERSION = 1_000_000;

/** The filters of a workflow's figures: version, variant, enrollment source, exit reason (metrics/scope.ts). */
export const VersionFilter = {
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_VERSION, description: 'only executions (events) of this workflow version' })),
  variant: Type.Optional(Type.String({ maxLength: 128, description: 'only executions of this A/B variant' })),
  enrollment_source: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'only executions enrolled from this source (execution.started\'s enrollment_source)' })),
  exit_reason: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'only executions that exited with this reason' })),
};
