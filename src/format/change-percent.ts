/**
 * Change in percent from `before` to `now`, 2 decimals (null when there was nothing before): the
 * `change_percent` of the API's comparisons (src/contract/common.ts keeps the server's; both agree, checked by
 * src/contract/common.test.ts), for figures the server does not compare (the median duration).
 */
export function changePercent(now: number | null | undefined, before: number | null | undefined): number | null {
  if (now === null || now === undefined || before === null || before === undefined || before === 0) return null;
  return Math.round(((now - before) / Math.abs(before)) * 100 * 100) / 100;
}
