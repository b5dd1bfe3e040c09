/** The chart, loaded on demand: ECharts is most of the JavaScript, so pages show their figures first. */
import { lazy, Suspense } from 'react';
import { Skeleton } from './States.js';

export const loadChart = () => import('./Chart.js');
const Chart = lazy(() => loadChart().then((m) => ({ default: m.Chart })));

export function LazyChart(props: { options: Record<string, unknown>; label: string; height?: number; onPick?: ((index: number) => void) | undefined }) {
  return (
    <Suspense fallback={<Skeleton height={props.height ?? 300} label="Loading chart" />}>
      <Chart {...props} />
    </Suspense>
  );
}
