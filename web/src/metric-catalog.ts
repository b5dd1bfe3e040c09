/**
 * The metric catalog (GET /api/v1/metrics), asked once per session: the label, unit and good direction of a
 * metric by its name, for the comparison pages. Until it answers (or if it cannot), a metric shows its name and
 * plain numbers.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type MetricsResponse } from './api.js';

export interface MetricInfo {
  name: string;
  label: string;
  /** percent, hours, usd, … (undefined until the catalog answers). */
  unit: string | undefined;
  /** higher, lower or neither: which way is good news. */
  better: string;
}

export const metricCatalog = queryOptions({
  queryKey: ['metric-catalog'],
  queryFn: ({ signal }) => api<MetricsResponse>('/api/v1/metrics', { signal }),
  staleTime: Infinity,
});

/** What is known of a metric by its name, from a catalog answer (or only the name without one). */
export function metricInfo(catalog: MetricsResponse | undefined, name: string): MetricInfo {
  const m = catalog?.metrics.find((x) => x.name === name);
  return m ? { name, label: m.label, unit: m.unit, better: m.better } : { name, label: name.replaceAll('_', ' '), unit: undefined, better: 'neither' };
}

export function useMetricInfo(): (name: string) => MetricInfo {
  const catalog = useQuery(metricCatalog);
  return (name) => metricInfo(catalog.data, name);
}
