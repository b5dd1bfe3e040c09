/** Change in percent from `before` to `now`, 2 decimals (null when there was nothing before). Pure: the dashboard uses it too. */
export function changePercent(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return Math.round(((now - before) / Math.abs(before)) * 100 * 100) / 100;
}
