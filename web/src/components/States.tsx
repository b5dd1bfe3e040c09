/** Loading skeletons, error and empty states: every panel shows one of these until it has data. */
import type { ReactNode } from 'react';
import { ApiError } from '../api.js';

export function Skeleton({ height = 120, label = 'Loading' }: { height?: number; label?: string }) {
  return <div className="skeleton" style={{ height }} role="status" aria-label={label} aria-busy="true" />;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
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
  if (query.isError) return <>{error?.(query.error) ?? <ErrorState error={query.error} {...(retry ? { onRetry: () => void query.refetch() } : {})} />}</>;
  if (query.data === undefined) return <Skeleton height={skeleton} {...(label ? { label } : {})} />;
  const message = empty?.(query.data);
  if (message) return <Empty>{message}</Empty>;
  return <>{children(query.data)}</>;
}
