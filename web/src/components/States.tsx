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
