/** A period without data: said in words, with when the workflow's data last arrived (instead of zeros and empty charts). */
import { formatAgo, formatInstant } from '../format.js';
import { Empty } from './States.js';

export function NoData({ lastEventAt, locale, timeZone }: { lastEventAt: string | null | undefined; locale?: string | undefined; timeZone?: string | undefined }) {
  return (
    <Empty>
      <span className="no-data" data-no-data>
        <strong>No data in this range.</strong>{' '}
        {lastEventAt ? (
          <span data-last-event-at={lastEventAt}>
            Data last arrived {formatInstant(lastEventAt, locale, timeZone)} ({formatAgo(lastEventAt, Date.now(), locale)}).
          </span>
        ) : lastEventAt === null ? (
          'No data has arrived for this workflow yet.'
        ) : null}
      </span>
    </Empty>
  );
}
