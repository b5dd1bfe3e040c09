/**
 * How far a period has run at an instant (CONTRACT's reading of partial periods, see the README): a period that
 * includes now is not complete — its cohort is still being enrolled and its figures are "so far" — and of its
 * buckets, those that start after now have no data yet (they are future, not zeros) while the one holding now is
 * in progress. The summary's `period` carries these fields, so the dashboard and the PDF need not guess.
 */
import { rfc3339InZone, startOfLocalDay } from '../time/calendar.js';
import { buckets, type Bucket, type Period } from './period.js';

export interface PeriodProgress {
  /** false while now is before the period's end. */
  complete: boolean;
  /**
   * How far the figures reach (RFC 3339 in the period's timezone): now while the period runs, its end once it is
   * over — so an answer about a past period stays the same from one request to the next (its ETag too).
   */
  as_of: string;
  /** How many of the period's buckets have begun by `as_of` (all of them once complete; 0 before the period). */
  buckets_begun: number;
  /** The date of the bucket holding `as_of` (null when the period is complete or not begun): drawn as in progress. */
  bucket_in_progress: string | null;
}

/** A bucket's first instant in ms (a week or month may begin before the period does: the period's start then). */
function bucketStart(b: Bucket, p: Period): number {
  const t = p.granularity === 'minute' || p.granularity === 'hourly' ? Number(b.key) * 1000 : startOfLocalDay(b.date, p.timezone).getTime();
  return Math.max(t, p.from.getTime());
}

export function periodProgress(p: Period, now: Date): PeriodProgress {
  const t = now.getTime();
  const all = buckets(p);
  const complete = t >= p.to.getTime();
  const begun = complete ? all.length : all.filter((b) => bucketStart(b, p) <= t).length;
  return {
    complete,
    as_of: rfc3339InZone(complete ? p.to.getTime() : t, p.timezone),
    buckets_begun: begun,
    bucket_in_progress: !complete && begun > 0 ? all[begun - 1]!.date : null,
  };
}
