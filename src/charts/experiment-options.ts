/**
 * ECharts options for comparisons (experiments, versions): differences against a baseline with their intervals,
 * drawn as error bars — a horizontal line from the interval's lower to its upper end with caps, a dot at the
 * estimate — around a dashed line at zero (no difference). Pure data → options, like options.ts: a custom
 * series whose renderItem only maps values to coordinates.
 */
import { PALETTE } from './options.js';

export type IntervalVerdict = 'better' | 'worse' | 'no_difference' | 'not_enough_data';

/** One error bar: a difference and its interval. Rows without an interval are listed on the axis but draw nothing. */
export interface IntervalRow {
  label: string;
  estimate: number | null;
  ci: readonly [number, number] | null;
  verdict?: IntervalVerdict;
}

/** The colour of an error bar by its verdict: better green, worse red, otherwise the accent. */
export function intervalColor(verdict: IntervalVerdict | undefined, accent = PALETTE.primary): string {
  return verdict === 'better' ? PALETTE.success : verdict === 'worse' ? PALETTE.danger : verdict === 'not_enough_data' ? PALETTE.muted : accent;
}

/** The part of ECharts' custom-series API renderItem uses. */
interface RenderApi {
  value(dimension: number): number;
  coord(point: [number, number]): number[];
  size(point: [number, number]): number[];
}

/** Height of a chart of `rows` error bars, in pixels. */
export const intervalChartHeight = (rows: number) => 56 + 44 * Math.max(1, rows);

/**
 * Error bars, one per row (top to bottom in the given order). `format` writes a difference for the axis and the
 * tooltip (e.g. "+2.5 pp"); the value axis always includes zero.
 */
export function intervalOptions(rows: readonly IntervalRow[], options: { format?: (n: number) => string; accent?: string } = {}) {
  const format = options.format ?? ((n: number) => String(Math.round(n * 100) / 100));
  const drawn = rows.flatMap((r, i) => (r.ci && r.estimate !== null && Number.isFinite(r.ci[0]) && Number.isFinite(r.ci[1]) ? [{ i, row: r }] : []));
  const colors = drawn.map((d) => intervalColor(d.row.verdict, options.accent));
  return {
    animation: false,
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif', color: PALETTE.text },
    grid: { left: 16, right: 24, top: 12, bottom: 28, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const d = drawn[p.dataIndex];
        if (!d) return '';
        return `${d.row.label}: ${format(d.row.estimate!)}<br/>interval ${format(d.row.ci![0])} to ${format(d.row.ci![1])}`;
      },
    },
    xAxis: { type: 'value', scale: false, axisLabel: { fontSize: 10, hideOverlap: true, formatter: (n: number) => format(n) }, splitLine: { lineStyle: { color: PALETTE.grid } } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label), axisTick: { show: false }, axisLine: { show: false }, axisLabel: { fontSize: 11, width: 150, overflow: 'truncate' } },
    series: [
      {
        type: 'custom',
        name: 'Difference',
        // [row, lower, upper, estimate]: x spans the three values, so the axis fits the whole interval
        encode: { y: 0, x: [1, 2, 3], tooltip: [3, 1, 2] },
        data: drawn.map(({ i, row }) => [i, row.ci![0], row.ci![1], row.estimate!]),
        renderItem: (params: { dataIndex: number }, api: RenderApi) => {
          const row = api.value(0);
          const [xLow, y] = api.coord([api.value(1), row]) as [number, number];
          const [xHigh] = api.coord([api.value(2), row]) as [number, number];
          const [xEstimate] = api.coord([api.value(3), row]) as [number, number];
          const cap = Math.min(16, (api.size([0, 1])[1] ?? 32) * 0.4);
          const stroke = colors[params.dataIndex] ?? PALETTE.primary;
          const line = (x1: number, y1: number, x2: number, y2: number) => ({ type: 'line', shape: { x1, y1, x2, y2 }, style: { stroke, lineWidth: 2 } });
          return {
            type: 'group',
            children: [
              line(xLow, y, xHigh, y),
              line(xLow, y - cap / 2, xLow, y + cap / 2),
              line(xHigh, y - cap / 2, xHigh, y + cap / 2),
              { type: 'circle', shape: { cx: xEstimate, cy: y, r: 5 }, style: { fill: stroke, stroke: '#fff', lineWidth: 1 } },
            ],
          };
        },
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: PALETTE.muted, type: 'dashed' }, data: [{ xAxis: 0 }] },
      },
    ],
  };
}
