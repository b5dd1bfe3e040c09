/**
 * Whether a period answered by an endpoint that does not say how far it has run (the platform pages') is over: a
 * period whose last date is today or later in its timezone includes now, so its figures are "so far". The
 * workflow summary says it itself (period.complete, src/metrics/period-progress.ts).
 */
import { localDate } from './calendar.js';

export function periodComplete(period: { end_date: string; timezone: string; complete?: boolean | undefined } | undefined, now = Date.now()): boolean | undefined {
  if (!period) return undefined;
  if (period.complete !== undefined) return period.complete;
  return period.end_date < localDate(now, period.timezone);
}
