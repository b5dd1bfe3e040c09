/**
 * The connection, said once for the page: while the server cannot be reached, one banner (the panels keep
 * their figures, marked "as of"); when it answers again, every panel is refetched, without a reload. And when
 * figures last arrived, on every page ("Updated 10:42").
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useConnection } from '../connection.js';
import { formatClock } from '../format.js';

export function ConnectionBanner({ locale }: { locale?: string | undefined }) {
  const { down, lastDataAt } = useConnection();
  const client = useQueryClient();
  const wasDown = useRef(false);
  useEffect(() => {
    if (wasDown.current && !down) void client.invalidateQueries();
    wasDown.current = down;
  }, [down, client]);
  if (!down) return null;
  return (
    <div className="connection-banner" role="alert" data-connection="down">
      <strong>Cannot reach the server.</strong>{' '}
      {lastDataAt ? `The figures shown are as of ${formatClock(lastDataAt, locale)}. ` : ''}
      Retrying automatically; the page updates when the server answers.
    </div>
  );
}

export function LastUpdated({ locale }: { locale?: string | undefined }) {
  const { down, lastDataAt } = useConnection();
  if (!lastDataAt) return null;
  return (
    <span className={`last-updated small${down ? ' is-down' : ''}`} data-last-updated={lastDataAt}>
      Updated {formatClock(lastDataAt, locale)}
    </span>
  );
}

/** Beside a page's title while the server cannot be reached: its figures are those of the last answer ("as of 10:42"). */
export function PageStaleNote({ locale }: { locale?: string | undefined }) {
  const { down, lastDataAt } = useConnection();
  if (!down || !lastDataAt) return null;
  return (
    <span className="stale-note" data-stale-at={lastDataAt}>
      as of {formatClock(lastDataAt, locale)}
    </span>
  );
}
