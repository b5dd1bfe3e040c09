/**
 * A chart legend on a narrow chart: the items wrap over as many rows as they need (never paged "1/4"), and the
 * plot starts below the last row. The rows are estimated from the names' lengths at the legend's 11 px font.
 */
const ROW_PX = 20;
const CHAR_PX = 6.2;
/** The symbol (14 px), the gap to its text (5 px) and the gap to the next item (10 px). */
const ITEM_PX = 29;

/** How many rows the legend's items take in `width` pixels. */
export function legendRows(names: readonly string[], width: number): number {
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const w = ITEM_PX + name.length * CHAR_PX;
    if (used > 0 && used + w > width) {
      rows++;
      used = 0;
    }
    used += w;
  }
  return rows;
}

interface Options {
  legend?: Record<string, unknown>;
  grid?: Record<string, unknown>;
  series?: unknown;
}

/** The options with a wrapping legend and the plot moved down by its extra rows (unchanged without a legend). */
export function fitLegend<T extends Options>(options: T, width: number): T {
  const legend = options.legend;
  if (!legend) return options;
  const listed = Array.isArray(legend.data) ? (legend.data as unknown[]) : Array.isArray(options.series) ? (options.series as { name?: unknown }[]).map((s) => s.name) : [];
  // legend.data lists names or { name } items
  const names = listed.map((n) => (n !== null && typeof n === 'object' ? (n as { name?: unknown }).name : n)).filter((n): n is string => typeof n === 'string');
  const extra = legendRows(names, width - 16) - 1;
  const grid = options.grid;
  const top = typeof grid?.top === 'number' ? grid.top : 36;
  return { ...options, legend: { ...legend, type: 'plain' }, ...(grid && extra > 0 ? { grid: { ...grid, top: top + extra * ROW_PX } } : {}) };
}
