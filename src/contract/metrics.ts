/** GET /api/v1/metrics: the metric catalog (src/metrics/definitions.ts), as the API answers it. */
import { Type, type Static } from '@sinclair/typebox';

const Str = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], description });

export const MetricDefinitionSchema = Type.Object({
  name: Type.String({ description: 'the name experiments, alert rules and dashboard widgets use' }),
  label: Type.String(),
  description: Type.String({ description: 'what it means, exactly' }),
  kind: Str(['count', 'rate', 'mean', 'percentile', 'sum'], 'count | rate | mean | percentile | sum'),
  unit: Str(['executions', 'events', 'percent', 'hours', 'milliseconds', 'seconds', 'usd', 'credits', 'users', 'sessions'], 'the unit of its values'),
  better: Str(['higher', 'lower', 'neither'], 'which way is good news'),
  population: Str(['cohort', 'events'], 'cohort: executions enrolled in the period; events: events whose own time is in the period'),
  scope: Str(['workflow', 'step', 'action', 'account'], 'what one value is about'),
  source: Type.String({ description: 'the table its rows come from' }),
  ratio: Type.Optional(Type.Object({ numerator: Type.String(), denominator: Type.String() }, { description: 'rates: the counts divided, × 100' })),
  exact: Type.Boolean(),
  error: Type.Optional(Type.String({ description: 'how far from exact, when it is not' })),
  rollups: Type.Array(Type.Object({ table: Type.String(), resolution: Str(['hour', 'day', 'month', 'execution'], 'the finest period it can answer') })),
  answered_by: Type.Array(Type.String(), { description: 'the API fields that answer it' }),
  comparable: Type.Boolean({ description: 'versions and experiments can test it' }),
  watchable: Type.Boolean({ description: 'alert rules and anomaly bands can watch it per hour or day' }),
});
export type MetricDefinitionResponse = Static<typeof MetricDefinitionSchema>;

export const MetricsResponse = Type.Object({ metrics: Type.Array(MetricDefinitionSchema) });
export type MetricsResponse = Static<typeof MetricsResponse>;
