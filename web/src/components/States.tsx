/**
 * Loading skeletons, error and empty states: every panel shows one of these until it has data. A panel that
 * has figures keeps them when a refresh fails or the server is unreachable, marked stale with their time.
 */
import type { ReactNode } from 'react';
import { ApiError } from '../api.js';
import { isUnreachable, useConnection } from '../connection.js';
import { formatClock } from '../format.js';

export function Skeleton({ height = 120, label = 'Loading' }: { height?: number; label?: string }) {
  return <div className="skeleton" style={{ height }} role="status" aria-label={label} aria-busy="true" />;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  // the connection banner says the server is unreachable, once for the page; the panel only waits
  if (isUnreachable(error)) return <div className="state state-empty" role="status">Waiting for the server…</div>;
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError ? ` (${error.status})` : '';
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load this{status}.</strong>
      <p>{message}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

interface QueryLike<T> {
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
  /** When the data arrived, and why the latest attempt to refresh it failed (react-query's). */
  dataUpdatedAt?: number;
  failureReason?: unknown;
}

/** Whether a query's figures are old: its refresh failed, or the server cannot be reached. */
export function useStale(query: Pick<QueryLike<unknown>, 'data' | 'isError' | 'failureReason'>): boolean {
  const { down } = useConnection();
  return query.data !== undefined && (down || query.isError || isUnreachable(query.failureReason));
}

/** "as of 10:42" beside a panel whose figures could not be refreshed (nothing while they are current). */
export function StaleNote({ query, locale }: { query: Pick<QueryLike<unknown>, 'data' | 'isError' | 'failureReason' | 'dataUpdatedAt'>; locale?: string | undefined }) {
  const stale = useStale(query);
  if (!stale) return null;
  return (
    <span className="stale-note" data-stale-at={query.dataUpdatedAt} title="These figures could not be refreshed; they are shown as they were at this time">
      as of {formatClock(query.dataUpdatedAt, locale)}
    </span>
  );
}

/**
 * A panel's content for one query: its error (with a retry when `retry`; `error` may render a known one
 * differently), a skeleton until there is data, the `empty` message when it gives one, else `children(data)`.
 */
export function QueryState<T>({ query, skeleton = 120, label, empty, retry, error, children }: {
  query: QueryLike<T>;
  skeleton?: number;
  label?: string;
  empty?: (data: T) => ReactNode;
  retry?: boolean;
  error?: (error: unknown) => ReactNode;
  children: (data: T) => ReactNode;
}) {
  const stale = useStale(query);
  if (query.isError && query.data === undefined) return <>{error?.(query.error) ?? <ErrorState error={query.error} {...(retry ? { onRetry: () => void query.refetch() } : {})} />}</>;
  if (query.data === undefined) return <Skeleton height={skeleton} {...(label ? { label } : {})} />;
  const message = empty?.(query.data);
  const content = message ? <Empty>{message}</Empty> : children(query.data);
  if (!stale) return <>{content}</>;
  return (
    <div className="is-stale-panel">
      <StaleNote query={query} />
      <div className="is-stale">{content}</div>
    </div>
  );
}
